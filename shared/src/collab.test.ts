import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLLAB_LIMITS, QuickReplies, Stroke } from './collab.ts';
import { parseJson } from './parse.ts';
import { CtlFromRelay, CtlToRelay, LIMITS } from './protocol.ts';

const sid = 'abcdefgh12345678';
const pen = { id: 's1', tool: 'pen', color: '#00aaff', width: 3, points: [[10, 20], [30, 40]], isFading: false };

function ok(msg: unknown): void {
  const r = parseJson(CtlToRelay, JSON.stringify(msg), 'test');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
}
function bad(msg: unknown, pathHint: RegExp): void {
  const r = parseJson(CtlToRelay, JSON.stringify(msg), 'test');
  assert.equal(r.ok, false, `accepted ${JSON.stringify(msg).slice(0, 120)}`);
  if (!r.ok) assert.match(r.error.message, pathHint);
}

test('chat: emoji and CJK text pass, empty and overlong text are refused', () => {
  ok({ type: 'chat-send', sessionId: sid, text: 'Click the 🔴 button, 谢谢 👍' });
  bad({ type: 'chat-send', sessionId: sid, text: '   ' }, /text/);
  bad({ type: 'chat-send', sessionId: sid, text: 'x'.repeat(COLLAB_LIMITS.maxChatChars + 1) }, /text/);
  bad({ type: 'chat-send', sessionId: 'short', text: 'hi' }, /sessionId/);
});

test('attachments: offers need a clean name and MIME type; chunks are bounded base64', () => {
  const offer = { type: 'file-offer', sessionId: sid, transferId: 'tr-000001', name: 'log.txt', mime: 'text/plain', size: 12, purpose: 'chat' };
  ok(offer);
  // A declared size past the limit still parses: the relay refuses it with `too-large`, which the UI can explain.
  ok({ ...offer, size: COLLAB_LIMITS.maxAttachmentBytes * 3 });
  bad({ ...offer, name: '../../etc/passwd' }, /name/);
  bad({ ...offer, name: 'a\u0000b' }, /name/);
  bad({ ...offer, mime: 'text plain' }, /mime/);
  bad({ ...offer, size: -1 }, /size/);
  bad({ ...offer, purpose: 'other' }, /purpose/);
  ok({ type: 'file-chunk', sessionId: sid, transferId: 'tr-000001', offset: 0, data: Buffer.alloc(COLLAB_LIMITS.chunkBytes).toString('base64') });
  bad({ type: 'file-chunk', sessionId: sid, transferId: 'tr-000001', offset: 0, data: Buffer.alloc(COLLAB_LIMITS.chunkBytes + 3).toString('base64') }, /data/);
  bad({ type: 'file-chunk', sessionId: sid, transferId: 'tr-000001', offset: 0, data: 'not base64!' }, /data/);
  ok({ type: 'file-end', sessionId: sid, transferId: 'tr-000001' });
  ok({ type: 'file-cancel', sessionId: sid, transferId: 'tr-000001' });
  // A full chunk stays under the ctl message limit with its envelope.
  const chunk = JSON.stringify({ type: 'file-chunk', sessionId: sid, transferId: 'x'.repeat(64), offset: Number.MAX_SAFE_INTEGER, data: 'A'.repeat(Math.ceil(COLLAB_LIMITS.chunkBytes / 3) * 4) });
  assert.ok(chunk.length < LIMITS.maxJsonMessageBytes);
});

