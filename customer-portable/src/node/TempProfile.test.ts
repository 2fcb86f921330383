import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { PROFILE_PREFIX, TempProfile } from './TempProfile.ts';

const root = mkdtempSync(join(tmpdir(), 'beacon-test-tp-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a fresh profile folder is made, filled by the app, and gone after dispose', async () => {
  const p = TempProfile.create({ root });
  assert.ok(basename(p.dir).startsWith(PROFILE_PREFIX));
  mkdirSync(join(p.dir, 'Cache', 'data'), { recursive: true });
  writeFileSync(join(p.dir, 'Cache', 'data', 'f'), 'x');
  await p.dispose();
  await p.dispose(); // idempotent
  assert.equal(existsSync(p.dir), false);
  assert.equal(p.disposed, true);
});

test('two runs get two different folders', () => {
  const a = TempProfile.create({ root });
  const b = TempProfile.create({ root });
  assert.notEqual(a.dir, b.dir);
  a.disposeSync();
  b.disposeSync();
  assert.equal(existsSync(a.dir) || existsSync(b.dir), false);
});

test('removal is retried while files are busy (as on Windows right after quit)', async () => {
  let calls = 0;
  const p = TempProfile.create({
    root,
    retryMs: 1,
    remove: async (path) => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('busy'), { code: 'EBUSY' });
      await rm(path, { recursive: true, force: true });
    },
  });
  await p.dispose();
  assert.equal(calls, 3);
  assert.equal(existsSync(p.dir), false);
});

test('a folder that stays busy is left for the next sweep without throwing', async () => {
  const p = TempProfile.create({ root, retryMs: 1, remove: async () => Promise.reject(Object.assign(new Error('busy'), { code: 'EBUSY' })) });
  await p.dispose();
  assert.equal(p.disposed, false);
  assert.equal(existsSync(p.dir), true);
});

test('the sweep removes only our own stale profiles', async () => {
  const now = Date.now();
  const dayAgo = (now - 25 * 3600_000) / 1000;
  const stale = mkdtempSync(join(root, PROFILE_PREFIX));
  writeFileSync(join(stale, 'Cookies'), 'x');
  utimesSync(stale, dayAgo, dayAgo);
  const fresh = mkdtempSync(join(root, PROFILE_PREFIX));
  const current = mkdtempSync(join(root, PROFILE_PREFIX));
  utimesSync(current, dayAgo, dayAgo);
  const other = join(root, 'someone-else-old');
  mkdirSync(other);
  utimesSync(other, dayAgo, dayAgo);
  const file = join(root, `${PROFILE_PREFIX}file`);
  writeFileSync(file, 'x');
  utimesSync(file, dayAgo, dayAgo);

  const removed = await TempProfile.sweepStale({ root, now, keep: current });
  assert.deepEqual(removed, [stale]);
  assert.equal(existsSync(stale), false);
  for (const kept of [fresh, current, other, file]) assert.equal(existsSync(kept), true, kept);
});

test('the sweep of a missing folder finds nothing and does not throw', async () => {
  assert.deepEqual(await TempProfile.sweepStale({ root: join(root, 'nope') }), []);
});
