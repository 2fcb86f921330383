/**
 * The client's bridge (ws-upgrade) on a fake host: the socket carries at once, the switch
 * sends the marker before anything goes to the channels, and the relay's channel messages
 * wait for its own marker; a peer connection that fails first leaves the socket carrying.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClientToRelay } from '../protocol.ts';
import { BRIDGE_GIVE_UP_MS, WsBridge, type BridgeHost } from './WsBridge.ts';

function fakeHost() {
  const log: string[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const host: BridgeHost = {
    sendSignal: (m: ClientToRelay) => log.push(`signal ${m.type}`),
    carryOnSocket: (isOnSocket) => log.push(isOnSocket ? 'socket' : 'channels'),
    dropRtc: (reason) => log.push(`drop ${reason}`),
    drained: () => log.push('drained'),
    setTimeout: (fn, ms) => timers.push({ fn, ms }) - 1,
    clearTimeout: (h) => {
      if (typeof h === 'number' && timers[h]) timers[h].fn = () => {};
    },
  };
  return { host, log, timers };
}

test('bridged at once, then the switch in order on both sides', async () => {
  const { host, log } = fakeHost();
  const bridge = new WsBridge(host);
  const started = bridge.start();
  assert.deepEqual(log, ['signal transport-bridge']);
  bridge.onTransport('websocket');
  await started;
  assert.equal(bridge.path, 'websocket');
  bridge.channelsOpen();
  assert.deepEqual(log.slice(1), ['socket', 'signal transport-upgrade', 'channels', 'drained']);
  const seen: string[] = [];
  bridge.fromChannel(() => seen.push('early channel message'));
  assert.equal(bridge.takesSocket, true, 'the socket still brings what the relay sent before its marker');
  seen.push('socket message');
  bridge.onTransport('webrtc');
  bridge.fromChannel(() => seen.push('later channel message'));
  assert.deepEqual(seen, ['socket message', 'early channel message', 'later channel message']);
  assert.equal(bridge.path, 'webrtc');
  assert.equal(bridge.takesSocket, false);
});

test('channels that fail or take too long leave the session on the socket', () => {
  const { host, log, timers } = fakeHost();
  const bridge = new WsBridge(host);
  void bridge.start();
  bridge.onTransport('websocket');
  assert.equal(timers[0]?.ms, BRIDGE_GIVE_UP_MS);
  timers[0]?.fn();
  assert.ok(log.some((l) => l.startsWith('drop')));
  assert.equal(bridge.isSettled, true);
  bridge.channelsOpen();
  assert.ok(!log.includes('signal transport-upgrade'), 'no switch after giving up');
  assert.equal(bridge.path, 'websocket');
});

test('a relay that keeps the socket at the switch: back to the socket', () => {
  const { host, log } = fakeHost();
  const bridge = new WsBridge(host);
  void bridge.start();
  bridge.onTransport('websocket');
  bridge.channelsOpen();
  bridge.onTransport('websocket');
  assert.deepEqual(log.slice(-2), ['socket', 'drop the relay kept the websocket']);
  assert.equal(bridge.path, 'websocket');
});