test('strokes: each tool, colour, width, point and text limits', () => {
  ok({ type: 'stroke', sessionId: sid, board: 'screen', stroke: pen });
  for (const tool of ['arrow', 'rect', 'ellipse']) ok({ type: 'stroke', sessionId: sid, board: 'blank', stroke: { ...pen, tool } });
  ok({ type: 'stroke', sessionId: sid, board: 'screen', stroke: { ...pen, tool: 'text', points: [[5, 5]], text: '点这里' } });
  bad({ type: 'stroke', sessionId: sid, board: 'screen', stroke: { ...pen, tool: 'text', points: [[5, 5]] } }, /text/);
  bad({ type: 'stroke', sessionId: sid, board: 'screen', stroke: { ...pen, tool: 'rect', points: [[1, 1]] } }, /points/);
  bad({ type: 'stroke', sessionId: sid, board: 'screen', stroke: { ...pen, tool: 'laser' } }, /tool/);
  bad({ type: 'stroke', sessionId: sid, board: 'screen', stroke: { ...pen, color: 'red' } }, /color/);
  bad({ type: 'stroke', sessionId: sid, board: 'screen', stroke: { ...pen, width: 0 } }, /width/);
  bad({ type: 'stroke', sessionId: sid, board: 'screen', stroke: { ...pen, points: [[-1, 5]] } }, /points/);
  bad({ type: 'stroke', sessionId: sid, board: 'screen', stroke: { ...pen, points: [] } }, /points/);
  const many = Array.from({ length: COLLAB_LIMITS.maxStrokePoints + 1 }, (_, i) => [i % 1000, 3]);
  bad({ type: 'stroke', sessionId: sid, board: 'screen', stroke: { ...pen, points: many } }, /points/);
  bad({ type: 'stroke', sessionId: sid, board: 'wall', stroke: pen }, /board/);
  ok({ type: 'stroke-undo', sessionId: sid, board: 'screen', strokeId: 's1' });
  ok({ type: 'board-clear', sessionId: sid, board: 'blank' });
  assert.equal(Stroke.safeParse({ ...pen, isFading: 'yes' }).success, false);
});

test('screenshot requests carry a transfer-shaped request ID', () => {
  ok({ type: 'screenshot-request', sessionId: sid, requestId: 'shot-12345678' });
  bad({ type: 'screenshot-request', sessionId: sid, requestId: 'x' }, /requestId/);
});

test('relay -> client collaboration messages parse', () => {
  const msgs = [
    { type: 'chat', sessionId: sid, message: { id: 1, sessionId: sid, at: 1, from: 'customer', senderName: 'customer', text: 'hi' } },
    { type: 'file-offer', sessionId: sid, from: 'agent', transferId: 'tr-000001', name: 'a.png', mime: 'image/png', size: 3, purpose: 'chat' },
    { type: 'file-progress', sessionId: sid, transferId: 'tr-000001', received: 3, size: 3 },
    { type: 'file-done', sessionId: sid, file: { id: 4, transferId: 'tr-000001', name: 'a.png', mime: 'image/png', size: 3, purpose: 'chat' } },
    { type: 'file-abort', sessionId: sid, transferId: 'tr-000001', code: 'too-large' },
    { type: 'stroke', sessionId: sid, from: 'agent', board: 'screen', stroke: pen },
    { type: 'screenshot-request', sessionId: sid, requestId: 'shot-12345678' },
  ];
  for (const m of msgs) {
    const r = parseJson(CtlFromRelay, JSON.stringify(m), 'test');
    assert.ok(r.ok, r.ok ? '' : r.error.message);
  }
  assert.equal(parseJson(CtlFromRelay, JSON.stringify({ type: 'file-abort', sessionId: sid, transferId: 'tr-000001', code: 'nope' }), 't').ok, false);
});

test('quick replies: trimmed, bounded in count and length', () => {
  const r = QuickReplies.safeParse({ replies: ['  Hello! 👋  ', 'One moment please'] });
  assert.ok(r.success);
  assert.deepEqual(r.data.replies, ['Hello! 👋', 'One moment please']);
  assert.equal(QuickReplies.safeParse({ replies: [''] }).success, false);
  assert.equal(QuickReplies.safeParse({ replies: Array(COLLAB_LIMITS.maxQuickReplies + 1).fill('x') }).success, false);
});
