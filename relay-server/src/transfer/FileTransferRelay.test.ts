import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { ProtocolError } from '@beacon/shared/errors';
import { encodeChunk, type CtlFromRelay, type FtCtlToRelay, type FtPolicy } from '@beacon/shared/protocol';
import type { NewEvent } from '../sessions/EventLog.ts';
import type { NewAuditEntry } from '../accounts/AuditLog.ts';
import type { ActiveSession, AgentParty, CustomerParty } from '../sessions/Session.ts';
import { FileTransferRelay, TRANSFER_IDLE_MS } from './FileTransferRelay.ts';
import { TransferRecords } from './TransferRecords.ts';
import { FILE_LOW_WATER_BYTES } from './ChunkPump.ts';
import { createLogger } from '../platform/logger.ts';
import type { OrgSettings } from '@beacon/shared/api';
import { policyOf } from './createTransfer.ts';

const nullLogger = createLogger(() => undefined);

const SID = 'session-1';

function party(connId: string, extra: object) {
  const ctl: CtlFromRelay[] = [];
  const media: Uint8Array[] = [];
  let buffered = 0;
  let attached = true;
  const p = {
    connId,
    ctl,
    media,
    setBuffered: (n: number) => (buffered = n),
    setAttached: (a: boolean) => (attached = a),
    sendCtl: (m: CtlFromRelay) => ctl.push(m) > 0,
    isAttached: () => attached,
    mediaSink: { isOpen: () => attached, bufferedAmount: () => buffered, send: (b: Uint8Array) => media.push(b) > 0 },
    ...extra,
  };
  return p;
}

function stage(o: { control?: boolean; policy?: Partial<FtPolicy> } = {}) {
  let t = 1000;
  const agent = party('conn-agent', { agent: { id: 7, login: 'alice', displayName: 'Alice' } });
  const customer = party('conn-customer', { deviceId: '123456789' });
  const s = { id: SID, state: 'active', deviceId: '123456789', permissions: { view: true, control: o.control ?? true }, agent, customer } as unknown as ActiveSession;
  const events: NewEvent[] = [];
  const audit: NewAuditEntry[] = [];
  const records = new TransferRecords({ append: async (e: NewEvent) => void events.push(e) }, { append: async (e: NewAuditEntry) => void audit.push(e) }, nullLogger);
  const relay = new FileTransferRelay(records, () => ({ agentMaySend: true, agentMayReceive: true, confirm: true, ...o.policy }), () => t);
  relay.started(s);
  const send = (who: 'agent' | 'customer', msg: FtCtlToRelay) => relay.handle(s, (who === 'agent' ? agent : customer) as unknown as AgentParty, msg);
  const chunk = (who: 'agent' | 'customer', lane: number, offset: number, data: Uint8Array) =>
    relay.chunk((who === 'agent' ? agent : customer) as unknown as CustomerParty, encodeChunk({ lane, offset }, data), () => s);
  return { s, relay, agent, customer, events, audit, send, chunk, advance: (ms: number) => (t += ms) };
}

const refused = (code: string) => (err: unknown) => err instanceof ProtocolError && err.code === code;
const offer = (o: Partial<Extract<FtCtlToRelay, { type: 'ft-offer' }>> = {}): FtCtlToRelay => ({ type: 'ft-offer', sessionId: SID, transferId: 'transfer-1', lane: 1, name: 'report.pdf', size: 10, ...o });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('the agent sends a file: offer, consent, chunks behind the picture, ack, end, verified, logged with its hash', () => {
  const { agent, customer, events, audit, send, chunk } = stage();
  assert.deepEqual(agent.ctl[0], { type: 'ft-policy', sessionId: SID, policy: { agentMaySend: true, agentMayReceive: true, confirm: true } });
  send('agent', offer());
  assert.equal(customer.ctl.at(-1)?.type, 'ft-offer');
  assert.equal((customer.ctl.at(-1) as { confirm: boolean }).confirm, true);
  assert.throws(() => chunk('agent', 1, 0, new Uint8Array(10)), refused('forbidden'), 'no chunk before the customer accepts');
  send('customer', { type: 'ft-answer', sessionId: SID, id: 'transfer-1', accept: true });
  const data = new Uint8Array(10).fill(3);
  chunk('agent', 1, 0, data);
  assert.equal(customer.media.length, 1);
  send('customer', { type: 'ft-ack', sessionId: SID, transferId: 'transfer-1', offset: 10 });
  assert.deepEqual(agent.ctl.at(-1), { type: 'ft-ack', sessionId: SID, transferId: 'transfer-1', offset: 10 });
  send('agent', { type: 'ft-end', sessionId: SID, transferId: 'transfer-1', sha256: sha(data) });
  send('customer', { type: 'ft-result', sessionId: SID, transferId: 'transfer-1', sha256: sha(data), ok: true });
  assert.deepEqual(customer.ctl.at(-1), { type: 'ft-done', sessionId: SID, transferId: 'transfer-1', sha256: sha(data) });
  assert.equal(agent.ctl.at(-1)?.type, 'ft-done');
  assert.equal(events[0]?.kind, 'file-transfer');
  assert.deepEqual(events[0]?.detail, { transferId: 'transfer-1', name: 'report.pdf', size: 10, direction: 'to-customer', outcome: 'done', bytes: 10, sha256: sha(data) });
  assert.equal(audit[0]?.action, 'file-transferred');
  assert.equal(audit[0]?.actorId, 7);
});

