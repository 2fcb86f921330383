/**
 * Chat, attachments, screenshots and whiteboard through a real relay: node-datachannel
 * peers as customer and agent, the real database and files folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { ChatHistory, COLLAB_LIMITS, QuickReplies, SessionFileList, type Stroke } from '@beacon/shared/collab';
import { NdcClient, openSession } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';
import { TEST_AGENT, useRelaySuite } from '../testing/testRelay.ts';

let filesDir: string;
const suite = useRelaySuite(() => {
  filesDir = mkdtempSync(path.join(tmpdir(), 'beacon-collab-test-'));
  return { filesDir };
}, () => rmSync(filesDir, { recursive: true, force: true }));
const open = suite.open;

async function pair(control = true): Promise<{ agent: NdcClient; customer: NdcClient; sessionId: string }> {
  const customer = await open('customer');
  const agent = await open('agent');
  const { sessionId } = await openSession(agent, customer, { view: true, control });
  return { agent, customer, sessionId };
}

/** Every file under the files folder, relative to it. */
function storedFiles(): string[] {
  return readdirSync(filesDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(filesDir, path.join(e.parentPath, e.name)));
}

async function upload(from: NdcClient, sessionId: string, transferId: string, data: Buffer, purpose: 'chat' | 'screenshot' = 'chat', mime = 'application/octet-stream'): Promise<void> {
  from.sendCtl({ type: 'file-offer', sessionId, transferId, name: `${transferId}.bin`, mime, size: data.length, purpose });
  for (let off = 0; off < data.length; off += COLLAB_LIMITS.chunkBytes) {
    from.sendCtl({ type: 'file-chunk', sessionId, transferId, offset: off, data: data.subarray(off, off + COLLAB_LIMITS.chunkBytes).toString('base64') });
  }
  from.sendCtl({ type: 'file-end', sessionId, transferId });
}

const pen = (id: string): Stroke => ({ id, tool: 'pen', color: '#ff0000', width: 4, points: [[100, 100], [300, 200]], isFading: false });

