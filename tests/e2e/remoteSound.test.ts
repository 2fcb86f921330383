/**
 * Remote sound (issue 13), end to end: the customer's PC plays a tone into a PulseAudio null
 * sink (a PulseAudio server of the test's own), the customer page in a real Chromium (no fake
 * audio devices: it sees that server's sources) captures the sink's monitor through the source
 * main prepares (customer-portable/src/node/pulseSoundSource.ts, run here by the test bridge
 * the way Electron main runs it), and the agent hears the tone through the relay. The tone is
 * measured on the agent's side as played; the session recording must hold it as an Opus track.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { RecordingInfo } from '@beacon/shared/api';
import { parseJson } from '@beacon/shared/parse';
import { LoginResponse } from '@beacon/shared/protocol';
import { execRunner, PulseSoundSource } from '../../customer-portable/src/node/pulseSoundSource.ts';
import { readTone } from '../../relay-server/src/recording/testing/voice.ts';
import { BASE_ARGS, CHROMIUM, newPage } from '../harness/Browsers.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { startPulseServer, type PulseServer } from '../harness/PulseServer.ts';
import { AGENT, startRelay, type RelayProcess } from '../harness/Relay.ts';
import { listen } from '../harness/VoiceBrowsers.ts';
import { startXvfb, type XDisplay } from '../harness/Xvfb.ts';

const run = promisify(execFile);
const SIG = { timeout: 180_000 };
const PC_HZ = 660;
/** Half an FFT bin at 8192 points is about 3 Hz; Opus smears a little more. */
const HZ_TOLERANCE = 25;
const HEARD_RMS = 0.01;
const LOUD_RMS = 0.01;
const AUDIO_ARGS = ['--autoplay-policy=no-user-gesture-required'];

let pulse: PulseServer;
let x: XDisplay;
let relay: RelayProcess;
let customerBrowser: Browser;
let agentBrowser: Browser;
let customer: Page;
let agent: Page;
let sound: PulseSoundSource;

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

describe('remote sound: the agent hears the customer PC', { concurrency: false }, () => {
  before(async () => {
    pulse = await startPulseServer();
    x = await startXvfb(1280, 720, 48);
    relay = await startRelay({ BEACON_RECORD_SESSIONS: '1', BEACON_AGENT_ROLE: 'owner' });
    // The customer's Chromium sees the test's PulseAudio server and nothing fake; the permission prompt is answered yes.
    customerBrowser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: false,
      args: [...BASE_ARGS, ...AUDIO_ARGS, '--use-fake-ui-for-media-stream', '--auto-select-desktop-capture-source=Entire', '--window-position=0,0', '--window-size=800,600'],
      env: { ...pulse.env, DISPLAY: x.display },
    });
    agentBrowser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...BASE_ARGS, ...AUDIO_ARGS] });
    sound = new PulseSoundSource(execRunner(pulse.env));
    customer = await openCustomer(customerBrowser, relay.url, { inject: async () => Date.now(), sound: { prepare: () => sound.prepare(), release: () => sound.release() } });
    agent = await newPage(agentBrowser);
    await agentSignIn(agent, relay.url);
  }, SIG);

  after(async () => {
    await agentBrowser?.close().catch(() => undefined);
    await customerBrowser?.close().catch(() => undefined);
    await relay?.stop();
    await x?.close();
    await pulse?.stop();
  });

  test('the agent asks, the customer allows, the agent hears the PC’s tone, and the recording keeps it', SIG, async (t) => {
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code, false);
    await customer.getByTestId('consent-accept').click({ timeout: 15_000 });
    const tab = agent.locator('[data-testid="session-tab"][data-state="active"]');
    await tab.waitFor({ timeout: 20_000 });
    const sessionId = (await tab.getAttribute('data-session-id')) ?? '';
    await agent.waitForFunction(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0) >= 1, undefined, { timeout: 15_000 });

    // Off by default: nothing plays until the agent asks and the customer allows.
    assert.equal(await customer.getByTestId('sound-notice').count(), 0);
    pulse.playTone(PC_HZ, 60);
    await agent.getByTestId('sound-listen').click();
    await customer.locator('[data-testid="sound-notice"][data-state="asking"]').waitFor({ timeout: 10_000 });
    await customer.getByTestId('sound-allow').click();
    await customer.locator('[data-testid="sound-notice"][data-state="on"]').waitFor({ timeout: 15_000 });
    await agent.locator('[data-testid="sound-status"][data-state="on"]').waitFor({ timeout: 10_000 });
    await agent.waitForFunction(() => (document.querySelector('[data-testid="remote-sound-audio"]') as HTMLAudioElement | null)?.srcObject, null, { timeout: 10_000 });
    const heardFrom = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const heard = await listen(agent, 2500, 'remote-sound-audio');
    t.diagnostic(`agent hears ${heard.peakHz.toFixed(1)} Hz at rms ${heard.rms.toFixed(4)}`);
    assert.ok(Math.abs(heard.peakHz - PC_HZ) < HZ_TOLERANCE, `the agent hears ${heard.peakHz} Hz, not the PC's ${PC_HZ} Hz`);
    assert.ok(heard.rms > HEARD_RMS, `the PC's tone is heard (rms ${heard.rms})`);
    const playedS = (Date.now() - heardFrom) / 1000;

    // The customer stops it from the bar; the agent is told and can ask again.
    await customer.getByTestId('sound-stop').click();
    await agent.getByTestId('sound-listen').waitFor({ timeout: 10_000 });
    assert.equal(await customer.getByTestId('sound-notice').count(), 0);

    await agent.getByTestId('end-session').click();
    const info = await recordingOf(sessionId);
    assert.equal(info.status, 'ready', JSON.stringify(info.failure));
    const file = join(relay.dataDir, 'recordings', `${sessionId}.webm`);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'csv=p=0', file]);
    const kinds = stdout.trim().split('\n').map((line) => line.split(',').reverse().join(':'));
    assert.ok(kinds[0]?.startsWith('video:'), `streams: ${stdout}`);
    assert.deepEqual(kinds.slice(1), ['audio:opus'], `streams: ${stdout}`);
    // No call ran: the one audio track is the PC's sound.
    const tone = await readTone(file, 0, LOUD_RMS);
    t.diagnostic(`sound track: ${tone.hz.toFixed(1)} Hz, loud ${tone.loudS.toFixed(2)} s of about ${playedS.toFixed(1)} s heard`);
    assert.ok(Math.abs(tone.hz - PC_HZ) < HZ_TOLERANCE, `the recording's sound plays ${tone.hz} Hz`);
    assert.ok(tone.loudS > playedS * 0.5, `the sound lasts ${tone.loudS} s in the recording`);
  });
});