test('a hash that does not match is a failure for both, never done', () => {
  const { agent, customer, events, send, chunk } = stage();
  send('agent', offer({ size: 4 }));
  send('customer', { type: 'ft-answer', sessionId: SID, id: 'transfer-1', accept: true });
  chunk('agent', 1, 0, new Uint8Array(4));
  send('customer', { type: 'ft-ack', sessionId: SID, transferId: 'transfer-1', offset: 4 });
  send('agent', { type: 'ft-end', sessionId: SID, transferId: 'transfer-1', sha256: 'a'.repeat(64) });
  send('customer', { type: 'ft-result', sessionId: SID, transferId: 'transfer-1', sha256: 'b'.repeat(64), ok: false });
  for (const p of [agent, customer]) assert.deepEqual(p.ctl.at(-1), { type: 'ft-failed', sessionId: SID, transferId: 'transfer-1', reason: 'hash-mismatch' });
  assert.equal(events[0]?.detail?.outcome, 'hash-mismatch');
});

test('ft-end before every byte is acknowledged is refused', () => {
  const { send, chunk } = stage();
  send('agent', offer({ size: 4 }));
  send('customer', { type: 'ft-answer', sessionId: SID, id: 'transfer-1', accept: true });
  chunk('agent', 1, 0, new Uint8Array(2));
  assert.throws(() => send('agent', { type: 'ft-end', sessionId: SID, transferId: 'transfer-1', sha256: 'a'.repeat(64) }), refused('bad-message'));
});

test('the customer cannot push a file the agent did not ask for; a viewer without control cannot send or ask', () => {
  const a = stage();
  assert.throws(() => a.send('customer', offer()), refused('forbidden'));
  assert.throws(() => a.send('customer', { type: 'ft-request', sessionId: SID, requestId: 'request-1' }), refused('forbidden'));
  const v = stage({ control: false });
  assert.throws(() => v.send('agent', offer()), refused('not-allowed'));
  assert.throws(() => v.send('agent', { type: 'ft-request', sessionId: SID, requestId: 'request-1' }), refused('not-allowed'));
  assert.equal(v.customer.ctl.length, 0);
});

test('the organisation’s policy holds per direction', () => {
  const noSend = stage({ policy: { agentMaySend: false } });
  assert.throws(() => noSend.send('agent', offer()), refused('forbidden'));
  const noReceive = stage({ policy: { agentMayReceive: false } });
  assert.throws(() => noReceive.send('agent', { type: 'ft-request', sessionId: SID, requestId: 'request-1' }), refused('forbidden'));
  const noConfirm = stage({ policy: { confirm: false } });
  noConfirm.send('agent', offer());
  assert.equal((noConfirm.customer.ctl.at(-1) as { confirm: boolean }).confirm, false);
});

test('the customer answers a request with offers, then closes it; an offer after that is refused', () => {
  const { agent, customer, send } = stage();
  send('agent', { type: 'ft-request', sessionId: SID, requestId: 'request-1' });
  assert.equal(customer.ctl.at(-1)?.type, 'ft-request');
  send('customer', offer({ requestId: 'request-1' }));
  assert.equal(agent.ctl.at(-1)?.type, 'ft-offer');
  assert.throws(() => send('customer', { type: 'ft-answer', sessionId: SID, id: 'transfer-1', accept: true }), refused('forbidden'), 'the sender cannot accept its own offer');
  send('customer', { type: 'ft-answer', sessionId: SID, id: 'request-1', accept: true });
  assert.throws(() => send('customer', offer({ transferId: 'transfer-2', lane: 2, requestId: 'request-1' })), refused('forbidden'));
});

