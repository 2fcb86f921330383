import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLLAB_LIMITS } from '@beacon/shared/collab';
import { fitChunk, type FileChunk } from './fitChunk.ts';

function chunkOf(bytes: number, offset = 0): FileChunk {
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) data[i] = (i * 7 + offset) % 256;
  return { type: 'file-chunk', sessionId: 'session-0001', transferId: 'transfer-0001', offset, data: data.toString('base64') };
}

test('a full chunk is cut into pieces that each fit 64 KiB, with the same bytes in order and running offsets', () => {
  const chunk = chunkOf(COLLAB_LIMITS.chunkBytes, 3 * COLLAB_LIMITS.chunkBytes);
  assert.ok(JSON.stringify(chunk).length > 65536, 'the whole chunk would not fit');
  const pieces = fitChunk(chunk, 65536);
  assert.ok(pieces && pieces.length === 2, String(pieces?.length));
  let offset = chunk.offset;
  for (const p of pieces) {
    assert.ok(Buffer.byteLength(JSON.stringify(p)) <= 65536);
    assert.equal(p.offset, offset);
    offset += Buffer.from(p.data, 'base64').length;
  }
  assert.deepEqual(Buffer.concat(pieces.map((p) => Buffer.from(p.data, 'base64'))), Buffer.from(chunk.data, 'base64'));
});

test('a chunk that fits, or a limit not known, is passed as it is; an absurd limit is refused', () => {
  const chunk = chunkOf(1000);
  assert.deepEqual(fitChunk(chunk, 65536), [chunk]);
  assert.deepEqual(fitChunk(chunkOf(COLLAB_LIMITS.chunkBytes), 0)?.length, 1);
  assert.equal(fitChunk(chunkOf(COLLAB_LIMITS.chunkBytes), 500), null);
});

test('a small limit gives many pieces, each within it', () => {
  const pieces = fitChunk(chunkOf(COLLAB_LIMITS.chunkBytes), 16 * 1024);
  assert.ok(pieces && pieces.length >= 4);
  for (const p of pieces) assert.ok(JSON.stringify(p).length <= 16 * 1024);
});
