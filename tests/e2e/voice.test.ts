/**
 * Two-way voice (issue 6), end to end: the real relay forwarding WebRTC audio tracks between
 * the customer page and the agent console, each browser with a fake microphone playing a
 * tone (agent 440 Hz steady, customer 880 Hz bursts). What each side hears is measured on
 * the far end's track as played, with an AnalyserNode.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { agentConnect, readDeviceCredentials } from '../harness/flows.ts';
import { listen, matchBursts, readOnsets, startOnsets } from '../harness/VoiceBrowsers.ts';
import { startVoiceStage, type VoiceStage } from '../harness/VoiceStage.ts';
import { CTL_HOOK, sendRawCtl as sendRawCtlTo } from '../harness/rawCtl.ts';

const SIG = { timeout: 120_000 };
const AGENT_HZ = 440;
const CUSTOMER_HZ = 880;
/** Half an FFT bin at 8192 points and 48 kHz is about 3 Hz; Opus and the processing smear a little more. */
const HZ_TOLERANCE = 25;
/** A tone that got through (the microphone processing attenuates a steady tone, but not to this). */
const HEARD_RMS = 0.005;
const SILENT_RMS = 0.001;

let stage: VoiceStage;
let customer: Page;
let agent: Page;
let sessionId = '';

const micRequests = (page: Page) => page.evaluate(() => (window as unknown as { __micRequests: number }).__micRequests);
const voiceState = (page: Page) => page.getByTestId('voice-panel').getAttribute('data-state');

const sendRawCtl = (msg: unknown): Promise<{ code: string }> => sendRawCtlTo(agent, msg);

