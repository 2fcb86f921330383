import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomerBridge } from '@beacon/shared/ipc';
import type { CtlToRelay } from '@beacon/shared/protocol';
import { CurtainSwitch } from './CurtainSwitch.ts';

/** A bridge with only the curtain's functions, recording what main was asked; `lifted()` plays main's Stop or hotkey. */
function rig(opts: { isSupported?: boolean; raises?: boolean; hasBridge?: boolean } = {}) {
  const sent: CtlToRelay[] = [];
  const calls: string[] = [];
  let isLinkUp = true;
  let onLifted: ((event: unknown) => void) | null = null;
  const bridge = {
    curtainSupport: async () => ({ isSupported: opts.isSupported ?? true }),
    raiseCurtain: async (req: { orgName: string; locale: string }) => {
      calls.push(`raise ${req.orgName} ${req.locale}`);
      return { ok: opts.raises ?? true };
    },
    lowerCurtain: async () => void calls.push('lower'),
    onCurtainLifted: (h: (event: unknown) => void) => {
      onLifted = h;
      return () => (onLifted = null);
    },
  } as unknown as CustomerBridge;
  const curtain = new CurtainSwitch('s1', { sendCtl: (m) => isLinkUp && sent.push(m) > 0, bridge: opts.hasBridge === false ? undefined : bridge });
  return {
    curtain,
    sent,
    calls,
    lifted: (why: string = 'customer-lifted') => onLifted?.({ why }),
    hasListener: () => onLifted !== null,
    setLink: (isUp: boolean) => (isLinkUp = isUp),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

test('an ask waits for the customer; a yes raises the curtain and the agent is told it is on', async () => {
  const r = rig();
  await r.curtain.onCtl({ type: 'curtain-request', sessionId: 's1', up: true });
  assert.equal(r.curtain.getSnapshot().isAsked, true);
  assert.deepEqual(r.sent, [], 'nothing is answered before the customer does');
  await r.curtain.accept({ orgName: 'Acme', locale: 'zh-CN' });
  assert.deepEqual(r.calls, ['raise Acme zh-CN']);
  assert.deepEqual(r.sent, [
    { type: 'curtain-answer', sessionId: 's1', granted: true },
    { type: 'curtain-state', sessionId: 's1', state: 'on', reason: 'consented' },
  ]);
  assert.equal(r.curtain.getSnapshot().state, 'on');
});

test('the customer lifts it through main (Stop or hotkey): it comes down and the agent is told why', async () => {
  const r = rig();
  await r.curtain.onCtl({ type: 'curtain-request', sessionId: 's1', up: true });
  await r.curtain.accept({ orgName: 'Acme', locale: 'en' });
  r.lifted();
  await settle();
  assert.deepEqual(r.calls, ['raise Acme en', 'lower']);
  assert.deepEqual(r.sent.at(-1), { type: 'curtain-state', sessionId: 's1', state: 'off', reason: 'customer-lifted' });
});

test('where the OS cannot hide a window from capture, or in the browser build, the agent hears unavailable and nothing is asked', async () => {
  for (const r of [rig({ isSupported: false }), rig({ hasBridge: false })]) {
    await r.curtain.onCtl({ type: 'curtain-request', sessionId: 's1', up: true });
    assert.equal(r.curtain.getSnapshot().isAsked, false);
    assert.deepEqual(r.sent, [{ type: 'curtain-state', sessionId: 's1', state: 'unavailable', reason: 'unsupported' }]);
  }
});

test('a decline raises nothing; a curtain main could not make is reported as failed', async () => {
  const r = rig({ raises: false });
  await r.curtain.onCtl({ type: 'curtain-request', sessionId: 's1', up: true });
  r.curtain.decline();
  assert.deepEqual(r.calls, []);
  assert.deepEqual(r.sent, [{ type: 'curtain-answer', sessionId: 's1', granted: false }]);
  await r.curtain.onCtl({ type: 'curtain-request', sessionId: 's1', up: true });
  await r.curtain.accept({ orgName: '', locale: 'en' });
  assert.deepEqual(r.sent.at(-1), { type: 'curtain-state', sessionId: 's1', state: 'unavailable', reason: 'failed' });
  assert.equal(r.curtain.getSnapshot().hasFailed, true);
});

test('the agent lowers it; the session ending lowers it without a message and stops listening to main', async () => {
  const r = rig();
  await r.curtain.onCtl({ type: 'curtain-request', sessionId: 's1', up: true });
  await r.curtain.accept({ orgName: 'Acme', locale: 'en' });
  await r.curtain.onCtl({ type: 'curtain-request', sessionId: 's1', up: false });
  assert.deepEqual(r.sent.at(-1), { type: 'curtain-state', sessionId: 's1', state: 'off', reason: 'agent-lifted' });
  await r.curtain.onCtl({ type: 'curtain-request', sessionId: 's1', up: true });
  await r.curtain.accept({ orgName: 'Acme', locale: 'en' });
  const before = r.sent.length;
  r.curtain.dispose();
  await settle();
  assert.equal(r.calls.at(-1), 'lower');
  assert.equal(r.sent.length, before);
  assert.equal(r.hasListener(), false);
});

test('a curtain window that went away is reported as failed; a lift during a drop is told again on resume', async () => {
  const r = rig();
  await r.curtain.onCtl({ type: 'curtain-request', sessionId: 's1', up: true });
  await r.curtain.accept({ orgName: 'Acme', locale: 'en' });
  r.lifted('failed');
  await settle();
  assert.deepEqual(r.sent.at(-1), { type: 'curtain-state', sessionId: 's1', state: 'off', reason: 'failed' });
  await r.curtain.onCtl({ type: 'curtain-request', sessionId: 's1', up: true });
  await r.curtain.accept({ orgName: 'Acme', locale: 'en' });
  r.setLink(false);
  r.lifted();
  await settle();
  assert.equal(r.curtain.getSnapshot().state, 'off', 'the curtain comes down at once, link or not');
  assert.deepEqual(r.sent.at(-1), { type: 'curtain-state', sessionId: 's1', state: 'on', reason: 'consented' }, 'the lost link carried nothing');
  r.setLink(true);
  r.curtain.resumed();
  assert.deepEqual(r.sent.at(-1), { type: 'curtain-state', sessionId: 's1', state: 'off', reason: 'customer-lifted' });
});
