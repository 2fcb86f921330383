/**
 * Voice in the session recording (issue 6 → issue 4), end to end: a recorded session on a
 * real X screen with a call between two browsers whose fake microphones play tones (agent
 * 440 Hz, customer 880 Hz). The finished recording must hold an Opus track per side that
 * decodes, with ffmpeg, to that side's tone; the player must play both sides (the page's
 * own audio output, analysed while it plays); and a relay killed with SIGKILL mid-call must
 * leave a recovered recording with the voice up to the kill.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { RecordingInfo, RecordingTicket } from '@beacon/shared/api';
import { parseJson } from '@beacon/shared/parse';
import { LoginResponse } from '@beacon/shared/protocol';
import { readTone } from '../../relay-server/src/recording/testing/voice.ts';
import { agentConnect, readDeviceCredentials } from '../harness/flows.ts';
import { AGENT, startRelay, type RelayProcess } from '../harness/Relay.ts';
import { startVoiceStage, type VoiceStage } from '../harness/VoiceStage.ts';

const run = promisify(execFile);
const SIG = { timeout: 180_000 };
const AGENT_HZ = 440;
const CUSTOMER_HZ = 880;
/** Zero crossings over the loud parts; Opus and the microphone processing smear a little. */
const HZ_TOLERANCE = 25;
/** A 20 ms window this loud is the tone (the processing attenuates a steady tone, not to this). */
const LOUD_RMS = 0.004;
const TALK_MS = 4000;
const RELAY_ENV = { BEACON_RECORD_SESSIONS: '1', BEACON_AGENT_ROLE: 'owner' };

let stage: VoiceStage;
let relay: RelayProcess;
let customer: Page;
let agent: Page;
let callId: string | undefined;

async function signIn(): Promise<string> {
  const login = await fetch(new URL('/api/login', relay.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: AGENT.login, password: AGENT.password }) });
  const token = parseJson(LoginResponse, await login.text(), 'login');
  if (!token.ok) throw token.error;
  return token.value.token;
}

async function ticketUrl(sessionId: string, purpose: 'view' | 'download'): Promise<URL> {
  const res = await fetch(new URL(`/api/sessions/${sessionId}/recording/ticket`, relay.url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${await signIn()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ purpose }),
  });
  const t = parseJson(RecordingTicket, await res.text(), 'ticket');
  if (!t.ok) throw t.error;
  return new URL(t.value.url, relay.url);
}

async function recordingOf(sessionId: string): Promise<RecordingInfo> {
  const token = await signIn();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(new URL(`/api/sessions/${sessionId}/recording`, relay.url), { headers: { Authorization: `Bearer ${token}` } });
    const info = parseJson(RecordingInfo, await res.text(), 'recording');
    if (info.ok && (info.value.status === 'ready' || info.value.status === 'failed')) return info.value;
    if (Date.now() > deadline) throw new Error(`the recording of ${sessionId} was not finalised`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The streams ffprobe finds: codec and kind, in file order. */
async function streams(file: string): Promise<{ kind: string; codec: string }[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'csv=p=0', file]);
  return stdout.trim().split('\n').map((line) => {
    const [codec = '', kind = ''] = line.split(',');
    return { kind, codec };
  });
}

/**
 * Where audio stream `index` of `file` starts: its first packet's time (the stream's
 * `start_time` is only guessed from the first few seconds of the file).
 */
async function audioStartS(file: string, index: number): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', `a:${index}`, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], { maxBuffer: 64 * 1024 * 1024 });
  const s = Number(stdout.trim().split('\n')[0]);
  if (!Number.isFinite(s)) throw new Error(`ffprobe gave no start time for audio ${index}: ${stdout}`);
  return s;
}

/**
 * A recorded session with a call the customer places and the agent answers, once the agent
 * sees the screen (so the recording has a picture); returns its ID and when both could talk.
 */
async function startCall(): Promise<{ id: string; talkingFrom: number }> {
  const { deviceId, code } = await readDeviceCredentials(customer);
  await agentConnect(agent, deviceId, code, false);
  await customer.getByTestId('consent-recorded').waitFor({ timeout: 15_000 });
  await customer.getByTestId('consent-accept').click({ timeout: 15_000 });
  const tab = agent.locator('[data-testid="session-tab"][data-state="active"]');
  await tab.waitFor({ timeout: 20_000 });
  const id = (await tab.getAttribute('data-session-id')) ?? '';
  await agent.waitForFunction(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0) >= 1, undefined, { timeout: 15_000 });
  await customer.getByTestId('voice-call').click({ timeout: 10_000 });
  await agent.getByTestId('voice-accept').click({ timeout: 10_000 });
  await customer.locator('[data-testid="voice-panel"][data-state="active"]').waitFor({ timeout: 10_000 });
  await agent.locator('[data-testid="voice-panel"][data-state="active"]').waitFor({ timeout: 10_000 });
  return { id, talkingFrom: Date.now() };
}

/** How long the call has run, in seconds (the clicks that end it take their own time on a busy machine). */
const talkedS = (from: number): number => (Date.now() - from) / 1000;

