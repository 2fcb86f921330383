/**
 * Voice-only sessions (issue 6, "the customer's first call for help"), end to end: the agent
 * ticks "voice only", the customer's dialog asks for a call (not the screen), and on Accept
 * the call starts by itself. The screen is never captured (getDisplayMedia is counted in the
 * customer page), the tones are heard both ways, the agent's tab has no canvas, and the chat
 * still works.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { agentConnect, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import type { RelayProcess } from '../harness/Relay.ts';
import { listen } from '../harness/VoiceBrowsers.ts';
import { startVoiceStage, type VoiceStage } from '../harness/VoiceStage.ts';
import { query } from '../harness/db.ts';

const SIG = { timeout: 120_000 };
const AGENT_HZ = 440;
const CUSTOMER_HZ = 880;
const HZ_TOLERANCE = 25;
const HEARD_RMS = 0.005;

/** Counts screen capture requests: a voice-only session must never make one. */
const DISPLAY_HOOK = `(() => {
  window.__displayRequests = 0;
  const md = navigator.mediaDevices;
  const original = md.getDisplayMedia.bind(md);
  md.getDisplayMedia = (c) => {
    window.__displayRequests++;
    return original(c);
  };
})();`;

let stage: VoiceStage;
let relay: RelayProcess;
let customer: Page;
let agent: Page;
/** The voice-only session (a second, screen session runs beside it for a while). */
let voiceOnlyId: string | undefined;

const counter = (page: Page, name: '__displayRequests' | '__micRequests') => page.evaluate((n) => (window as unknown as Record<string, number>)[n] ?? -1, name);

async function hears(page: Page): Promise<{ rms: number; peakHz: number }> {
  await page.waitForFunction(() => (document.querySelector('[data-testid="voice-remote-audio"]') as HTMLAudioElement | null)?.srcObject, null, { timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 1000));
  return listen(page, 2500);
}

