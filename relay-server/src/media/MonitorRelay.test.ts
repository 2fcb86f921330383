import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError } from '@beacon/shared/errors';
import type { CtlFromRelay, Monitor, MonitorCtl } from '@beacon/shared/protocol';
import type { ActiveSession } from '../sessions/Session.ts';
import { MonitorRelay } from './MonitorRelay.ts';

const LEFT: Monitor = { id: 'm1', name: 'LEFT', x: 0, y: 0, width: 1280, height: 720, scaleFactor: 1, primary: true };
const RIGHT: Monitor = { id: 'm2', name: 'RIGHT', x: 1280, y: 0, width: 1280, height: 720, scaleFactor: 1, primary: false };

function stage() {
  const toAgent: CtlFromRelay[] = [];
  const toCustomer: CtlFromRelay[] = [];
  const s = {
    id: 'S1',
    agent: { sendCtl: (m: CtlFromRelay) => toAgent.push(m) > 0 },
    customer: { sendCtl: (m: CtlFromRelay) => toCustomer.push(m) > 0 },
  } as unknown as ActiveSession;
  return { s, relay: new MonitorRelay(), toAgent, toCustomer };
}

const refusedWith = (code: string) => (err: unknown) => err instanceof ProtocolError && err.code === code;

test('the customer’s list reaches the agent and is kept for a ctl channel that opens later', () => {
  const { s, relay, toAgent } = stage();
  const list: MonitorCtl = { type: 'monitor-list', sessionId: 'S1', monitors: [LEFT, RIGHT], shown: 'all' };
  relay.fromCustomer(s, list);
  assert.deepEqual(toAgent, [list]);
  assert.deepEqual(relay.listOf('S1'), list);
  relay.sessionEnded('S1');
  assert.equal(relay.listOf('S1'), null);
});

test('the agent picks a listed monitor or all; an unknown one is refused', () => {
  const { s, relay, toCustomer } = stage();
  relay.fromCustomer(s, { type: 'monitor-list', sessionId: 'S1', monitors: [LEFT, RIGHT], shown: 'm1' });
  relay.fromAgent(s, { type: 'monitor-select', sessionId: 'S1', monitor: 'm2' });
  relay.fromAgent(s, { type: 'monitor-select', sessionId: 'S1', monitor: 'all' });
  assert.deepEqual(
    toCustomer.map((m) => (m.type === 'monitor-select' ? m.monitor : m.type)),
    ['m2', 'all'],
  );
  assert.throws(() => relay.fromAgent(s, { type: 'monitor-select', sessionId: 'S1', monitor: 'm9' }), refusedWith('not-found'));
});

test('each side sends only its own message, and a list must hold the monitor it shows', () => {
  const { s, relay } = stage();
  assert.throws(() => relay.fromAgent(s, { type: 'monitor-list', sessionId: 'S1', monitors: [LEFT], shown: 'all' }), refusedWith('forbidden'));
  assert.throws(() => relay.fromCustomer(s, { type: 'monitor-select', sessionId: 'S1', monitor: 'all' }), refusedWith('forbidden'));
  assert.throws(() => relay.fromCustomer(s, { type: 'monitor-list', sessionId: 'S1', monitors: [LEFT], shown: 'm2' }), refusedWith('bad-message'));
});
