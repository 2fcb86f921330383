/**
 * Participants come back after a dropped link (capabilities `desk-multi` and `resume`) on a real
 * relay with real clients: a monitor whose link drops leaves the list, and a new connection of
 * the same seat that claims its seat with its own secret takes part again, still view only;
 * another seat or a wrong secret is refused, and so is a seat that left of its own accord.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RelayToClient } from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES } from '@beacon/shared/version';
import { fragmentFrame } from '@beacon/shared/framing';
import { serveRequest, startDeskRelay, type DeskRelay } from './testing/deskRelay.ts';
import { until } from '../testing/until.ts';

let r: DeskRelay;
const HELP = { customerName: 'Sun Li', description: 'screen flickers', groupId: null };
const ALL = [...KNOWN_CAPABILITIES];

before(async () => {
  r = await startDeskRelay({ concurrencyLimit: 1, resumeGraceMs: 5000 });
});
after(() => r.close());

describe('participants resume', () => {
  test('a monitor whose link drops claims its seat back on a new connection and watches again, view only', async () => {
    const olivia = await r.open('agent', r.ownerToken, ALL);
    await olivia.next('desk-status');
    olivia.send({ type: 'agent-availability', state: 'busy', concurrencyLimit: 1 });
    await olivia.next('desk-status', 5000, (m) => m.state === 'busy');
    const ann = await r.open('agent', r.tokens.ann, ALL);
    const customer = await r.open('customer');
    const { sessionId, streamId } = await serveRequest(ann, customer, HELP);
    olivia.send({ type: 'session-monitor', requestId: 'm1', sessionId });
    const started = await olivia.next('session-started', 5000, (m) => m.sessionId === sessionId);
    const secret = started.resumeSecret ?? '';
    assert.ok(secret, 'a participant that speaks resume gets its own secret');
    await ann.next('session-participants', 5000, (m) => m.participants.length === 2);

    olivia.drop();
    await ann.next('session-participants', 5000, (m) => m.participants.length === 1);
    const wrong = await r.open('agent', r.ownerToken, ALL, [{ sessionId, secret: `${secret.slice(0, -2)}xx` }]);
    await wrong.next('resume-refused', 5000, (m) => m.sessionId === sessionId);
    const otherSeat = await r.open('agent', r.tokens.ben, ALL, [{ sessionId, secret }]);
    await otherSeat.next('resume-refused', 5000, (m) => m.sessionId === sessionId);

    const back = await r.open('agent', r.ownerToken, ALL, [{ sessionId, secret }]);
    await back.next('session-resumed', 5000, (m) => m.sessionId === sessionId);
    const list = await ann.next('session-participants', 5000, (m) => m.participants.length === 2);
    assert.deepEqual(list.participants.map((p) => [p.name, p.role]), [['ANN', 'owner'], ['Olivia', 'monitor']]);
    for (const f of fragmentFrame(new Uint8Array(1500).fill(3), { isKey: true, stream: streamId, seq: 0, captureTs: 1 })) customer.sendMedia(f);
    await until(() => back.media.length > 0, 'the returning monitor receives the picture');
    back.sendCtl({ type: 'input', sessionId, event: { kind: 'mouse-move', x: 1, y: 1 } });
    assert.equal((await back.nextCtl('error', 5000, (m) => m.re?.type === 'input')).code, 'forbidden', 'still a monitor');

    back.send({ type: 'session-leave', sessionId });
    await back.next('session-ended', 5000, (m) => m.sessionId === sessionId);
    const late = await r.open('agent', r.ownerToken, ALL, [{ sessionId, secret }]);
    await late.next('resume-refused', 5000, (m) => m.sessionId === sessionId);
    await r.t.relay.flush();
    const joins = (await r.t.relay.services.events.forSession(sessionId)).filter((e) => e.kind === 'participant-joined');
    assert.deepEqual(joins.map((e) => e.detail['isResumed'] === true), [false, true], 'the return is on the timeline');
    assert.ok(!customer.inbox.all.some((m: RelayToClient) => m.type === 'session-ended'), 'the session went on');
    await r.closeAll();
  });
});

