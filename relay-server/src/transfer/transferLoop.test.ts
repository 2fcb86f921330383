/**
 * Both clients' FileTransferSession with the relay's FileTransferRelay between them, over
 * in-memory links: a multi-megabyte file arrives whole with the sender's hash, across a drop.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { FileTransferSession } from '@beacon/shared/client/FileTransferSession';
import type { FileSink } from '@beacon/shared/client/transferTypes';
import { FtCtlFromRelay, FtCtlToRelay, type CtlFromRelay } from '@beacon/shared/protocol';
import type { ActiveSession, AgentParty } from '../sessions/Session.ts';
import { FileTransferRelay } from './FileTransferRelay.ts';
import { TransferRecords } from './TransferRecords.ts';
import { createLogger } from '../platform/logger.ts';

const SID = 'session-1';
const later = (fn: () => void) => void setImmediate(fn);

/** `holdFrom`: writes from that offset on wait until `release()` (a disk that stalls there: the test drops the link meanwhile). */
function memorySink(delayMs = 0, holdFrom = Infinity): FileSink & { bytes: () => Buffer; finished: boolean; aborted: boolean; isHolding: boolean; release: () => void } {
  const parts: Buffer[] = [];
  let release = (): void => undefined;
  const held = new Promise<void>((r) => (release = r));
  const sink = {
    finished: false,
    aborted: false,
    isHolding: false,
    release: () => release(),
    write: async (offset: number, data: Uint8Array) => {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (offset >= holdFrom) {
        sink.isHolding = true;
        await held;
      }
      assert.equal(offset, parts.reduce((n, p) => n + p.length, 0), 'writes arrive in order');
      parts.push(Buffer.from(data));
    },
    finish: async () => void (sink.finished = true),
    abort: async () => void (sink.aborted = true),
    bytes: () => Buffer.concat(parts),
  };
  return sink;
}

function loop() {
  const events: unknown[] = [];
  const records = new TransferRecords({ append: async (e) => void events.push(e) }, null, createLogger(() => undefined));
  const relay = new FileTransferRelay(records, () => ({ agentMaySend: true, agentMayReceive: true, confirm: true }), () => Date.now());
  let attached = true;
  /** Which ctl messages a failing link loses, either way (`to`: where it was going; its chunks still arrive). */
  let lost: (m: { type: string; offset?: number }, to: 'relay' | 'agent' | 'customer') => boolean = () => false;
  const sides: Record<'agent' | 'customer', FileTransferSession | null> = { agent: null, customer: null };
  const party = (role: 'agent' | 'customer') => ({
    connId: `conn-${role}`,
    agent: { id: 1, login: 'a', displayName: 'A' },
    deviceId: '123456789',
    isAttached: () => attached,
    sendCtl: (m: CtlFromRelay) => {
      const parsed = FtCtlFromRelay.safeParse(m);
      if (parsed.success && attached && !lost(parsed.data, role)) later(() => sides[role]?.handleCtl(parsed.data));
      return true;
    },
    mediaSink: { isOpen: () => attached, bufferedAmount: () => 0, send: (b: Uint8Array) => (attached ? (later(() => sides[role]?.handleChunk(b)), true) : false) },
  });
  const agent = party('agent');
  const customer = party('customer');
  const s = { id: SID, state: 'active', deviceId: '123456789', permissions: { view: true, control: true }, agent, customer } as unknown as ActiveSession;
  const port = (p: typeof agent) => ({
    sendCtl: (m: unknown) => {
      const msg = FtCtlToRelay.parse(m);
      if (lost(msg, 'relay')) return true;
      if (attached) later(() => relay.handle(s, p as unknown as AgentParty, msg));
      return true;
    },
    sendChunk: (b: Uint8Array) => {
      if (attached) later(() => relay.chunk(p as unknown as AgentParty, b, () => s));
      return true;
    },
    bufferedAmount: () => 0,
  });
  sides.agent = new FileTransferSession(SID, 'agent', port(agent));
  sides.customer = new FileTransferSession(SID, 'customer', port(customer));
  relay.started(s);
  return { relay, s, agent: sides.agent, customer: sides.customer, events, setAttached: (a: boolean) => (attached = a), lose: (which: typeof lost) => (lost = which) };
}

