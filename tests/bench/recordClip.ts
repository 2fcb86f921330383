/**
 * Records a clip of the real customer encoder's output for the synthetic load generators:
 * the customer renderer captures a workload on a real X screen and encodes it exactly as in
 * production, and a Node viewer (NdcClient) behind the real relay reassembles the frames.
 *
 * `node --import tsx tests/bench/recordClip.ts --workload typing --seconds 10
 *   [--width 1280 --height 720] [--out tests/fixtures/recorded]`
 * writes `<workload>-<width>x<height>.bin` and `.json` (see RecordedClip.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Reassembler, type AssembledFrame } from '@beacon/shared/framing';
import type { StreamConfig } from '@beacon/shared/protocol';
import { loginAgent, NdcClient } from '../../relay-server/src/testing/NdcClient.ts';
import { readDeviceCredentials } from '../harness/flows.ts';
import { AGENT } from '../harness/Relay.ts';
import { CLIP_DIR, type ClipIndex } from './RecordedClip.ts';
import { startViewEnv } from './ViewEnv.ts';
import { WORKLOAD_NAMES, type WorkloadName } from './workloads.ts';

const { values } = parseArgs({
  options: {
    workload: { type: 'string', default: 'typing' },
    seconds: { type: 'string', default: '10' },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '720' },
    out: { type: 'string', default: CLIP_DIR },
  },
});

/** Frames before this much time has passed are left out: the page and encoder settle first. */
const SETTLE_MS = 1500;

async function main(): Promise<void> {
  const workload = values.workload as WorkloadName;
  if (!WORKLOAD_NAMES.includes(workload)) throw new Error(`unknown workload ${workload}; one of ${WORKLOAD_NAMES.join(', ')}`);
  const width = Number(values.width);
  const height = Number(values.height);
  const seconds = Number(values.seconds);
  const env = await startViewEnv(width, height);
  let agent: NdcClient | null = null;
  try {
    await env.showWorkload(workload);
    const { token } = await loginAgent(env.relay.url, AGENT.login, AGENT.password);
    agent = await NdcClient.open({ relayUrl: env.relay.url, role: 'agent', token, name: 'recorder' });
    const frames: AssembledFrame[] = [];
    const reassembler = new Reassembler({ timeoutMs: 2000, maxPending: 64 });
    agent.onMedia = (fragment) => {
      const frame = reassembler.push(fragment);
      if (frame) frames.push(frame);
    };
    const { deviceId, code } = await readDeviceCredentials(env.customer);
    agent.send({ type: 'connect-request', requestId: 'record', deviceId, code, permissions: { view: true, control: false } });
    const started = await agent.next('session-started', 15_000);
    const config: StreamConfig = (await agent.nextCtl('stream-config', 10_000, (m) => m.sessionId === started.sessionId)).config;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    // Start the clip at a fresh keyframe, so it can be decoded from its first frame.
    const from = frames.length;
    agent.sendCtl({ type: 'keyframe-request', sessionId: started.sessionId });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const recorded = frames.slice(from);
    const firstKey = recorded.findIndex((f) => f.isKey);
    if (firstKey < 0) throw new Error('no keyframe arrived after the request');
    const clip = recorded.slice(firstKey);
    if (reassembler.droppedFrames) throw new Error(`${reassembler.droppedFrames} frames were lost while recording; record again`);
    for (let i = 1; i < clip.length; i++) {
      if (clip[i]!.seq !== ((clip[i - 1]!.seq + 1) >>> 0)) throw new Error(`frame ${clip[i - 1]!.seq} is followed by ${clip[i]!.seq}: a gap`);
    }
    const t0 = clip[0]!.captureTs;
    const index: ClipIndex = {
      workload,
      config,
      source: `Beacon customer renderer in Chromium capturing a ${width}x${height} Xvfb screen, ${config.codec}`,
      frames: clip.map((f) => [Math.round((f.captureTs - t0) * 10) / 10, f.data.byteLength, f.isKey]),
    };
    const name = `${workload}-${width}x${height}`;
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, `${name}.bin`), Buffer.concat(clip.map((f) => f.data)));
    writeFileSync(join(values.out, `${name}.json`), `${JSON.stringify(index)}\n`);
    const bytes = clip.reduce((s, f) => s + f.data.byteLength, 0);
    const durationS = (clip[clip.length - 1]!.captureTs - t0) / 1000;
    console.log(
      `${name}: ${clip.length} frames (${clip.filter((f) => f.isKey).length} key), ${bytes} bytes, ` +
        `${(clip.length / durationS).toFixed(1)} fps, ${((bytes * 8) / 1000 / durationS).toFixed(0)} kbit/s`,
    );
  } finally {
    agent?.close();
    await env.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
