import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RELAY_URL, resolveRelayUrl } from './relayUrl.ts';

test('the --relay argument wins over the environment, which wins over the default', () => {
  assert.deepEqual(resolveRelayUrl(['electron', '.', '--relay=https://relay.example.com/'], { BEACON_RELAY_URL: 'http://other:1' }), {
    url: 'https://relay.example.com',
    source: 'arg',
    rejected: [],
  });
  assert.equal(resolveRelayUrl(['app', '--relay=https://relay.example:8443'], { BEACON_RELAY_URL: 'http://env:1' }).url, 'https://relay.example:8443');
  assert.deepEqual(resolveRelayUrl([], { BEACON_RELAY_URL: 'http://10.0.0.5:8080' }), { url: 'http://10.0.0.5:8080', source: 'env', rejected: [] });
  assert.deepEqual(resolveRelayUrl(['app'], {}), { url: DEFAULT_RELAY_URL, source: 'default', rejected: [] });
});

test('a ws(s) address is read as the relay http(s) base it names', () => {
  assert.equal(resolveRelayUrl(['--relay=wss://relay.example/beacon/'], {}).url, 'https://relay.example/beacon');
  assert.equal(resolveRelayUrl([], { BEACON_RELAY_URL: 'ws://10.0.0.5:8080' }).url, 'http://10.0.0.5:8080');
});

test('values that are not http(s) URLs are reported in order, never guessed at', () => {
  assert.deepEqual(resolveRelayUrl(['--relay=file:///etc/passwd'], {}), {
    url: DEFAULT_RELAY_URL,
    source: 'default',
    rejected: [{ source: 'arg', where: '--relay', value: 'file:///etc/passwd' }],
  });
  const both = resolveRelayUrl(['--relay=not a url'], { BEACON_RELAY_URL: 'file:///etc/passwd' });
  assert.equal(both.url, DEFAULT_RELAY_URL);
  assert.deepEqual(
    both.rejected.map((r) => r.where),
    ['--relay', 'BEACON_RELAY_URL'],
  );
  const next = resolveRelayUrl(['--relay=not a url'], { BEACON_RELAY_URL: 'http://env:1' });
  assert.equal(next.url, 'http://env:1');
  assert.equal(next.source, 'env');
  assert.equal(next.rejected.length, 1);
});
