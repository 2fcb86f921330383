/**
 * Voice with every agent of a session (issue 12, capability `voice-multi`), end to end: the
 * real relay forwarding each speaker's WebRTC audio to each listener, no mixing. Each browser's
 * fake microphone plays a tone: customer 880 Hz, the session's agent (Alice) 440 Hz, the
 * colleague she invites (Carol) 660 Hz. The customer calls, Alice answers, Carol joins the call:
 * Carol hears 880 (her voice line) and 440 (a listen line); the customer hears 440 (its voice
 * line) and 660 (a listen line); Carol's mute takes 660 away at the customer. What each hears is
 * measured on the `<audio>` elements as played, with an AnalyserNode. No timing is asserted.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Seat } from '@beacon/shared/api';
import { LoginResponse } from '@beacon/shared/protocol';
import { newPage } from '../harness/Browsers.ts';
import { AGENT } from '../harness/Relay.ts';
import { agentConnect, agentSignIn, readDeviceCredentials } from '../harness/flows.ts';
import { relayApi } from '../harness/relayApi.ts';
import { HEARING, launchVoiceAgentBrowser, listen, MIC_HOOK, writeToneWav, type HeardAudio } from '../harness/VoiceBrowsers.ts';
import { startVoiceStage, type VoiceStage } from '../harness/VoiceStage.ts';

const SIG = { timeout: 180_000 };
const TONES = { customer: 880, agent: 440, colleague: 660 } as const;
const CUSTOMER_HZ = TONES.customer;
const AGENT_HZ = TONES.agent;
const COLLEAGUE_HZ = TONES.colleague;
const { hzTolerance: HZ_TOLERANCE, heardRms: HEARD_RMS } = HEARING;
const CAROL = { login: 'carol', password: 'carol pass phrase 3', name: 'Carol Wu' };

let stage: VoiceStage;
let customer: Page;
let alice: Page;
let carolBrowser: Browser | null = null;
let carol: Page;
let carolId = 0;
let token = '';

const api = relayApi(() => stage.relay.url, () => token);

/** Waits until the page's `<audio>` (by test ID, the first of them) plays a stream, then listens to it. */
async function hears(page: Page, testId: string, ms = 2500): Promise<HeardAudio> {
  await page.waitForFunction((id) => (document.querySelector(`[data-testid="${id}"]`) as HTMLAudioElement | null)?.srcObject, testId, { timeout: 15_000 });
  await new Promise((r) => setTimeout(r, 1000));
  return listen(page, ms, testId);
}

function assertTone(heard: HeardAudio, hz: number, what: string): void {
  assert.ok(heard.rms > HEARD_RMS, `${what}: rms ${heard.rms}`);
  assert.ok(Math.abs(heard.peakHz - hz) < HZ_TOLERANCE, `${what}: ${heard.peakHz} Hz heard, not ${hz}`);
}

