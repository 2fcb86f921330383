/**
 * The relay's WebRTC end through a real relay: which address its UDP binds and advertises,
 * and that a session starts only on a customer link that can carry it (node-datachannel
 * clients, some of them deliberately broken: no peer connection, only `ctl`, foreign labels).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NdcClient, openSession } from '../testing/NdcClient.ts';
import { useRelaySuite } from '../testing/testRelay.ts';

const LINK_WAIT_MS = 300;
// The suite's relay binds 127.0.0.1 (startTestRelay's host), with one shared UDP port as in production.
const suite = useRelaySuite(() => ({ linkWaitMs: LINK_WAIT_MS, rtcPorts: { kind: 'shared', port: 0 } }));

/** The address of an ICE candidate line (`candidate:<foundation> <component> <proto> <priority> <address> <port> typ …`). */
function addressOf(candidate: string): string {
  return candidate.split(' ')[4] ?? '';
}

/** A customer opened with `opts` (closed after the test with the suite's clients). */
async function customerWith(opts: { isRtc?: boolean; channels?: readonly string[] }): Promise<NdcClient> {
  const c = await NdcClient.open({ relayUrl: suite.t().relay.url, role: 'customer', ...opts });
  after.push(c);
  return c;
}
const after: NdcClient[] = [];

/** Asks for a session, answers yes, and returns what each side hears next: started or ended. */
async function consentOn(customer: NdcClient, mode: 'screen' | 'voice' = 'screen') {
  const agent = await suite.open('agent');
  const permissions = mode === 'voice' ? ({ view: false, control: false } as const) : ({ view: true, control: true } as const);
  agent.send({ type: 'connect-request', requestId: 'link-req', deviceId: customer.device.deviceId, code: customer.device.code, permissions, mode });
  const ask = await customer.next('consent-request');
  customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
  const isStartOrEnd = (m: { type: string }) => m.type === 'session-started' || m.type === 'session-ended';
  const toAgent = await agent.inbox.nextWhere((m): m is Extract<typeof m, { type: 'session-started' | 'session-ended' }> => isStartOrEnd(m), LINK_WAIT_MS + 3000);
  const toCustomer = await customer.inbox.nextWhere((m): m is Extract<typeof m, { type: 'session-started' | 'session-ended' }> => isStartOrEnd(m), 3000);
  for (const c of after.splice(0)) c.close();
  return { toAgent, toCustomer };
}

describe('the relay end of WebRTC', () => {
  test('a relay bound to one address binds and advertises only that address for WebRTC', async () => {
    const customer = await suite.open('customer');
    const candidates = customer.inbox.all.flatMap((m) => (m.type === 'rtc-candidate' ? [m.candidate] : []));
    assert.ok(candidates.length > 0, 'the relay sent candidates');
    assert.deepEqual([...new Set(candidates.map(addressOf))], ['127.0.0.1'], candidates.join('\n'));
  });

  test('a customer without a peer connection: the session does not start, both sides hear link-failed', async () => {
    const { toAgent, toCustomer } = await consentOn(await customerWith({ isRtc: false }));
    assert.ok(toAgent.type === 'session-ended' && toAgent.reason === 'link-failed', JSON.stringify(toAgent));
    assert.ok(toCustomer.type === 'session-ended' && toCustomer.reason === 'link-failed', JSON.stringify(toCustomer));
  });

  test('a customer with only a ctl channel: a screen session fails, a voice-only session starts', async () => {
    const screen = await consentOn(await customerWith({ channels: ['ctl'] }));
    assert.ok(screen.toAgent.type === 'session-ended' && screen.toAgent.reason === 'link-failed');
    const voice = await consentOn(await customerWith({ channels: ['ctl'] }), 'voice');
    assert.equal(voice.toAgent.type, 'session-started');
    assert.equal(voice.toCustomer.type, 'session-started');
  });

  test('a customer whose channels have other labels: link-failed', async () => {
    const { toAgent, toCustomer } = await consentOn(await customerWith({ channels: ['control', 'video'] }));
    assert.ok(toAgent.type === 'session-ended' && toAgent.reason === 'link-failed');
    assert.ok(toCustomer.type === 'session-ended' && toCustomer.reason === 'link-failed');
  });

  test('a customer with both channels open starts at once', async () => {
    const customer = await suite.open('customer');
    const agent = await suite.open('agent');
    const { sessionId } = await openSession(agent, customer, { view: true, control: false });
    assert.ok(sessionId);
  });
});