async function assertVoice(file: string, talkS: number, report: (line: string) => void): Promise<void> {
  const found = await streams(file);
  assert.deepEqual(found.map((s) => `${s.kind}:${s.codec}`).slice(1), ['audio:opus', 'audio:opus'], JSON.stringify(found));
  assert.equal(found[0]?.kind, 'video');
  for (const [index, who, hz] of [[0, 'agent', AGENT_HZ], [1, 'customer', CUSTOMER_HZ]] as const) {
    const tone = await readTone(file, index, LOUD_RMS);
    report(`${who} track: ${tone.hz.toFixed(1)} Hz, loud ${tone.loudS.toFixed(2)} s, decoded ${tone.durationS.toFixed(2)} s, peak rms ${tone.peakRms.toFixed(3)}`);
    assert.ok(Math.abs(tone.hz - hz) < HZ_TOLERANCE, `the ${who}'s track plays ${tone.hz.toFixed(0)} Hz, not ${hz} Hz`);
    assert.ok(tone.loudS > talkS * 0.6, `the ${who}'s tone lasts ${tone.loudS} s of about ${talkS} s of call`);
    assert.ok(tone.durationS < talkS + 2, `the ${who}'s track decodes to ${tone.durationS} s`);
  }
}

describe('voice in the session recording', { concurrency: false }, () => {
  before(async () => {
    stage = await startVoiceStage({
      display: 44,
      agentTone: { hz: AGENT_HZ, seconds: 10 },
      customerTone: { hz: CUSTOMER_HZ, seconds: 10 },
      relayEnv: RELAY_ENV,
    });
    ({ relay, customer, agent } = stage);
  }, SIG);

  after(() => stage?.close());

  test('after a call the recording holds each side’s voice as an Opus track with its tone', SIG, async (t) => {
    const { id, talkingFrom } = await startCall();
    callId = id;
    await new Promise((r) => setTimeout(r, TALK_MS));
    await agent.getByTestId('voice-hangup').click();
    const talkS = talkedS(talkingFrom);
    await agent.getByTestId('end-session').click();
    const info = await recordingOf(id);
    assert.equal(info.status, 'ready', JSON.stringify(info.failure));
    assert.equal(info.voiceTracks, 2);
    await assertVoice(join(relay.dataDir, 'recordings', `${id}.webm`), talkS, (l) => t.diagnostic(l));
  });

  test('the player plays both sides of the call, in step with the recording', SIG, async (t) => {
    assert.ok(callId, 'the call of the first test');
    const main = join(relay.dataDir, 'recordings', `${callId}.webm`);
    // The customer's voice on its own, as the player fetches it: the same tone at the same time.
    const url = await ticketUrl(callId, 'view');
    url.searchParams.set('voice', '1');
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'audio/webm');
    const voiceFile = join(stage.dir, 'customer-voice.webm');
    writeFileSync(voiceFile, new Uint8Array(await res.arrayBuffer()));
    const alone = await readTone(voiceFile, 0, LOUD_RMS);
    // ffmpeg decodes a track from its first packet; where that packet is comes from ffprobe.
    const spokenS = async (index: number) => (await audioStartS(main, index)) + (await readTone(main, index, LOUD_RMS)).firstLoudS;
    const agentFromS = await spokenS(0);
    const customerFromS = await spokenS(1);
    t.diagnostic(`customer voice alone: ${alone.hz.toFixed(1)} Hz from ${alone.firstLoudS.toFixed(2)} s; in the recording from ${customerFromS.toFixed(2)} s (agent from ${agentFromS.toFixed(2)} s)`);
    assert.ok(Math.abs(alone.hz - CUSTOMER_HZ) < HZ_TOLERANCE, `the customer's voice alone plays ${alone.hz} Hz`);
    assert.ok(Math.abs(alone.firstLoudS - customerFromS) < 0.05, `heard from ${alone.firstLoudS} s alone, ${customerFromS} s in the recording`);
    url.searchParams.set('voice', '2');
    assert.equal((await fetch(url)).status, 404, 'a voice the call did not have');
    const download = await ticketUrl(callId, 'download');
    download.searchParams.set('voice', '1');
    assert.equal((await fetch(download)).status, 403, 'a download ticket fetches only the whole file');

    // The page: play from a little before the call, and listen to what the player puts out.
    await agent.goto(`${relay.url}/#/admin/recordings/${callId}`);
    await agent.getByTestId('player-video').waitFor({ timeout: 15_000 });
    // The call is on the timeline: answered just before the voices start, and ended.
    const started = agent.locator('[data-testid="timeline-event"][data-kind="voice-started"]');
    await started.waitFor({ timeout: 15_000 });
    const startedMs = Number(await started.getAttribute('data-media-ms'));
    assert.ok(startedMs <= Math.min(agentFromS, customerFromS) * 1000 + 100 && startedMs > Math.min(agentFromS, customerFromS) * 1000 - 3000, `the call was answered at ${startedMs} ms, heard from ${Math.min(agentFromS, customerFromS)} s`);
    assert.equal(await agent.locator('[data-testid="timeline-event"][data-kind="voice-ended"]').count(), 1);
    await agent.locator('[data-testid="player-voice"][data-voice="1"]').waitFor({ state: 'attached', timeout: 15_000 });
    await agent.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="player-video"]')?.readyState ?? 0) >= 1, undefined, { timeout: 15_000 });
    const fromS = Math.max(0, Math.min(agentFromS, customerFromS) - 1);
    const untilS = Math.max(agentFromS, customerFromS) + 1.5;
    await agent.evaluate((s) => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]');
      if (v) v.currentTime = s;
    }, fromS);
    await agent.getByTestId('player-play').click();
    assert.equal(await agent.getByTestId('player-sound').getAttribute('aria-pressed'), 'true', 'sound is on');
    const heard = await agent.evaluate(
      async ({ untilS, hz }) => {
        const ctx = new AudioContext();
        await ctx.resume();
        const video = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]');
        const voice = document.querySelector<HTMLAudioElement>('[data-testid="player-voice"][data-voice="1"]');
        if (!video || !voice) throw new Error('player elements missing');
        const hzPerBin = ctx.sampleRate / 8192;
        const sides = [
          { el: video as HTMLMediaElement, hz: hz[0]! },
          { el: voice as HTMLMediaElement, hz: hz[1]! },
        ].map(({ el, hz }) => {
          const analyser = ctx.createAnalyser();
          analyser.fftSize = 8192;
          ctx.createMediaElementSource(el).connect(analyser).connect(ctx.destination);
          return { analyser, bin: Math.round(hz / hzPerBin), firstS: -1, peakDb: -200, loudPeakHz: 0 };
        });
        const bins = new Float32Array(4096);
        const deadline = performance.now() + (untilS + 10) * 1000;
        let drift = 0;
        while (video.currentTime < untilS && performance.now() < deadline) {
          await new Promise((r) => setTimeout(r, 40));
          drift = Math.max(drift, Math.abs(voice.currentTime - video.currentTime) * (voice.paused ? 0 : 1));
          for (const s of sides) {
            s.analyser.getFloatFrequencyData(bins);
            let best = 1;
            for (let j = 2; j < bins.length; j++) if (bins[j]! > bins[best]!) best = j;
            const atTone = Math.max(bins[s.bin - 1]!, bins[s.bin]!, bins[s.bin + 1]!);
            if (atTone > -60 && Math.abs(best - s.bin) <= 2) {
              if (s.firstS < 0) s.firstS = video.currentTime;
              s.loudPeakHz = best * hzPerBin;
            }
            s.peakDb = Math.max(s.peakDb, atTone);
          }
        }
        return { sides: sides.map(({ firstS, peakDb, loudPeakHz }) => ({ firstS, peakDb, loudPeakHz })), drift, endS: video.currentTime };
      },
      { untilS, hz: [AGENT_HZ, CUSTOMER_HZ] },
    );
    t.diagnostic(`player output from ${fromS.toFixed(2)} s: ${JSON.stringify(heard)}`);
    const [agentSide, customerSide] = heard.sides;
    // Heard where it was spoken (a window of analysis and the 40 ms polling smear the onset a little).
    assert.ok(agentSide && Math.abs(agentSide.firstS - agentFromS) < 0.4, `the agent's side (in the video) is heard from ${agentSide?.firstS} s, spoken at ${agentFromS.toFixed(2)} s`);
    assert.ok(customerSide && Math.abs(customerSide.firstS - customerFromS) < 0.4, `the customer's side (beside the video) is heard from ${customerSide?.firstS} s, spoken at ${customerFromS.toFixed(2)} s`);
    assert.ok(heard.drift < 0.35, `the customer's voice strayed ${heard.drift} s from the video`);
  });

  test('a relay killed with SIGKILL mid-call leaves the voice in the recovered recording up to the kill', SIG, async (t) => {
    await customer.reload();
    await agent.goto(`${relay.url}/#/`);
    await agent.getByTestId('device-id-input').waitFor({ timeout: 15_000 });
    if (await agent.getByTestId('new-session-button').isVisible().catch(() => false)) await agent.getByTestId('new-session-button').click();
    const { id, talkingFrom } = await startCall();
    await new Promise((r) => setTimeout(r, TALK_MS));
    const killedLog = relay.output().split('\n').filter((l) => l.includes(id));
    const exited = new Promise((r) => relay.proc.once('exit', r));
    relay.proc.kill('SIGKILL');
    const talkS = talkedS(talkingFrom);
    await exited;
    stage.relay = relay = await startRelay(RELAY_ENV, relay.dataDir);
    const info = await recordingOf(id);
    assert.equal(info.status, 'ready', JSON.stringify(info.failure));
    assert.equal(info.isRecovered, true);
    try {
      await assertVoice(join(relay.dataDir, 'recordings', `${id}.webm`), talkS, (l) => t.diagnostic(l));
    } catch (err) {
      // What the killed relay said about this session: whether the recording had its first picture.
      for (const line of killedLog) t.diagnostic(line);
      throw err;
    }
  });
});
