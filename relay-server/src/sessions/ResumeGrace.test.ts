import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESUME_GRACE_MS, graceMsOf } from './Resume.ts';

test("a session's grace period is the organisation's setting, capped by the relay's BEACON_RESUME_GRACE_S", () => {
  assert.equal(graceMsOf(undefined, undefined), RESUME_GRACE_MS, 'no organisation yet: 60 s');
  assert.equal(graceMsOf(120, undefined), 120_000);
  assert.equal(graceMsOf(120, 30_000), 30_000, 'the cap wins');
  assert.equal(graceMsOf(20, 30_000), 20_000, 'below the cap: the setting');
  assert.equal(graceMsOf(undefined, 2000), 2000);
});
