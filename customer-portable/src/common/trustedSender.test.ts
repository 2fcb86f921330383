import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrustedRendererUrl } from './trustedSender.ts';

const OURS = 'file:///opt/Beacon%20Customer/resources/app/dist/renderer/index.html';

test('our bundled page is trusted, whatever its query or hash', () => {
  assert.equal(isTrustedRendererUrl(OURS, OURS), true);
  assert.equal(isTrustedRendererUrl(`${OURS}?lang=zh#x`, OURS), true);
});

test('any other page is refused', () => {
  for (const url of [
    'https://evil.example/index.html',
    'http://localhost:8080/customer/index.html',
    'file:///tmp/index.html',
    'file:///opt/Beacon%20Customer/resources/app/dist/renderer/other.html',
    'file://server/opt/Beacon%20Customer/resources/app/dist/renderer/index.html',
    'about:blank',
    'not a url',
  ]) {
    assert.equal(isTrustedRendererUrl(url, OURS), false, url);
  }
});
