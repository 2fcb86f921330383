import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RELAY_URL, resolveRelayUrl } from './relayUrl.ts';

test('the --relay argument wins over the environment', () => {
  assert.deepEqual(resolveRelayUrl(['electron', '.', '--relay=https://relay.example.com/'], { BEACON_RELAY_URL: 'http://other:1' }), {
    ok: true,
    url: 'https://relay.example.com',
    source: 'arg',
  });
});

test('falls back to BEACON_RELAY_URL, then to the local default', () => {
  assert.deepEqual(resolveRelayUrl([], { BEACON_RELAY_URL: 'http://10.0.0.5:8080' }), { ok: true, url: 'http://10.0.0.5:8080', source: 'env' });
  assert.deepEqual(resolveRelayUrl([], {}), { ok: true, url: DEFAULT_RELAY_URL, source: 'default' });
});

test('refuses values that are not http(s) URLs instead of guessing', () => {
  assert.deepEqual(resolveRelayUrl(['--relay=file:///etc/passwd'], {}), { ok: false, value: 'file:///etc/passwd', source: 'arg' });
  assert.deepEqual(resolveRelayUrl([], { BEACON_RELAY_URL: 'not a url' }), { ok: false, value: 'not a url', source: 'env' });
});