describe('two-way voice through the relay', { concurrency: false }, () => {
  before(async () => {
    stage = await startVoiceStage({
      display: 40,
      agentTone: { hz: AGENT_HZ, seconds: 10 },
      customerTone: { hz: CUSTOMER_HZ, seconds: 10, burst: { onMs: 300, periodMs: 1000 } },
      agentHooks: [CTL_HOOK],
    });
    ({ customer, agent } = stage);
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code, false);
    await customer.getByTestId('consent-accept').click({ timeout: 15_000 });
    const tab = agent.locator('[data-testid="session-tab"][data-state="active"]');
    await tab.waitFor({ timeout: 20_000 });
    sessionId = (await tab.getAttribute('data-session-id')) ?? '';
    await agent.getByTestId('voice-call').waitFor({ timeout: 10_000 });
    await customer.getByTestId('voice-call').waitFor({ timeout: 10_000 });
  }, SIG);

  after(() => stage?.close());

  test('the customer declines the agent’s call without the microphone ever being asked for', SIG, async () => {
    assert.equal(await micRequests(agent), 0, 'nobody asks for the microphone before a call');
    await agent.getByTestId('voice-call').click();
    await customer.getByTestId('voice-incoming').waitFor({ timeout: 10_000 });
    assert.equal(await micRequests(agent), 1, 'the caller asks for the microphone when calling');
    assert.equal(await micRequests(customer), 0, 'the callee is not asked before answering');
    await customer.getByTestId('voice-decline').click();
    await agent.locator('[data-testid="voice-notice"][data-notice="declined"]').waitFor({ timeout: 10_000 });
    assert.equal(await micRequests(customer), 0);
    assert.equal(await voiceState(customer), 'idle');
  });

  test('the customer calls, the agent accepts, and each hears the other’s tone', SIG, async () => {
    await customer.getByTestId('voice-call').click();
    await agent.getByTestId('voice-incoming').waitFor({ timeout: 10_000 });
    // The session's tab says a call is ringing, so it is seen from any tab.
    await agent.getByTestId('tab-ringing').waitFor({ timeout: 5000 });
    await agent.getByTestId('voice-accept').click();
    await customer.locator('[data-testid="voice-panel"][data-state="active"]').waitFor({ timeout: 10_000 });
    await agent.getByTestId('tab-ringing').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await micRequests(customer), 1);
    const [atAgent, atCustomer] = await Promise.all([
      (async () => {
        await agent.waitForFunction(() => (document.querySelector('[data-testid="voice-remote-audio"]') as HTMLAudioElement | null)?.srcObject, null, { timeout: 10_000 });
        await new Promise((r) => setTimeout(r, 1000));
        return listen(agent, 2500);
      })(),
      (async () => {
        await customer.waitForFunction(() => (document.querySelector('[data-testid="voice-remote-audio"]') as HTMLAudioElement | null)?.srcObject, null, { timeout: 10_000 });
        await new Promise((r) => setTimeout(r, 1000));
        return listen(customer, 2500);
      })(),
    ]);
    assert.ok(atAgent.rms > HEARD_RMS, `the agent hears the customer (rms ${atAgent.rms})`);
    assert.ok(Math.abs(atAgent.peakHz - CUSTOMER_HZ) < HZ_TOLERANCE, `the agent hears ${atAgent.peakHz} Hz, not ${CUSTOMER_HZ}`);
    assert.ok(atCustomer.rms > HEARD_RMS, `the customer hears the agent (rms ${atCustomer.rms})`);
    assert.ok(Math.abs(atCustomer.peakHz - AGENT_HZ) < HZ_TOLERANCE, `the customer hears ${atCustomer.peakHz} Hz, not ${AGENT_HZ}`);
    // The level meter and speaking light follow the microphone.
    await agent.locator('[data-testid="voice-speaking"][data-on="true"]').waitFor({ timeout: 5000 });
    assert.ok(Number(await agent.getByTestId('voice-level').getAttribute('value')) > 0);
    // Echo cancellation can only work if the microphone runs with it and the far end plays from
    // the peer connection's remote track (Chromium's AEC takes its reference from that playout).
    for (const [who, page] of [['agent', agent], ['customer', customer]] as const) {
      const setup = await page.evaluate(() => {
        const mic = (window as unknown as { __mic?: MediaStream }).__mic?.getAudioTracks()[0];
        const s = mic?.getSettings() ?? {};
        const out = document.querySelector<HTMLAudioElement>('[data-testid="voice-remote-audio"]');
        const remote = out?.srcObject instanceof MediaStream ? out.srcObject.getAudioTracks()[0] : undefined;
        return { aec: s.echoCancellation, ns: s.noiseSuppression, agc: s.autoGainControl, remote: remote?.readyState ?? null, isPlaying: out ? !out.paused : false };
      });
      assert.deepEqual(setup, { aec: true, ns: true, agc: true, remote: 'live', isPlaying: true }, `the ${who}'s audio processing and playout`);
    }
  });

  // The latency's size is a benchmark (`npm run bench -- --only voice`); here, the bursts the
  // customer speaks come out at the agent as bursts, each under a second after it was said.
  test('the customer’s speech reaches the agent live, burst by burst', SIG, async (t) => {
    await Promise.all([startOnsets(customer, 'mic'), startOnsets(agent, 'remote')]);
    await new Promise((r) => setTimeout(r, 7500));
    const [sent, heard] = await Promise.all([readOnsets(customer), readOnsets(agent)]);
    const delays = matchBursts(sent, heard).sort((a, b) => a - b);
    assert.ok(sent.length >= 5, `the customer's microphone gave ${sent.length} bursts`);
    assert.ok(delays.length >= Math.ceil(sent.length / 2), `bursts matched: sent ${sent.length}, heard ${heard.length}, matched ${delays.length}`);
    t.diagnostic(`voice latency, microphone capture to far-end playout: median ${delays[Math.floor(delays.length / 2)]!.toFixed(0)} ms over ${delays.length} bursts`);
  });

  test('mute silences the customer on the agent’s side, and unmute brings it back', SIG, async () => {
    await customer.getByTestId('voice-mute').click();
    await agent.getByTestId('voice-remote-muted').waitFor({ timeout: 5000 });
    await new Promise((r) => setTimeout(r, 500));
    const muted = await listen(agent, 2000);
    assert.ok(muted.rms < SILENT_RMS, `muted, the agent still hears rms ${muted.rms}`);
    await customer.getByTestId('voice-mute').click();
    await agent.getByTestId('voice-remote-muted').waitFor({ state: 'detached', timeout: 5000 });
    await new Promise((r) => setTimeout(r, 500));
    const back = await listen(agent, 2000);
    assert.ok(back.rms > HEARD_RMS, `unmuted, the agent hears rms ${back.rms}`);
  });

  test('malformed or unauthorized voice messages get an error reply and the call goes on', SIG, async () => {
    assert.equal((await sendRawCtl({ type: 'voice-mute', sessionId, isMuted: 'yes' })).code, 'bad-message');
    assert.equal((await sendRawCtl({ type: 'voice-request', sessionId: 'no-such-session-1' })).code, 'not-found');
    assert.equal((await sendRawCtl({ type: 'voice-accept', sessionId })).code, 'not-allowed');
    assert.equal((await sendRawCtl({ type: 'voice-request', sessionId })).code, 'conflict');
    assert.equal(await voiceState(agent), 'active');
    assert.equal(await voiceState(customer), 'active');
    const still = await listen(agent, 1500);
    assert.ok(still.rms > HEARD_RMS, `the call goes on (rms ${still.rms})`);
    assert.equal(await agent.locator('[data-testid="session-tab"][data-state="active"]').count(), 1);
  });

  test('the agent hangs up: the customer is told and hears nothing more', SIG, async () => {
    await agent.getByTestId('voice-hangup').click();
    await customer.locator('[data-testid="voice-notice"][data-notice="ended"]').waitFor({ timeout: 5000 });
    await new Promise((r) => setTimeout(r, 500));
    const after = await listen(customer, 1500);
    assert.ok(after.rms < SILENT_RMS, `after hang-up the customer hears rms ${after.rms}`);
    // Both can call again.
    await customer.getByTestId('voice-call').waitFor({ timeout: 5000 });
    await agent.getByTestId('voice-call').waitFor({ timeout: 5000 });
  });
});
