/**
 * Steps video guidance's end-to-end files share (videoGuidance.test.ts, cameraFirst.test.ts): the
 * agent draws a stroke across the session's picture and it reaches the customer's camera preview;
 * the agent ends the session and its recording is downloaded and its frames counted.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { RecordingInfo, RecordingTicket } from '@beacon/shared/api';
import type { RelayApi } from './relayApi.ts';
import { waitFor } from './waitFor.ts';

const run = promisify(execFile);

/** With drawing on, a horizontal stroke across the picture; waits until the customer's camera preview has it. Drawing stays on. */
export async function drawOnCamera(agent: Page, customer: Page): Promise<void> {
  await agent.getByTestId('draw-toggle').click();
  const box = await agent.getByTestId('whiteboard-screen').boundingBox();
  assert.ok(box);
  await agent.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await agent.mouse.down();
  for (let i = 1; i <= 10; i++) await agent.mouse.move(box.x + box.width * (0.3 + 0.04 * i), box.y + box.height * 0.5);
  await agent.mouse.up();
  await waitFor(async () => Number(await customer.getByTestId('camera-drawing').getAttribute('data-strokes')) === 1, 'the stroke reaches the customer’s camera preview');
}

/** Ends the agent's open session and waits until its recording is ready; the file is written to `dir`. Returns its decoded frame count. */
export async function endAndCountRecordedFrames(agent: Page, api: RelayApi, relayUrl: string, dir: string): Promise<number> {
  const sessionId = (await agent.getByTestId('session-view').getAttribute('data-session-id')) ?? '';
  await agent.getByTestId('end-session').click();
  await agent.locator(`[data-testid="session-tab"][data-session-id="${sessionId}"][data-state="ended"]`).waitFor({ timeout: 10_000 });
  let info: RecordingInfo | null = null;
  await waitFor(async () => {
    info = await api('GET', `/api/sessions/${sessionId}/recording`, RecordingInfo).catch(() => null);
    return info?.status === 'ready' || info?.status === 'failed';
  }, 'the recording is finalised', 60_000);
  assert.equal(info!.status, 'ready', JSON.stringify(info));
  const t = await api('POST', `/api/sessions/${sessionId}/recording/ticket`, RecordingTicket, { purpose: 'download' });
  const res = await fetch(new URL(t.url, relayUrl));
  assert.equal(res.status, 200);
  const file = join(dir, `video-guidance-${sessionId}.webm`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'default=nw=1:nk=1', file]);
  const decoded = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
  if (decoded.stderr.trim()) console.info(`[video-guidance] ffmpeg said: ${decoded.stderr.trim().slice(0, 300)}`);
  return Number(stdout.trim());
}
