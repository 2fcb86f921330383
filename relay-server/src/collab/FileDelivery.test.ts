/**
 * Attachments reach the receiver whole or not at all, through a real relay: a receiver that
 * takes smaller ctl messages (aiortc announces `a=max-message-size:65536`) gets every byte in
 * pieces that fit; one the relay cannot send to hears `not-delivered` with the sender, never
 * `file-done`; a file whose bytes do not match the offered SHA-256 is refused.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { COLLAB_LIMITS } from '@beacon/shared/collab';
import { NdcClient, openSession } from '../testing/NdcClient.ts';
import { useRelaySuite } from '../testing/testRelay.ts';

let filesDir: string;
const suite = useRelaySuite(() => {
  filesDir = mkdtempSync(path.join(tmpdir(), 'beacon-delivery-test-'));
  return { filesDir };
}, () => rmSync(filesDir, { recursive: true, force: true }));
const opened: NdcClient[] = [];

/** An agent, and a customer whose ctl takes messages of at most `maxMessageSize` bytes, in a session. */
async function pair(maxMessageSize: number): Promise<{ agent: NdcClient; customer: NdcClient; sessionId: string }> {
  for (const c of opened.splice(0)) c.close();
  const customer = await NdcClient.open({ relayUrl: suite.t().relay.url, role: 'customer', maxMessageSize });
  opened.push(customer);
  const agent = await suite.open('agent');
  const { sessionId } = await openSession(agent, customer, { view: true, control: true });
  return { agent, customer, sessionId };
}

function fileOf(bytes: number): Buffer {
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) data[i] = (i * 131 + 7) % 256;
  return data;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function upload(from: NdcClient, sessionId: string, transferId: string, data: Buffer, offeredHash = sha256(data)): void {
  from.sendCtl({ type: 'file-offer', sessionId, transferId, name: `${transferId}.bin`, mime: 'application/octet-stream', size: data.length, purpose: 'chat', sha256: offeredHash });
  for (let off = 0; off < data.length; off += COLLAB_LIMITS.chunkBytes) {
    from.sendCtl({ type: 'file-chunk', sessionId, transferId, offset: off, data: data.subarray(off, off + COLLAB_LIMITS.chunkBytes).toString('base64') });
  }
  from.sendCtl({ type: 'file-end', sessionId, transferId });
}

function received(c: NdcClient, transferId: string): Buffer {
  const parts = c.ctlInbox.all.flatMap((m) => (m.type === 'file-chunk' && m.transferId === transferId ? [Buffer.from(m.data, 'base64')] : []));
  return Buffer.concat(parts);
}

const storedFiles = (): string[] => readdirSync(filesDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);

describe('attachment delivery', () => {
  test('a receiver that takes 64 KiB messages gets all three full chunks, in pieces that fit, before file-done', async () => {
    const { agent, customer, sessionId } = await pair(65536);
    const data = fileOf(COLLAB_LIMITS.chunkBytes * 3);
    upload(agent, sessionId, 'fit-0000001', data);
    const offer = await customer.nextCtl('file-offer', 5000);
    assert.equal(offer.sha256, sha256(data), 'the receiver is told the hash to check');
    const done = await customer.nextCtl('file-done', 5000);
    assert.equal(done.file.size, data.length);
    assert.ok(received(customer, 'fit-0000001').equals(data), 'every byte, in order');
    assert.equal(createHash('sha256').update(received(customer, 'fit-0000001')).digest('hex'), offer.sha256);
    assert.deepEqual(customer.malformed, []);
    assert.equal(suite.t().log.lines.filter((e) => /exceeds limit|larger than the client takes/.test(String(e.msg))).length, 0);
  });

  test('a chunk the receiver cannot be sent ends the transfer not-delivered for both; nothing is stored', async () => {
    // A limit below the smallest piece the relay cuts: no chunk can reach this receiver.
    const { agent, customer, sessionId } = await pair(700);
    const before = storedFiles();
    upload(agent, sessionId, 'lost-000001', fileOf(COLLAB_LIMITS.chunkBytes * 2));
    assert.equal((await agent.nextCtl('file-abort', 5000, (m) => m.transferId === 'lost-000001')).code, 'not-delivered');
    assert.equal((await customer.nextCtl('file-abort', 5000, (m) => m.transferId === 'lost-000001')).code, 'not-delivered');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal([...agent.ctlInbox.all, ...customer.ctlInbox.all].filter((m) => m.type === 'file-done').length, 0, 'never done');
    assert.deepEqual(storedFiles(), before);
  });

  test('a file whose bytes do not match the offered SHA-256 is refused for both and not stored', async () => {
    const { agent, customer, sessionId } = await pair(256 * 1024);
    const before = storedFiles();
    const data = fileOf(5000);
    upload(customer, sessionId, 'hash-000001', data, sha256(Buffer.from('something else')));
    const abort = await customer.nextCtl('file-abort', 5000, (m) => m.transferId === 'hash-000001');
    assert.equal(abort.code, 'bad-message');
    assert.equal((await agent.nextCtl('file-abort', 5000, (m) => m.transferId === 'hash-000001')).code, 'bad-message');
    const err = await customer.nextCtl('error', 5000, (m) => m.re?.type === 'file-end');
    assert.equal(err.re?.id, 'hash-000001', 'the error names the transfer it answers');
    assert.deepEqual(storedFiles(), before);
  });
});