test('a decline and a cancel end the transfer for both and are logged', () => {
  const { agent, customer, events, send } = stage();
  send('agent', offer());
  send('customer', { type: 'ft-answer', sessionId: SID, id: 'transfer-1', accept: false });
  assert.deepEqual(agent.ctl.at(-1), { type: 'ft-failed', sessionId: SID, transferId: 'transfer-1', reason: 'declined', by: 'customer' });
  send('agent', offer({ transferId: 'transfer-2', lane: 2 }));
  send('customer', { type: 'ft-answer', sessionId: SID, id: 'transfer-2', accept: true });
  send('customer', { type: 'ft-cancel', sessionId: SID, transferId: 'transfer-2', reason: 'cancelled' });
  assert.deepEqual(customer.ctl.at(-1), { type: 'ft-failed', sessionId: SID, transferId: 'transfer-2', reason: 'cancelled', by: 'customer' });
  assert.deepEqual(events.map((e) => e.detail?.outcome), ['declined', 'cancelled']);
});

test('budgets: open files per session, the sender’s window, lanes and IDs in use', () => {
  const { send, chunk } = stage();
  for (let i = 1; i <= 8; i++) send('agent', offer({ transferId: `transfer-${i}`, lane: i, size: 16 * 1024 * 1024 }));
  assert.throws(() => send('agent', offer({ transferId: 'transfer-9', lane: 9 })), refused('too-many'));
  assert.throws(() => send('agent', offer({ transferId: 'transfer-1', lane: 99 })), refused('conflict'));
  send('customer', { type: 'ft-answer', sessionId: SID, id: 'transfer-1', accept: true });
  const piece = new Uint8Array(16 * 1024 - 16);
  let offset = 0;
  assert.throws(() => {
    for (;;) {
      chunk('agent', 1, offset, piece);
      offset += piece.byteLength;
    }
  }, refused('too-large'));
  assert.ok(offset > 4 * 1024 * 1024, 'the whole window (and some slack) was taken first');
});

test('chunks wait while the receiver’s media queue is long, so the picture goes first', async () => {
  const { customer, send, chunk } = stage();
  send('agent', offer({ size: 30 }));
  send('customer', { type: 'ft-answer', sessionId: SID, id: 'transfer-1', accept: true });
  customer.setBuffered(FILE_LOW_WATER_BYTES);
  chunk('agent', 1, 0, new Uint8Array(10));
  chunk('agent', 1, 10, new Uint8Array(10));
  assert.equal(customer.media.length, 0);
  customer.setBuffered(0);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(customer.media.length, 2);
});

test('after a drop the sender goes on from the last acknowledged offset; stray chunks are dropped quietly', () => {
  const { relay, s, agent, customer, send, chunk } = stage();
  send('agent', offer({ size: 100 }));
  send('customer', { type: 'ft-answer', sessionId: SID, id: 'transfer-1', accept: true });
  chunk('agent', 1, 0, new Uint8Array(40));
  send('customer', { type: 'ft-ack', sessionId: SID, transferId: 'transfer-1', offset: 40 });
  customer.setAttached(false);
  relay.away(s);
  chunk('agent', 1, 40, new Uint8Array(30)); // lost: the customer is away
  customer.setAttached(true);
  relay.back(s);
  assert.deepEqual(agent.ctl.at(-1), { type: 'ft-rewind', sessionId: SID, transferId: 'transfer-1', offset: 40 });
  chunk('agent', 1, 70, new Uint8Array(10)); // in flight before the rewind: dropped, no error
  const before = customer.media.length;
  chunk('agent', 1, 40, new Uint8Array(60));
  assert.equal(customer.media.length, before + 1);
});

test('malformed chunks and chunks on an unknown lane are refused; an idle transfer expires', () => {
  const { relay, s, agent, send, advance } = stage();
  assert.throws(() => relay.chunk(agent as unknown as AgentParty, new Uint8Array([0xb9, 1, 2]), () => s), refused('bad-message'));
  assert.throws(() => relay.chunk(agent as unknown as AgentParty, encodeChunk({ lane: 5, offset: 0 }, new Uint8Array(1)), () => s), refused('not-found'));
  send('agent', offer());
  advance(TRANSFER_IDLE_MS + 1);
  relay.sweep(() => s);
  assert.deepEqual(agent.ctl.at(-1), { type: 'ft-failed', sessionId: SID, transferId: 'transfer-1', reason: 'expired' });
});

test('the policy a session keeps: per direction from the two switches, and nothing for a seat role the organisation did not tick', () => {
  const settings = { agentsMaySendFiles: true, agentsMayReceiveFiles: false, confirmFileTransfers: false, fileTransferRoles: ['owner', 'admin'] } as unknown as OrgSettings;
  assert.deepEqual(policyOf(settings, 'admin'), { agentMaySend: true, agentMayReceive: false, confirm: false });
  assert.deepEqual(policyOf(settings, 'agent'), { agentMaySend: false, agentMayReceive: false, confirm: false });
  assert.deepEqual(policyOf(null, 'agent'), { agentMaySend: true, agentMayReceive: true, confirm: true }, 'before setup: the defaults');
});
