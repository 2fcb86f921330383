import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RELAY_URL, resolveRelayUrl } from './relayUrl.ts';

test('--relay= wins over the environment, which wins over the default', () => {
  assert.equal(resolveRelayUrl(['app', '--relay=https://relay.example:8443'], { BEACON_RELAY_URL: 'http://env:1' }), 'https://relay.example:8443');
  assert.equal(resolveRelayUrl(['app'], { BEACON_RELAY_URL: 'http://env:1' }), 'http://env:1');
  assert.equal(resolveRelayUrl(['app'], {}), DEFAULT_RELAY_URL);
});

test('a malformed relay URL is reported and the next source is used', () => {
  const warnings: string[] = [];
  const url = resolveRelayUrl(['--relay=not a url'], { BEACON_RELAY_URL: 'file:///etc/passwd' }, (m) => warnings.push(m));
  assert.equal(url, DEFAULT_RELAY_URL);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0] ?? '', /--relay/);
});
