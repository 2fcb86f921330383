import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handleAtBoundary, parseJson } from './parse.ts';
import { ClientToRelay, CtlFromRelay, CtlToRelay } from './protocol.ts';

test('valid messages parse into typed values, codes are normalised', () => {
  const r = parseJson(
    ClientToRelay,
    JSON.stringify({
      type: 'connect-request',
      requestId: 'r1',
      deviceId: '123456789',
      code: ' ab3k7q ',
      permissions: { view: true, control: true },
    }),
    'test',
  );
  assert.ok(r.ok);
  assert.equal(r.value.type === 'connect-request' && r.value.code, 'AB3K7Q');
});

test('bad messages are reported with their paths, never thrown', () => {
  const bad = [
    'not json{',
    'null',
    '[]',
    JSON.stringify({ type: 'nope' }),
    JSON.stringify({ type: 'connect-request', requestId: 'r', deviceId: '12345', code: 'ABCDEF', permissions: { view: true, control: false } }),
    JSON.stringify({ type: 'connect-request', requestId: 'r', deviceId: '123456789', code: 'AB', permissions: { view: true, control: false } }),
    JSON.stringify({ type: 'hello', v: 'one', role: 'agent' }),
    JSON.stringify({ type: 'hello', v: 1, role: 'admin' }),
    JSON.stringify({ type: 'rtc-offer', sdp: 'x'.repeat(70 * 1024) }),
  ];
  for (const raw of bad) {
    const r = parseJson(ClientToRelay, raw, 'ws');
    assert.equal(r.ok, false, raw.slice(0, 60));
    if (!r.ok) {
      assert.equal(r.error.code, 'bad-message');
      assert.match(r.error.message, /^ws: /);
    }
  }
  const r = parseJson(ClientToRelay, JSON.stringify({ type: 'hello', v: 'one', role: 'agent' }), 'ws');
  assert.ok(!r.ok && r.error.issues.some((i) => i.startsWith('v:')));
});

test('input events are bounded', () => {
  const base = { type: 'input', sessionId: 'abcdefgh12345678' };
  const bad = [
    { kind: 'mouse-move', x: -1, y: 0 },
    { kind: 'mouse-move', x: 1.5, y: 0 },
    { kind: 'mouse-button', x: 1, y: 1, button: 'thumb', down: true },
    { kind: 'key', key: 'rm -rf', down: true, modifiers: [] },
    { kind: 'key', key: 'a', down: true, modifiers: ['hyper'] },
    { kind: 'text', text: '' },
    { kind: 'text', text: 'x'.repeat(300) },
    { kind: 'wheel', x: 0, y: 0, dx: 0, dy: 1e6 },
  ];
  for (const event of bad) assert.equal(parseJson(CtlToRelay, JSON.stringify({ ...base, event }), 'ctl').ok, false, JSON.stringify(event));
  assert.ok(parseJson(CtlToRelay, JSON.stringify({ ...base, event: { kind: 'key', key: 'c', down: true, modifiers: ['control'] } }), 'ctl').ok);
});

test('handleAtBoundary turns bad input and handler failures into one failure callback', async () => {
  const failures: string[] = [];
  const handled: string[] = [];
  const fail = (e: Error & { code?: string }) => failures.push(e.code ?? e.message);
  handleAtBoundary(ClientToRelay, '{', 'ws', () => void handled.push('x'), fail);
  handleAtBoundary(ClientToRelay, JSON.stringify({ type: 'session-end', sessionId: 'abcdefgh' }), 'ws', (m) => void handled.push(m.type), fail);
  handleAtBoundary(ClientToRelay, JSON.stringify({ type: 'session-end', sessionId: 'abcdefgh' }), 'ws', () => {
    throw Object.assign(new Error('boom'), { code: 'internal' });
  }, fail);
  handleAtBoundary(ClientToRelay, JSON.stringify({ type: 'session-end', sessionId: 'abcdefgh' }), 'ws', async () => {
    throw new Error('async boom');
  }, fail);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(handled, ['session-end']);
  assert.deepEqual(failures, ['bad-message', 'internal', 'async boom']);
});

test('view-state says whether a session is on screen, with a boolean and nothing else', () => {
  const ok = parseJson(CtlToRelay, JSON.stringify({ type: 'view-state', sessionId: 'abcdefgh12345678', isVisible: false }), 'ctl');
  assert.ok(ok.ok && ok.value.type === 'view-state' && ok.value.isVisible === false);
  const bad = [
    { type: 'view-state', sessionId: 'abcdefgh12345678', isVisible: 'false' },
    { type: 'view-state', sessionId: 'abcdefgh12345678', isVisible: 0 },
    { type: 'view-state', sessionId: 'abcdefgh12345678' },
    { type: 'view-state', isVisible: true },
    { type: 'view-state', sessionId: '../x', isVisible: true },
  ];
  for (const msg of bad) assert.equal(parseJson(CtlToRelay, JSON.stringify(msg), 'ctl').ok, false, JSON.stringify(msg));
});

test('quality-mode names one of three modes, to the relay and from it', () => {
  for (const mode of ['speed', 'balanced', 'quality']) {
    const to = parseJson(CtlToRelay, JSON.stringify({ type: 'quality-mode', sessionId: 'abcdefgh12345678', mode }), 'ctl');
    assert.ok(to.ok && to.value.type === 'quality-mode' && to.value.mode === mode, mode);
    const from = parseJson(CtlFromRelay, JSON.stringify({ type: 'quality-mode', sessionId: 'abcdefgh12345678', mode }), 'ctl');
    assert.ok(from.ok && from.value.type === 'quality-mode' && from.value.mode === mode, mode);
  }
  const bad = [
    { type: 'quality-mode', sessionId: 'abcdefgh12345678', mode: 'fast' },
    { type: 'quality-mode', sessionId: 'abcdefgh12345678', mode: 'Speed' },
    { type: 'quality-mode', sessionId: 'abcdefgh12345678', mode: 60 },
    { type: 'quality-mode', sessionId: 'abcdefgh12345678' },
    { type: 'quality-mode', mode: 'speed' },
  ];
  for (const msg of bad) {
    assert.equal(parseJson(CtlToRelay, JSON.stringify(msg), 'ctl').ok, false, JSON.stringify(msg));
    assert.equal(parseJson(CtlFromRelay, JSON.stringify(msg), 'ctl').ok, false, JSON.stringify(msg));
  }
});
