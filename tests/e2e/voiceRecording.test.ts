/**
 * Voice in the session recording (issue 6 → issue 4), end to end: a recorded session on a
 * real X screen with a call between two browsers whose fake microphones play tones (agent
 * 440 Hz, customer 880 Hz). The finished recording must hold an Opus track per side that
 * decodes, with ffmpeg, to that side's tone; and a relay killed with SIGKILL mid-call must
 * leave a recovered recording with the voice up to the kill.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { RecordingInfo } from '@beacon/shared/api';
import { parseJson } from '@beacon/shared/parse';
import { LoginResponse } from '@beacon/shared/protocol';
import { readTone } from '../../relay-server/src/recording/testing/voice.ts';
import { newPage } from '../harness/Browsers.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { AGENT, startRelay, type RelayProcess } from '../harness/Relay.ts';
import { launchVoiceAgentBrowser, launchVoiceCustomerBrowser, MIC_HOOK, writeToneWav } from '../harness/VoiceBrowsers.ts';
import { startXvfb, type XDisplay } from '../harness/Xvfb.ts';

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

let x: XDisplay;
let relay: RelayProcess;
let customerBrowser: Browser;
let agentBrowser: Browser;
let customer: Page;
let agent: Page;
let wavDir: string;

async function recordingOf(sessionId: string): Promise<RecordingInfo> {
  const login = await fetch(new URL('/api/login', relay.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: AGENT.login, password: AGENT.password }) });
  const token = parseJson(LoginResponse, await login.text(), 'login');
  if (!token.ok) throw token.error;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(new URL(`/api/sessions/${sessionId}/recording`, relay.url), { headers: { Authorization: `Bearer ${token.value.token}` } });
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

/** A recorded session with a call the customer places and the agent answers; returns its ID once both talk. */
async function startCall(): Promise<string> {
  const { deviceId, code } = await readDeviceCredentials(customer);
  await agentConnect(agent, deviceId, code, false);
  await customer.getByTestId('consent-recorded').waitFor({ timeout: 15_000 });
  await customer.getByTestId('consent-accept').click({ timeout: 15_000 });
  const tab = agent.locator('[data-testid="session-tab"][data-state="active"]');
  await tab.waitFor({ timeout: 20_000 });
  const id = (await tab.getAttribute('data-session-id')) ?? '';
  await customer.getByTestId('voice-call').click({ timeout: 10_000 });
  await agent.getByTestId('voice-accept').click({ timeout: 10_000 });
  await customer.locator('[data-testid="voice-panel"][data-state="active"]').waitFor({ timeout: 10_000 });
  await agent.locator('[data-testid="voice-panel"][data-state="active"]').waitFor({ timeout: 10_000 });
  return id;
}

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
    wavDir = mkdtempSync(join(tmpdir(), 'beacon-voicerec-'));
    writeToneWav(join(wavDir, 'agent.wav'), { hz: AGENT_HZ, seconds: 10 });
    writeToneWav(join(wavDir, 'customer.wav'), { hz: CUSTOMER_HZ, seconds: 10 });
    x = await startXvfb(1280, 720, 44);
    relay = await startRelay(RELAY_ENV);
    customerBrowser = await launchVoiceCustomerBrowser(x.display, join(wavDir, 'customer.wav'));
    agentBrowser = await launchVoiceAgentBrowser(join(wavDir, 'agent.wav'));
    customer = await openCustomer(customerBrowser, relay.url, { inject: async () => Date.now() }, [MIC_HOOK]);
    agent = await newPage(agentBrowser);
    await agent.addInitScript(MIC_HOOK);
    await agentSignIn(agent, relay.url);
  }, SIG);

  after(async () => {
    await agentBrowser?.close().catch(() => undefined);
    await customerBrowser?.close().catch(() => undefined);
    await relay?.stop();
    await x?.close();
    if (wavDir) rmSync(wavDir, { recursive: true, force: true });
  });

  test('after a call the recording holds each side’s voice as an Opus track with its tone', SIG, async (t) => {
    const id = await startCall();
    await new Promise((r) => setTimeout(r, TALK_MS));
    await agent.getByTestId('voice-hangup').click();
    await agent.getByTestId('end-session').click();
    const info = await recordingOf(id);
    assert.equal(info.status, 'ready', JSON.stringify(info.failure));
    await assertVoice(join(relay.dataDir, 'recordings', `${id}.webm`), TALK_MS / 1000, (l) => t.diagnostic(l));
  });

  test('a relay killed with SIGKILL mid-call leaves the voice in the recovered recording up to the kill', SIG, async (t) => {
    await customer.reload();
    await agent.goto(`${relay.url}/#/`);
    await agent.getByTestId('device-id-input').waitFor({ timeout: 15_000 });
    if (await agent.getByTestId('new-session-button').isVisible().catch(() => false)) await agent.getByTestId('new-session-button').click();
    const id = await startCall();
    await new Promise((r) => setTimeout(r, TALK_MS));
    const exited = new Promise((r) => relay.proc.once('exit', r));
    relay.proc.kill('SIGKILL');
    await exited;
    relay = await startRelay(RELAY_ENV, relay.dataDir);
    const info = await recordingOf(id);
    assert.equal(info.status, 'ready', JSON.stringify(info.failure));
    assert.equal(info.isRecovered, true);
    await assertVoice(join(relay.dataDir, 'recordings', `${id}.webm`), TALK_MS / 1000, (l) => t.diagnostic(l));
  });
});
