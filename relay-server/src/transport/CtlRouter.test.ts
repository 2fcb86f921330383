/** The ctl budget through a real relay: over it a party is told, then cut off; the others go on. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COLLAB_LIMITS } from '@beacon/shared/collab';
import { openSession } from '../testing/NdcClient.ts';
import { useRelaySuite } from '../testing/testRelay.ts';
import { CLOSE_OVER_BUDGET, CTL_BUDGETS } from './CtlBudget.ts';

const suite = useRelaySuite();

describe('ctl budgets through the relay', () => {
  test('a customer chatting too fast in a pending session is told rate-limited, then cut off with 4029; the agent is told the session ended', async () => {
    const customer = await suite.open('customer');
    const agent = await suite.open('agent');
    agent.send({ type: 'connect-request', requestId: 'budget-req', deviceId: customer.device.deviceId, code: customer.device.code, permissions: { view: true, control: true } });
    const ask = await customer.next('consent-request', 5000);
    for (let i = 0; i < CTL_BUDGETS.chat.burst * 10; i++) customer.sendCtl({ type: 'chat-send', sessionId: ask.sessionId, text: `hello ${i}` });
    const limited = await customer.nextCtl('error', 5000, (m) => m.code === 'rate-limited');
    assert.equal(limited.re?.type, 'chat-send');
    assert.equal((await customer.whenClosed()).code, CLOSE_OVER_BUDGET);
    await agent.next('session-ended', 5000, (m) => m.sessionId === ask.sessionId);
    await new Promise((r) => setTimeout(r, 300));
    const chats = agent.ctlInbox.all.filter((m) => m.type === 'chat').length;
    // Within the burst, and fewer still: a session may have only a few database writes waiting.
    assert.ok(chats >= 1 && chats <= CTL_BUDGETS.chat.burst, `${chats} chat messages got through`);
  });

  test('a party at an honest pace is never limited, and a fifth attachment at once is refused too-many', async () => {
    const customer = await suite.open('customer');
    const agent = await suite.open('agent');
    const { sessionId } = await openSession(agent, customer, { view: true, control: true });
    for (let i = 0; i < 10; i++) {
      agent.sendCtl({ type: 'chat-send', sessionId, text: `step ${i}` });
      await customer.nextCtl('chat', 5000, (m) => m.message.text === `step ${i}`);
      // The sender's own copy comes once the row is stored: a client that waits for it is never limited.
      await agent.nextCtl('chat', 5000, (m) => m.message.text === `step ${i}`);
    }
    for (let i = 0; i < 5; i++) {
      agent.sendCtl({ type: 'file-offer', sessionId, transferId: `budget-file-${i}`, name: 'a.bin', mime: 'application/octet-stream', size: COLLAB_LIMITS.chunkBytes, purpose: 'chat' });
    }
    const refused = await agent.nextCtl('error', 5000, (m) => m.code === 'too-many');
    assert.equal(refused.re?.id, 'budget-file-4');
    assert.ok(!agent.ctlInbox.all.some((m) => m.type === 'error' && m.code === 'rate-limited'));
  });

  test('a link probe is answered on its last piece, to its sender alone; probing past its budget is dropped', async () => {
    const customer = await suite.open('customer');
    const agent = await suite.open('agent');
    const { sessionId } = await openSession(agent, customer, { view: true, control: true });
    for (let piece = 0; piece < 4; piece++) customer.sendCtl({ type: 'link-probe', sessionId, id: 7, piece, pieces: 4, pad: '.'.repeat(1024) });
    await customer.nextCtl('link-probe-ack', 5000, (m) => m.id === 7);
    assert.equal(customer.ctlInbox.all.filter((m) => m.type === 'link-probe-ack').length, 1, 'one answer per probe');
    assert.ok(!agent.ctlInbox.all.some((m) => m.type === 'link-probe-ack'), 'the agent sees nothing of it');
    customer.sendCtl({ type: 'link-probe', sessionId, id: 8, piece: 3, pieces: 2, pad: '' });
    const bad = await customer.nextCtl('error', 5000, (m) => m.code === 'bad-message');
    assert.match(bad.message, /piece/);
    const piece = 16 * 1024;
    const over = Math.ceil(CTL_BUDGETS['probe-bytes'].burst / piece) + 2;
    for (let i = 0; i < over; i++) customer.sendCtl({ type: 'link-probe', sessionId, id: 100 + i, piece: 0, pieces: 1, pad: '.'.repeat(piece) });
    const limited = await customer.nextCtl('error', 5000, (m) => m.code === 'rate-limited');
    assert.equal(limited.re?.type, 'link-probe');
    assert.ok(customer.ctlInbox.all.filter((m) => m.type === 'link-probe-ack').length < over, 'not every probe was answered');
  });
});
