import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESUME_FAST_FOR_MS, RESUME_FAST_RETRY_MS, RESUME_SLOW_RETRY_MS, ResumeRetry } from './ResumeRetry.ts';

test('quick retries right after a drop, then once a second; a reset starts again', () => {
  let t = 1000;
  const r = new ResumeRetry(() => t);
  assert.equal(r.nextDelayMs(), RESUME_FAST_RETRY_MS);
  t += RESUME_FAST_FOR_MS - 1;
  assert.equal(r.nextDelayMs(), RESUME_FAST_RETRY_MS);
  t += 1;
  assert.equal(r.nextDelayMs(), RESUME_SLOW_RETRY_MS);
  r.reset();
  assert.equal(r.nextDelayMs(), RESUME_FAST_RETRY_MS);
});
