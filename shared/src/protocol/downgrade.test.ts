import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES, END_REASONS } from '../errors.ts';
import { forPeerVersion } from './downgrade.ts';

test('a version 2 peer is told the codes and reasons it knows; a version 3 peer the new ones', () => {
  const abort = { type: 'file-abort', sessionId: 'session-0001', transferId: 'transfer-01', code: 'not-delivered' } as const;
  assert.equal(forPeerVersion(abort, 2).code, 'internal');
  assert.equal(forPeerVersion(abort, 3), abort);
  const ended = { type: 'session-ended', sessionId: 'session-0001', reason: 'link-failed' } as const;
  assert.equal(forPeerVersion(ended, 2).reason, 'customer-disconnected');
  assert.equal(forPeerVersion(ended, 3).reason, 'link-failed');
  const lost = { type: 'session-ended', sessionId: 'session-0001', reason: 'network-lost' } as const;
  assert.equal(forPeerVersion(lost, 3).reason, 'customer-disconnected', 'resume came in version 4');
  assert.equal(forPeerVersion(lost, 4), lost);
  const error = { type: 'error', code: 'not-delivered', message: 'x', re: { type: 'file-chunk', id: 'transfer-01' } } as const;
  assert.deepEqual(forPeerVersion(error, 1), { ...error, code: 'internal' });
});

test('a version 3 peer is told rate-limited for too-many; a version 4 peer too-many', () => {
  const error = { type: 'error', code: 'too-many', message: 'x', re: { type: 'file-offer', id: 'transfer-01' } } as const;
  assert.deepEqual(forPeerVersion(error, 3), { ...error, code: 'rate-limited' });
  assert.equal(forPeerVersion(error, 4), error);
});

test('what version 2 already knew is passed unchanged', () => {
  const v2Codes = ERROR_CODES.filter((c) => c !== 'not-delivered' && c !== 'too-many');
  for (const code of v2Codes) {
    const m = { type: 'error', code, message: 'x' } as const;
    assert.equal(forPeerVersion(m, 2), m);
  }
  for (const reason of END_REASONS.filter((r) => r !== 'link-failed' && r !== 'network-lost')) {
    const m = { type: 'session-ended', sessionId: 'session-0001', reason } as const;
    assert.equal(forPeerVersion(m, 2), m);
  }
});
