/**
 * Retention by age and by total size, with a clock the test moves; every deletion is audited.
 * With BEACON_TEST_RECORDINGS=s3 the files are deleted from the bucket.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AuditList, OrgSettings } from '@beacon/shared/api';
import { loginAgent } from '../testing/NdcClient.ts';
import { TestApi } from '../testing/TestApi.ts';
import { startTestRelay, type TestRelay } from '../testing/testRelay.ts';
import { RecordingRetention } from './RecordingRetention.ts';

const DAY = 24 * 60 * 60_000;
const MB = 1024 * 1024;
const NOW = Date.UTC(2025, 5, 1);
let t: TestRelay;
let owner: TestApi;
let clock = NOW;
let retention: RecordingRetention;

before(async () => {
  t = await startTestRelay();
  await t.relay.seedAccount({ login: 'olivia', password: 'owner passphrase', displayName: 'Olivia', role: 'owner' });
  owner = new TestApi(t.relay.url).as((await loginAgent(t.relay.url, 'olivia', 'owner passphrase')).token);
  retention = new RecordingRetention({
    files: t.relay.services.recorder.files,
    store: t.relay.services.recordings,
    audit: t.relay.services.audit,
    log: t.log,
    now: () => clock,
    settings: () => t.relay.services.organisation.settings,
  });
});
after(async () => {
  retention.stop();
  await t.relay.close();
});

/** A finished recording of `mb` megabytes made `ageDays` days before NOW. */
async function recording(id: string, ageDays: number, mb: number): Promise<string> {
  const agent = await t.relay.services.db.get("SELECT id FROM agents WHERE login = 'alice'");
  const agentId = (agent as { id: number }).id;
  const at = NOW - ageDays * DAY;
  await t.relay.services.db.run('INSERT OR IGNORE INTO devices (device_id, registered_at, last_seen_at) VALUES (?, ?, ?)', ['111222333', at, at]);
  await t.relay.services.db.run("INSERT INTO sessions (id, device_id, agent_id, requested_at, started_at, ended_at, permissions, outcome) VALUES (?, '111222333', ?, ?, ?, ?, ?, 'completed')", [
    id,
    agentId,
    at,
    at,
    at + 60_000,
    JSON.stringify({ view: true, control: false }),
  ]);
  await t.relay.services.recordings.insert(id, at);
  const file = `${id}.webm`;
  const local = path.join(t.relay.services.recorder.dir, `${file}.part`);
  writeFileSync(local, Buffer.alloc(mb * MB));
  await t.relay.services.recorder.files.put(file, local, 'video/webm');
  await t.relay.services.recordings.markReady(id, {
    container: 'webm', codec: 'vp8', width: 640, height: 480, durationMs: 60_000, frames: 1800, audioPackets: 0, sizeBytes: mb * MB,
    isCutOff: false, failure: null, fileName: file, isRecovered: false, finalisedAt: at + 61_000, endedAt: at + 60_000,
  });
  return file;
}

/** Whether the finished file is still kept (on disk or in the bucket). */
const exists = async (file: string): Promise<boolean> => (await t.relay.services.recorder.files.stat(file)) !== null;

test('recordings past the age limit are deleted, then the oldest while the total is over the size limit', async () => {
  await owner.ok('PATCH', '/api/settings', OrgSettings, { recordingMaxAgeDays: 30, recordingMaxTotalMB: 10 });
  const ancient = await recording('ancientSession01', 45, 1);
  const old = await recording('oldSession000001', 20, 4);
  const middle = await recording('middleSession001', 10, 4);
  const fresh = await recording('freshSession0001', 1, 4);

  const r = await retention.sweep();
  assert.deepEqual(r, { byAge: 1, bySize: 1, freedBytes: 5 * MB });
  assert.equal(await exists(ancient), false);
  assert.equal(await exists(old), false);
  assert.equal(await exists(middle), true);
  assert.equal(await exists(fresh), true);
  const gone = await t.relay.services.recordings.get('ancientSession01');
  assert.equal(gone?.status, 'deleted');
  assert.equal(gone?.deletedReason, 'age');
  assert.equal((await t.relay.services.recordings.get('oldSession000001'))?.deletedReason, 'size');

  const audit = (await owner.ok('GET', '/api/audit', AuditList)).entries.filter((e) => e.action === 'recording-deleted');
  assert.deepEqual(audit.map((e) => [e.target?.id, e.detail.reason, e.actor]).sort(), [
    ['ancientSession01', 'age', null],
    ['oldSession000001', 'size', null],
  ]);

  // Nothing more to do: a second sweep deletes nothing. Time passes: the middle one ages out.
  assert.deepEqual(await retention.sweep(), { byAge: 0, bySize: 0, freedBytes: 0 });
  clock = NOW + 21 * DAY;
  assert.deepEqual(await retention.sweep(), { byAge: 1, bySize: 0, freedBytes: 4 * MB });
  assert.equal(await exists(middle), false);
  assert.equal(await exists(fresh), true);
});