describe('voice with several agents in one session', { concurrency: false }, () => {
  before(async () => {
    stage = await startVoiceStage({
      display: 47,
      agentTone: { hz: AGENT_HZ, seconds: 10 },
      customerTone: { hz: CUSTOMER_HZ, seconds: 10 },
      relayEnv: { BEACON_AGENT_ROLE: 'owner' },
    });
    ({ customer, agent: alice } = stage);
    token = (await api('POST', '/api/login', LoginResponse, { login: AGENT.login, password: AGENT.password })).token;
    carolId = (await api('POST', '/api/seats', Seat, { login: CAROL.login, displayName: CAROL.name, password: CAROL.password, role: 'agent', groupIds: [], concurrencyLimit: 2 })).id;
    const wav = join(stage.dir, 'colleague.wav');
    writeToneWav(wav, { hz: COLLEAGUE_HZ, seconds: 10 });
    carolBrowser = await launchVoiceAgentBrowser(wav);
    carol = await newPage(carolBrowser);
    await carol.addInitScript(MIC_HOOK);
    await agentSignIn(carol, stage.relay.url, CAROL);
    await carol.getByTestId('desk-state').selectOption('busy');
    await carol.locator('[data-testid="desk-controls"][data-state="busy"]').waitFor({ timeout: 10_000 });

    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(alice, deviceId, code, false);
    await customer.getByTestId('consent-accept').click({ timeout: 15_000 });
    await alice.locator('[data-testid="session-tab"][data-state="active"]').waitFor({ timeout: 20_000 });
  }, SIG);

  after(async () => {
    await carolBrowser?.close().catch(() => undefined);
    await stage?.close();
  });

  test('the customer calls, Alice answers, and Alice invites Carol into the session', SIG, async () => {
    await alice.getByTestId('voice-call').waitFor({ timeout: 15_000 });
    await customer.getByTestId('voice-call').click();
    // Generous: five helpers share this machine's two cores.
    await alice.getByTestId('voice-incoming').waitFor({ timeout: 30_000 });
    await alice.getByTestId('voice-accept').click({ timeout: 10_000 });
    await customer.locator('[data-testid="voice-panel"][data-state="active"]').waitFor({ timeout: 20_000 });

    await alice.getByTestId('multi-invite-open').click();
    const select = alice.getByTestId('multi-invite-agent');
    await select.locator(`option[value="${carolId}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    await select.selectOption(String(carolId));
    await alice.getByTestId('multi-invite-send').click();
    await carol.getByTestId('multi-invitation-accept').click({ timeout: 10_000 });
    await carol.locator('[data-testid="session-tab"][data-state="active"]').waitFor({ timeout: 15_000 });
    assert.equal(await carol.getByTestId('voice-call').count(), 0, 'a guest joins the call; it does not start one');
  });

  test('Carol joins the call: she hears the customer and Alice, the customer hears Alice and Carol', SIG, async () => {
    await carol.getByTestId('voice-join').click({ timeout: 10_000 });
    await carol.locator('[data-testid="voice-panel"][data-state="active"]').waitFor({ timeout: 10_000 });
    await customer.locator(`[data-testid="voice-member"][data-id="${carolId}"]`).waitFor({ timeout: 10_000 });
    await alice.locator(`[data-testid="voice-member"][data-id="${carolId}"]`).waitFor({ timeout: 10_000 });
    const [carolMain, customerMain] = await Promise.all([hears(carol, 'voice-remote-audio'), hears(customer, 'voice-remote-audio')]);
    assertTone(carolMain, CUSTOMER_HZ, 'Carol hears the customer on her voice line');
    assertTone(customerMain, AGENT_HZ, 'the customer hears Alice as before');
    const [carolListen, customerListen] = await Promise.all([hears(carol, 'voice-listen-audio'), hears(customer, 'voice-listen-audio')]);
    assertTone(carolListen, AGENT_HZ, 'Carol hears Alice on a listen line');
    assertTone(customerListen, COLLEAGUE_HZ, 'the customer hears Carol on a listen line');
    assertTone(await hears(alice, 'voice-listen-audio'), COLLEAGUE_HZ, 'Alice hears Carol on a listen line');
  });

  test('Carol mutes: everyone sees it and the customer no longer hears 660 Hz, while Alice is still heard', SIG, async () => {
    await carol.getByTestId('voice-mute').click();
    await customer.locator(`[data-testid="voice-member"][data-id="${carolId}"][data-muted="true"]`).waitFor({ timeout: 10_000 });
    await alice.locator(`[data-testid="voice-member"][data-id="${carolId}"][data-muted="true"]`).waitFor({ timeout: 10_000 });
    // The receiver conceals the last packets for a moment after they stop; let that fade first.
    await new Promise((r) => setTimeout(r, 1500));
    const muted = await listen(customer, 2000, 'voice-listen-audio');
    assert.ok(muted.rms < HEARD_RMS / 2, `Carol muted, the customer still hears rms ${muted.rms} (${muted.peakHz} Hz) on her line`);
    assertTone(await listen(customer, 2000), AGENT_HZ, 'the customer still hears Alice');
  });

  test('Carol leaves the call: Alice and the customer go on talking', SIG, async () => {
    await carol.getByTestId('voice-hangup').click();
    await carol.locator('[data-testid="voice-panel"][data-state="idle"]').waitFor({ timeout: 10_000 });
    await customer.locator(`[data-testid="voice-member"][data-id="${carolId}"]`).waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await customer.getByTestId('voice-panel').getAttribute('data-state'), 'active');
    assertTone(await listen(customer, 2000), AGENT_HZ, 'the customer still hears Alice');
    assertTone(await listen(alice, 2000), CUSTOMER_HZ, 'Alice still hears the customer');
  });
});