describe('voice-only session through the relay', { concurrency: false }, () => {
  before(async () => {
    stage = await startVoiceStage({
      display: 41,
      agentTone: { hz: AGENT_HZ, seconds: 10 },
      customerTone: { hz: CUSTOMER_HZ, seconds: 10, burst: { onMs: 300, periodMs: 1000 } },
      customerHooks: [DISPLAY_HOOK],
    });
    ({ relay, customer, agent } = stage);
  }, SIG);

  after(() => stage?.close());

  test('the customer is asked for a voice call, not for the screen', SIG, async () => {
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agent.getByTestId('device-id-input').fill(deviceId);
    await agent.getByTestId('code-input').fill(code);
    await agent.getByTestId('connect-voice-only').check();
    assert.equal(await agent.getByTestId('control-checkbox').isDisabled(), true, 'no control to ask for in a call');
    await agent.getByTestId('connect-submit').click();
    await agent.getByTestId('voice-only-view').waitFor({ timeout: 15_000 });

    const ask = customer.getByTestId('consent-permissions');
    await ask.waitFor({ timeout: 15_000 });
    assert.equal(await ask.getAttribute('data-mode'), 'voice');
    assert.match(await customer.getByTestId('consent-dialog').innerText(), /voice call/i);
    assert.match(await customer.getByTestId('consent-no-screen').innerText(), /not shared/);
    assert.equal(await counter(customer, '__micRequests'), 0, 'no microphone before Accept');
  });

  test('on Accept the call starts by itself, without any screen capture, and both hear each other', SIG, async () => {
    await customer.getByTestId('consent-accept').click();
    await customer.locator('[data-testid="session-bar"][data-mode="voice"]').waitFor({ timeout: 15_000 });
    await agent.locator('[data-testid="voice-panel"][data-state="active"]').waitFor({ timeout: 15_000 });
    await customer.locator('[data-testid="voice-panel"][data-state="active"]').waitFor({ timeout: 15_000 });
    assert.equal(await counter(agent, '__micRequests'), 1, 'the agent’s connect rang the customer');
    assert.equal(await counter(customer, '__micRequests'), 1, 'accepting the session answered the call');

    const [atAgent, atCustomer] = await Promise.all([hears(agent), hears(customer)]);
    assert.ok(atAgent.rms > HEARD_RMS, `the agent hears the customer (rms ${atAgent.rms})`);
    assert.ok(Math.abs(atAgent.peakHz - CUSTOMER_HZ) < HZ_TOLERANCE, `the agent hears ${atAgent.peakHz} Hz, not ${CUSTOMER_HZ}`);
    assert.ok(atCustomer.rms > HEARD_RMS, `the customer hears the agent (rms ${atCustomer.rms})`);
    assert.ok(Math.abs(atCustomer.peakHz - AGENT_HZ) < HZ_TOLERANCE, `the customer hears ${atCustomer.peakHz} Hz, not ${AGENT_HZ}`);

    assert.equal(await counter(customer, '__displayRequests'), 0, 'the screen was never captured');
    assert.equal(await agent.getByTestId('session-canvas').count(), 0, 'the agent’s tab has no screen');
    assert.equal(await agent.getByTestId('voice-only-badge').count(), 1);
    assert.equal(await agent.getByTestId('screenshot-button').isDisabled(), true);
  });

  test('the chat works in a voice-only session', SIG, async () => {
    await customer.getByTestId('session-panel-toggle').waitFor({ timeout: 5000 });
    const input = customer.getByTestId('chat-input');
    if (!(await input.isVisible())) await customer.getByTestId('session-panel-toggle').click();
    await input.fill('my speakers are silent');
    await customer.getByTestId('chat-send').click();
    await agent.getByTestId('chat-message').filter({ hasText: 'my speakers are silent' }).waitFor({ timeout: 10_000 });
  });

  test('while the agent talks here, their other session cannot place a call and says why', SIG, async () => {
    const firstId = await agent.locator('[data-testid="session-tab"][aria-selected="true"]').getAttribute('data-session-id');
    assert.ok(firstId);
    voiceOnlyId = firstId;
    const second = await openCustomer(stage.customerBrowser, relay.url, { inject: async () => Date.now() });
    try {
      await agent.getByTestId('new-session-button').click();
      await agent.getByTestId('connect-voice-only').setChecked(false);
      const { deviceId, code } = await readDeviceCredentials(second);
      await agentConnect(agent, deviceId, code, false);
      await second.getByTestId('consent-accept').click({ timeout: 15_000 });
      const panel = agent.locator('[data-testid="voice-panel"][data-state="idle"]');
      await panel.waitFor({ timeout: 15_000 });
      assert.equal(await panel.getByTestId('voice-call').isDisabled(), true, 'no second call while one runs');
      await panel.getByTestId('voice-busy-elsewhere').waitFor({ timeout: 5000 });
      // The first call goes on meanwhile.
      assert.equal(await agent.locator(`[data-testid="session-tab"][data-session-id="${firstId}"]`).count(), 1);
      await agent.getByTestId('end-session').click();
      await agent.getByTestId('session-tab-close').click({ timeout: 10_000 });
    } finally {
      await second.close();
    }
    await agent.locator(`[data-testid="session-tab"][data-session-id="${firstId}"]`).click();
    await agent.locator('[data-testid="voice-panel"][data-state="active"]').waitFor({ timeout: 5000 });
  });

  test('the agent ends the session: the customer is back to the start, still never captured', SIG, async () => {
    await agent.getByTestId('end-session').click();
    await customer.getByTestId('device-id').waitFor({ timeout: 10_000 });
    await agent.locator('[data-testid="voice-only-view"][data-state="ended"]').waitFor({ timeout: 10_000 });
    assert.equal(await agent.getByTestId('connect-voice-only').isChecked(), true, 'connecting again asks for a call again');
    assert.equal(await counter(customer, '__displayRequests'), 0);
  });

  test('the recording of a voice-only session is an audio file with both voices', SIG, async () => {
    assert.ok(voiceOnlyId, 'the voice-only session of the earlier tests');
    const found = await query<{ session_id: string; status: string; codec: string | null; file_name: string | null; width: number | null }>(
      relay,
      'SELECT session_id, status, codec, file_name, width FROM recordings WHERE session_id = ?',
      [voiceOnlyId],
    );
    let row = found[0];
    for (let i = 0; i < 100 && row && row.status !== 'ready' && row.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      row = (await query<typeof row>(relay, 'SELECT session_id, status, codec, file_name, width FROM recordings WHERE session_id = ?', [row.session_id]))[0];
    }
    assert.ok(row, 'the session was recorded');
    assert.equal(row.status, 'ready');
    assert.equal(row.codec, 'opus');
    assert.equal(row.width, null);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'csv=p=0', join(relay.dataDir, 'recordings', row.file_name ?? '')]);
    assert.deepEqual(stdout.trim().split('\n').sort(), ['opus,audio', 'opus,audio']);
  });
});

const run = promisify(execFile);