describe('collaboration through the relay', () => {
  test('chat works while the customer is still being asked, both ways, and is stored with the session', async () => {
    const customer = await open('customer');
    const agent = await open('agent');
    agent.send({ type: 'connect-request', requestId: 'chat-req', deviceId: customer.device.deviceId, code: customer.device.code, permissions: { view: true, control: true } });
    const ask = await customer.next('consent-request', 5000);
    customer.sendCtl({ type: 'chat-send', sessionId: ask.sessionId, text: 'Is this really my IT department? 🤔' });
    const atAgent = await agent.nextCtl('chat', 5000);
    assert.equal(atAgent.message.from, 'customer');
    assert.equal(atAgent.message.text, 'Is this really my IT department? 🤔');
    await customer.nextCtl('chat', 5000, (m) => m.message.id === atAgent.message.id); // the sender's confirmation
    agent.sendCtl({ type: 'chat-send', sessionId: ask.sessionId, text: '是的，我是 Alice 👋' });
    const atCustomer = await customer.nextCtl('chat', 5000, (m) => m.message.from === 'agent');
    assert.equal(atCustomer.message.senderName, TEST_AGENT.displayName);
    const history = await new TestApi(suite.t().relay.url, await suite.t().token()).ok('GET', `/api/sessions/${ask.sessionId}/chat`, ChatHistory);
    assert.deepEqual(history.messages.map((m) => [m.from, m.text]), [
      ['customer', 'Is this really my IT department? 🤔'],
      ['agent', '是的，我是 Alice 👋'],
    ]);
    await suite.t().relay.flush();
    const kinds = (await suite.t().relay.services.events.forSession(ask.sessionId)).map((e) => e.kind);
    assert.deepEqual(kinds.filter((k) => k === 'chat').length, 2);
  });

  test('an attachment goes through with progress, is stored whole, and can be downloaded', async () => {
    const { agent, customer, sessionId } = await pair();
    const data = Buffer.alloc(COLLAB_LIMITS.chunkBytes * 2 + 1234);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
    await upload(customer, sessionId, 'file-000001', data, 'chat', 'image/png');
    const offer = await agent.nextCtl('file-offer', 5000);
    assert.equal(offer.from, 'customer');
    const done = await agent.nextCtl('file-done', 5000);
    const received: Buffer[] = [];
    for (const m of agent.ctlInbox.all) if (m.type === 'file-chunk' && m.transferId === 'file-000001') received.push(Buffer.from(m.data, 'base64'));
    assert.ok(Buffer.concat(received).equals(data), 'the agent got the bytes, in order');
    await customer.nextCtl('file-progress', 5000, (m) => m.received === data.length);
    const progress = customer.ctlInbox.all.filter((m) => m.type === 'file-progress').map((m) => (m.type === 'file-progress' ? m.received : 0));
    assert.deepEqual(progress, [COLLAB_LIMITS.chunkBytes, COLLAB_LIMITS.chunkBytes * 2, data.length]);
    const chat = await agent.nextCtl('chat', 5000, (m) => m.message.file?.id === done.file.id);
    assert.equal(chat.message.file?.mime, 'image/png');
    const api = new TestApi(suite.t().relay.url, await suite.t().token());
    const list = await api.ok('GET', `/api/sessions/${sessionId}/files`, SessionFileList);
    assert.deepEqual(list.files.map((f) => [f.id, f.size, f.from]), [[done.file.id, data.length, 'customer']]);
    const res = await fetch(`${suite.t().relay.url}/api/sessions/${sessionId}/files/${done.file.id}`, { headers: { Authorization: `Bearer ${api.token}` } });
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(data), 'the download is byte-identical');
    assert.equal((await fetch(`${suite.t().relay.url}/api/sessions/${sessionId}/files/${done.file.id}`)).status, 401);
    assert.ok(!storedFiles().some((f) => f.endsWith('.part')));
  });

  test('too large, overrunning or cancelled uploads end with an error and leave nothing on disk', async () => {
    const { agent, customer, sessionId } = await pair();
    const before = storedFiles();
    agent.sendCtl({ type: 'file-offer', sessionId, transferId: 'big-0000001', name: 'movie.mp4', mime: 'video/mp4', size: COLLAB_LIMITS.maxAttachmentBytes + 1, purpose: 'chat' });
    const abort = await agent.nextCtl('file-abort', 5000);
    assert.equal(abort.code, 'too-large');
    assert.equal((await agent.nextCtl('error', 5000)).code, 'too-large');
    // Declares 10 bytes, sends more.
    customer.sendCtl({ type: 'file-offer', sessionId, transferId: 'lie-0000001', name: 'a.txt', mime: 'text/plain', size: 10, purpose: 'chat' });
    customer.sendCtl({ type: 'file-chunk', sessionId, transferId: 'lie-0000001', offset: 0, data: Buffer.alloc(5).toString('base64') });
    customer.sendCtl({ type: 'file-chunk', sessionId, transferId: 'lie-0000001', offset: 5, data: Buffer.alloc(50).toString('base64') });
    assert.equal((await customer.nextCtl('file-abort', 5000, (m) => m.transferId === 'lie-0000001')).code, 'too-large');
    assert.equal((await agent.nextCtl('file-abort', 5000, (m) => m.transferId === 'lie-0000001')).code, 'too-large');
    // Cancelled half way.
    customer.sendCtl({ type: 'file-offer', sessionId, transferId: 'cnc-0000001', name: 'b.txt', mime: 'text/plain', size: 100, purpose: 'chat' });
    customer.sendCtl({ type: 'file-chunk', sessionId, transferId: 'cnc-0000001', offset: 0, data: Buffer.alloc(40).toString('base64') });
    await customer.nextCtl('file-progress', 5000, (m) => m.transferId === 'cnc-0000001');
    assert.ok(storedFiles().some((f) => f.endsWith('cnc-0000001.part')), 'a partial file exists while uploading');
    customer.sendCtl({ type: 'file-cancel', sessionId, transferId: 'cnc-0000001' });
    await agent.nextCtl('file-abort', 5000, (m) => m.transferId === 'cnc-0000001');
    // Disconnected half way.
    customer.sendCtl({ type: 'file-offer', sessionId, transferId: 'gone-000001', name: 'c.txt', mime: 'text/plain', size: 100, purpose: 'chat' });
    customer.sendCtl({ type: 'file-chunk', sessionId, transferId: 'gone-000001', offset: 0, data: Buffer.alloc(40).toString('base64') });
    await customer.nextCtl('file-progress', 5000, (m) => m.transferId === 'gone-000001');
    customer.close();
    await agent.next('session-ended', 5000);
    for (let i = 0; i < 50 && storedFiles().length !== before.length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(storedFiles(), before, 'no partial file stays');
    const list = await new TestApi(suite.t().relay.url, await suite.t().token()).ok('GET', `/api/sessions/${sessionId}/files`, SessionFileList);
    assert.equal(list.files.length, 0);
  });

  test('whiteboard: the agent with control draws on the screen; nobody else may; both draw on the blank board', async () => {
    const { agent, customer, sessionId } = await pair(true);
    agent.sendCtl({ type: 'stroke', sessionId, board: 'screen', stroke: pen('s1') });
    const got = await customer.nextCtl('stroke', 5000);
    assert.deepEqual([got.from, got.board, got.stroke.points], ['agent', 'screen', [[100, 100], [300, 200]]]);
    agent.sendCtl({ type: 'stroke-undo', sessionId, board: 'screen', strokeId: 's1' });
    assert.equal((await customer.nextCtl('stroke-undo', 5000)).strokeId, 's1');
    agent.sendCtl({ type: 'board-clear', sessionId, board: 'screen' });
    await customer.nextCtl('board-clear', 5000);
    customer.sendCtl({ type: 'stroke', sessionId, board: 'screen', stroke: pen('c1') });
    assert.equal((await customer.nextCtl('error', 5000)).code, 'not-allowed');
    customer.sendCtl({ type: 'stroke', sessionId, board: 'blank', stroke: pen('c2') });
    assert.equal((await agent.nextCtl('stroke', 5000)).from, 'customer');
    // Malformed and oversized strokes are refused; the session goes on.
    agent.sendCtlRaw(JSON.stringify({ type: 'stroke', sessionId, board: 'screen', stroke: { ...pen('x'), points: Array(COLLAB_LIMITS.maxStrokePoints + 1).fill([1, 1]) } }));
    assert.equal((await agent.nextCtl('error', 5000)).code, 'bad-message');
    agent.sendCtlRaw('{"type":"stroke","sessionId":"' + sessionId + '","board":"screen","stroke":{"tool":"pen"}}');
    assert.equal((await agent.nextCtl('error', 5000)).code, 'bad-message');
    agent.sendCtl({ type: 'chat-send', sessionId, text: 'still here' });
    await customer.nextCtl('chat', 5000, (m) => m.message.text === 'still here');
    await suite.t().relay.flush();
    const strokes = (await suite.t().relay.services.events.forSession(sessionId)).filter((e) => e.kind === 'stroke').map((e) => e.detail.action);
    assert.deepEqual(strokes, ['draw', 'undo', 'clear', 'draw']);

    const viewOnly = await pair(false);
    viewOnly.agent.sendCtl({ type: 'stroke', sessionId: viewOnly.sessionId, board: 'screen', stroke: pen('v1') });
    assert.equal((await viewOnly.agent.nextCtl('error', 5000)).code, 'not-allowed');
    viewOnly.agent.sendCtl({ type: 'screenshot-request', sessionId: viewOnly.sessionId, requestId: 'shot-view-01' });
    assert.equal((await viewOnly.agent.nextCtl('error', 5000)).code, 'not-allowed');
    assert.equal(viewOnly.customer.ctlInbox.all.filter((m) => m.type === 'stroke' || m.type === 'screenshot-request').length, 0);
  });

  test('a foreign agent can neither chat, draw nor ask for a screenshot in another session', async () => {
    const { customer, sessionId } = await pair(true);
    const stranger = await open('agent');
    stranger.sendCtl({ type: 'chat-send', sessionId, text: 'hello?' });
    stranger.sendCtl({ type: 'stroke', sessionId, board: 'screen', stroke: pen('z') });
    stranger.sendCtl({ type: 'screenshot-request', sessionId, requestId: 'shot-strange' });
    for (let i = 0; i < 3; i++) assert.equal((await stranger.nextCtl('error', 5000)).code, 'not-found');
    // What the session itself sends the customer (pings, keyframe requests, its clipboard rules) is not the stranger's.
    const extra = customer.ctlInbox.all.filter((m) => m.type !== 'ping' && m.type !== 'keyframe-request' && m.type !== 'clipboard-policy');
    assert.equal(extra.length, 0, JSON.stringify(extra));
  });

  test('screenshot: asked by the agent, sent by the customer, stored and logged; unasked ones are refused', async () => {
    const { agent, customer, sessionId } = await pair(true);
    customer.sendCtl({ type: 'file-offer', sessionId, transferId: 'shot-unasked', name: 'x.png', mime: 'image/png', size: 3, purpose: 'screenshot' });
    assert.equal((await customer.nextCtl('error', 5000)).code, 'forbidden');
    agent.sendCtl({ type: 'screenshot-request', sessionId, requestId: 'shot-0000001' });
    const req = await customer.nextCtl('screenshot-request', 5000);
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    await upload(customer, sessionId, req.requestId, png, 'screenshot', 'image/png');
    const done = await agent.nextCtl('file-done', 5000);
    assert.equal(done.file.purpose, 'screenshot');
    assert.equal(done.file.transferId, 'shot-0000001');
    assert.ok(readFileSync(path.join(filesDir, sessionId, 'shot-0000001')).equals(png));
    await suite.t().relay.flush();
    assert.ok((await suite.t().relay.services.events.forSession(sessionId)).some((e) => e.kind === 'screenshot' && e.detail.fileId === done.file.id));
  });

  test('quick replies are per seat; a linked customer has a chat history across sessions', async () => {
    const api = new TestApi(suite.t().relay.url, await suite.t().token());
    assert.deepEqual((await api.ok('GET', '/api/me/quick-replies', QuickReplies)).replies, []);
    await api.ok('PUT', '/api/me/quick-replies', QuickReplies, { replies: ['Hello! 👋', '请稍等'] });
    assert.deepEqual((await api.ok('GET', '/api/me/quick-replies', QuickReplies)).replies, ['Hello! 👋', '请稍等']);
    await api.refused('PUT', '/api/me/quick-replies', 400, { replies: ['x'.repeat(COLLAB_LIMITS.maxQuickReplyChars + 1)] });
    const created = await api.ok('POST', '/api/customers', z.object({ id: z.number() }).passthrough(), { name: 'Dana Li' }, 201);
    for (const text of ['first visit', 'second visit']) {
      const { agent, customer, sessionId } = await pair(true);
      await api.ok('PATCH', `/api/sessions/${sessionId}`, z.unknown(), { customerId: created.id });
      agent.sendCtl({ type: 'chat-send', sessionId, text });
      await agent.nextCtl('chat', 5000);
      agent.send({ type: 'session-end', sessionId });
      await customer.next('session-ended', 5000);
    }
    const history = await api.ok('GET', `/api/customers/${created.id}/chat`, ChatHistory);
    assert.deepEqual(history.messages.map((m) => m.text), ['first visit', 'second visit']);
    await api.refused('GET', '/api/customers/999999/chat', 404);
  });
});