/** Waits for `fn`; the 60 s limit bounds a failure, not a speed (a busy CI machine hashes and hops slowly). */
const until = async (what: string, fn: () => boolean) => {
  const deadline = Date.now() + 60_000;
  while (!fn() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.ok(fn(), what);
};

/** The agent sends `file`; the customer accepts it into a memory sink (slowed by `delayMs` a write). */
async function sendToCustomer(l: ReturnType<typeof loop>, file: Buffer, delayMs: number, holdFrom = Infinity) {
  l.agent.send([{ name: 'big.bin', size: file.length, read: async (o, n) => file.subarray(o, o + n) }]);
  await until('the customer is offered the file', () => l.customer.store.getSnapshot().rows.length === 1);
  const row = l.customer.store.getSnapshot().rows[0]!;
  assert.equal(row.needsConfirm, true);
  const sink = memorySink(delayMs, holdFrom);
  l.customer.accept(row.transferId, sink);
  return sink;
}

/** A drop and a resume of the customer's link. */
async function dropAndResume(l: ReturnType<typeof loop>, midway = true) {
  l.setAttached(false);
  l.relay.away(l.s);
  await new Promise((r) => setTimeout(r, 20));
  if (midway) assert.notEqual(l.agent.store.getSnapshot().rows[0]?.phase, 'done', 'the drop comes in the middle');
  l.setAttached(true);
  l.relay.back(l.s);
  l.agent.resumed();
  l.customer.resumed();
}

async function bothDone(l: ReturnType<typeof loop>, sink: ReturnType<typeof memorySink>, file: Buffer) {
  await until('the file is done on both sides', () => l.agent.store.getSnapshot().rows[0]?.phase === 'done' && l.customer.store.getSnapshot().rows[0]?.phase === 'done');
  assert.ok(sink.finished);
  assert.deepEqual(sink.bytes(), file);
  assert.equal(l.customer.store.getSnapshot().rows[0]?.sha256, createHash('sha256').update(file).digest('hex'));
  l.agent.dispose();
  l.customer.dispose();
}

test('a 3 MB file goes from the agent to the customer, across a drop, with a matching hash', async () => {
  const l = loop();
  const file = randomBytes(3 * 1024 * 1024 + 123);
  // The customer's disk stalls after the first megabyte, so the drop surely comes in the middle (a late timer on a busy machine once let the whole file through first).
  const sink = await sendToCustomer(l, file, 1, 1024 * 1024);
  await until('a megabyte arrives', () => sink.isHolding);
  await dropAndResume(l);
  sink.release();
  await bothDone(l, sink, file);
});

test('a receiver that holds every byte when the drop comes acknowledges the resent chunks, so both sides finish', async () => {
  const l = loop();
  const file = randomBytes(3 * 1024 * 1024 + 123);
  const sink = await sendToCustomer(l, file, 0);
  // The link fails: the chunks still arrive, the acknowledgements past the first megabyte do not.
  l.lose((m) => m.type === 'ft-ack' && (m.offset ?? 0) > 1024 * 1024);
  await until('the customer holds every byte', () => sink.bytes().length === file.length);
  await new Promise((r) => setTimeout(r, 20));
  l.lose(() => false);
  assert.equal(l.customer.store.getSnapshot().rows[0]?.phase, 'moving', 'the customer waits for the sender’s hash');
  await dropAndResume(l);
  await bothDone(l, sink, file);
});

const lostOnce: [string, 'relay' | 'agent' | 'customer'][] = [
  ['ft-offer', 'relay'],
  ['ft-offer', 'customer'],
  ['ft-answer', 'relay'],
  ['ft-answer', 'agent'],
  ['ft-end', 'relay'],
  ['ft-end', 'customer'],
  ['ft-result', 'relay'],
  ['ft-done', 'agent'],
  ['ft-done', 'customer'],
];
for (const [type, to] of lostOnce) {
  test(`an ${type} to the ${to} lost in a drop is made good after the resume, and the file arrives`, async () => {
    const l = loop();
    let losses = 0;
    l.lose((m, dest) => m.type === type && dest === to && losses++ === 0);
    const file = randomBytes(300_000);
    l.agent.send([{ name: 'small.bin', size: file.length, read: async (o, n) => file.subarray(o, o + n) }]);
    const sink = memorySink();
    const acceptOffered = () => {
      const row = l.customer.store.getSnapshot().rows[0];
      if (row?.phase === 'offered') l.customer.accept(row.transferId, sink);
    };
    await until(`the ${type} is lost`, () => (acceptOffered(), losses > 0));
    await new Promise((r) => setTimeout(r, 30));
    acceptOffered();
    assert.ok(!(l.agent.store.getSnapshot().rows[0]?.phase === 'done' && l.customer.store.getSnapshot().rows[0]?.phase === 'done'), 'the loss stalls the file');
    await dropAndResume(l, false);
    await until('the file arrives', () => (acceptOffered(), sink.finished));
    await bothDone(l, sink, file);
  });
}

/** Waits for the file to be moving on both sides, then applies `act` while the link loses `type` once on its way `to`. */
async function loseOnceWhileMoving(l: ReturnType<typeof loop>, type: string, to: 'relay' | 'agent' | 'customer', act: (id: string) => void) {
  await until('a first megabyte arrives', () => (l.customer.store.getSnapshot().rows[0]?.bytes ?? 0) > 1024 * 1024);
  let losses = 0;
  l.lose((m, dest) => m.type === type && dest === to && losses++ === 0);
  act(l.agent.store.getSnapshot().rows[0]!.transferId);
  await until(`the ${type} is lost`, () => losses > 0);
  await new Promise((r) => setTimeout(r, 30));
}

const pauses: ['agent' | 'customer', 'relay' | 'agent' | 'customer'][] = [
  ['agent', 'relay'],
  ['agent', 'customer'],
  ['customer', 'relay'],
  ['customer', 'agent'],
];
for (const [by, to] of pauses) {
  test(`a pause by the ${by} lost on its way to the ${to} reaches the other side after the resume; the go-on finishes the file`, async () => {
    const l = loop();
    const file = randomBytes(3 * 1024 * 1024);
    const sink = await sendToCustomer(l, file, 2);
    const other = by === 'agent' ? l.customer : l.agent;
    await loseOnceWhileMoving(l, 'ft-pause', to, (id) => l[by].pause(id, true));
    assert.equal(other.store.getSnapshot().rows[0]?.pausedBy, null, 'the other side never heard of the pause');
    await dropAndResume(l, false);
    await until('the other side sees the pause', () => other.store.getSnapshot().rows[0]?.pausedBy === by);
    const held = l.customer.store.getSnapshot().rows[0]!.bytes;
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(l.customer.store.getSnapshot().rows[0]!.bytes - held <= 2 * 1024 * 1024, 'no more than the window moves while paused');
    l[by].pause(l.agent.store.getSnapshot().rows[0]!.transferId, false);
    await bothDone(l, sink, file);
  });
}

const cancels: ['ft-cancel' | 'ft-failed', 'relay' | 'agent' | 'customer'][] = [
  ['ft-cancel', 'relay'],
  ['ft-failed', 'agent'],
  ['ft-failed', 'customer'],
];
for (const [type, to] of cancels) {
  test(`the agent's cancel whose ${type} to the ${to} is lost ends the file on both sides after the resume`, async () => {
    const l = loop();
    const sink = await sendToCustomer(l, randomBytes(3 * 1024 * 1024), 2);
    await loseOnceWhileMoving(l, type, to, (id) => l.agent.cancel(id));
    await dropAndResume(l, false);
    const failed = (side: FileTransferSession) => side.store.getSnapshot().rows[0]?.failure === 'cancelled';
    await until('both sides see the file cancelled', () => failed(l.agent) && failed(l.customer));
    await until('the partial file is dropped', () => sink.aborted);
    assert.equal(l.agent.store.getSnapshot().rows[0]?.failedBy, 'agent');
    assert.equal(l.relay.transfers.size, 0);
    l.agent.dispose();
    l.customer.dispose();
  });
}

test('the customer sends a folder the agent asked for; a declined file is never written', async () => {
  const l = loop();
  l.agent.requestFiles();
  await until('the customer sees the request', () => l.customer.store.getSnapshot().requests.length === 1);
  const files = [randomBytes(100), randomBytes(0), randomBytes(70_000), randomBytes(5)];
  const { requestId } = l.customer.store.getSnapshot().requests[0]!;
  l.customer.send(files.map((f, i) => ({ name: `folder/f${i}.bin`, size: f.length, read: async (o, n) => f.subarray(o, o + n) })), requestId);
  const sinks = new Map<string, ReturnType<typeof memorySink>>();
  await until('every file arrives', () => {
    for (const r of l.agent.store.getSnapshot().rows) {
      if (r.phase === 'offered' && !sinks.has(r.transferId)) {
        const sink = memorySink();
        sinks.set(r.transferId, sink);
        if (r.name === 'folder/f3.bin') l.agent.decline(r.transferId);
        else l.agent.accept(r.transferId, sink);
      }
    }
    const rows = l.agent.store.getSnapshot().rows;
    return rows.length === 4 && rows.every((r) => r.phase === 'done' || r.phase === 'failed');
  });
  const rows = l.agent.store.getSnapshot().rows;
  assert.deepEqual(rows.map((r) => r.phase), ['done', 'done', 'done', 'failed']);
  assert.equal(rows[3]?.failure, 'declined');
  for (const [i, r] of rows.slice(0, 3).entries()) assert.deepEqual(sinks.get(r.transferId)!.bytes(), files[i]);
  assert.equal(sinks.get(rows[3]!.transferId)!.bytes().length, 0);
  l.agent.dispose();
  l.customer.dispose();
});
