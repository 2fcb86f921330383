/**
 * Recovery at start: what a relay killed mid-session leaves behind (a `recording` row and a
 * chunk journal cut mid-record, no end) becomes a playable file at the next start; a row whose
 * log is gone is marked failed, never left hanging.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { MemoryLogger } from '../platform/logger.ts';
import { startRelay, type RelayHandle } from '../RelayServer.ts';
import { chunkJournalName } from './Recorder.ts';
import { loadClip, writeClipLog } from './testing/clip.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'beacon-recover-'));
const relays: RelayHandle[] = [];
after(async () => {
  for (const r of relays) await r.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const clip = loadClip();
const T0 = Date.now() - 60_000;

async function start(): Promise<RelayHandle> {
  const r = await startRelay({ port: 0, host: '127.0.0.1', dataDir, logger: new MemoryLogger(), isFinaliserInProcess: true });
  relays.push(r);
  return r;
}

/** The rows a killed relay leaves for a session that was being recorded. */
async function interruptedSession(r: RelayHandle, agentId: number, sessionId: string, deviceId: string): Promise<void> {
  await r.services.db.run('INSERT OR IGNORE INTO devices (device_id, registered_at, last_seen_at) VALUES (?, ?, ?)', [deviceId, T0, T0]);
  await r.services.db.run("INSERT INTO sessions (id, device_id, agent_id, requested_at, started_at, permissions, outcome) VALUES (?, ?, ?, ?, ?, ?, 'active')", [
    sessionId,
    deviceId,
    agentId,
    T0,
    T0 + 500,
    JSON.stringify({ view: true, control: true }),
  ]);
  await r.services.db.run("INSERT INTO recordings (session_id, status, started_at) VALUES (?, 'recording', ?)", [sessionId, T0 + 500]);
}

test('after a kill mid-session, the next start makes the recording playable up to the crash', async () => {
  const first = await start();
  const agentId = await first.seedAccount({ login: 'alice', password: 'correct horse battery', displayName: 'Alice' });
  await interruptedSession(first, agentId, 'crashedSession01', '123456789');
  await interruptedSession(first, agentId, 'lostLogSession01', '123456780');
  await first.close();
  relays.length = 0;

  const dir = path.join(dataDir, 'recordings');
  const log = path.join(dir, chunkJournalName('crashedSession01'));
  await writeClipLog(log, clip.frames.slice(0, 120), clip.config);
  // The kill came in the middle of writing frame 120.
  truncateSync(log, statSync(log).size - 300);
  writeFileSync(path.join(dir, 'crashedSession01.live-3.webm'), 'a stale near-live snapshot');

  const second = await start();
  await second.services.recorder.idle();
  const rec = await second.services.recordings.get('crashedSession01');
  assert.equal(rec?.status, 'ready');
  assert.equal(rec?.isRecovered, true);
  assert.equal(rec?.frames, 119);
  const lastMs = clip.frames[118]!.offsetMs;
  assert.ok((rec?.durationMs ?? 0) >= lastMs && (rec?.durationMs ?? 0) <= lastMs + 40, `${rec?.durationMs} ms, last frame at ${lastMs} ms`);
  assert.ok(existsSync(path.join(dir, 'crashedSession01.webm')));
  assert.ok(!existsSync(log), 'the chunk journal is removed once the file is safe');
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.live-')), [], 'stale snapshots are cleared');

  const lost = await second.services.recordings.get('lostLogSession01');
  assert.equal(lost?.status, 'failed');
  assert.equal(lost?.failure?.code, 'chunk-log-missing');
  // The session log no longer shows them as live.
  assert.equal((await second.services.sessionHistory.get('crashedSession01'))?.outcome, 'dropped');
});
