/**
 * A session that starts on the camera, end to end (issue 12, capability `camera-first`): a real
 * X screen painted one flat colour, the real relay recording sessions, a customer browser whose
 * camera is a moving pattern (tests/harness/syntheticCamera.ts) and the agent's console. The agent
 * connects choosing "camera"; the customer's dialog asks for the camera, not the screen; after
 * Accept the agent's canvas shows the camera and never the screen, the customer's page never
 * captured the screen, and its bar says the camera is shown; the agent draws on the picture and
 * chats; the screen comes only after its own consent; the recording decodes with frames.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { LoginResponse } from '@beacon/shared/protocol';
import { newPage } from '../harness/Browsers.ts';
import { AGENT } from '../harness/Relay.ts';
import { relayApi } from '../harness/relayApi.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { waitFor } from '../harness/waitFor.ts';
import { drawOnCamera, endAndCountRecordedFrames } from '../harness/guidanceFlows.ts';
import { CAMERA_RGB, DISPLAY_SPY, SCREEN_HTML, SCREEN_RGB, SYNTHETIC_CAMERA, cameraTrackStates, displayCalls, sampleCanvas } from '../harness/syntheticCamera.ts';

const SIG = { timeout: 240_000 };

let stage: Stage;
let customer: Page;
let agent: Page;
let token = '';
const api = relayApi(() => stage.relay.url, () => token);

describe('a session that starts on the camera, end to end', { concurrency: false }, () => {
  before(async () => {
    stage = await startStage({
      screenHtml: SCREEN_HTML,
      preferredDisplay: 65,
      relayEnv: { BEACON_AGENT_ROLE: 'owner', BEACON_RECORD_SESSIONS: '1' },
    });
    customer = await openCustomer(stage.customerBrowser, stage.relay.url, stage.injector, [SYNTHETIC_CAMERA, DISPLAY_SPY]);
    agent = await newPage(stage.agentBrowser);
    await agent.setViewportSize({ width: 1400, height: 900 });
    await agentSignIn(agent, stage.relay.url);
    const res = await fetch(new URL('/api/login', stage.relay.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: AGENT.login, password: AGENT.password }) });
    token = LoginResponse.parse(await res.json()).token;
  }, SIG);

  after(() => stage?.close());

  test('the customer is asked for the camera, not the screen; nothing is captured before Accept', SIG, async () => {
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agent.getByTestId('device-id-input').fill(deviceId);
    await agent.getByTestId('code-input').fill(code);
    await agent.getByTestId('connect-camera-first').setChecked(true);
    await agent.getByTestId('connect-submit').click();
    await customer.getByTestId('consent-dialog').waitFor({ timeout: 15_000 });
    assert.equal(await customer.getByTestId('consent-permissions').getAttribute('data-source'), 'camera');
    assert.match((await customer.getByTestId('consent-dialog').textContent()) ?? '', /camera/i);
    await customer.getByTestId('consent-no-screen').waitFor();
    assert.deepEqual(await cameraTrackStates(customer), [], 'no camera before the yes');
    assert.equal(await displayCalls(customer), 0);
    await customer.getByTestId('consent-accept').click();
  });

  test('after Accept the agent sees the camera, never the screen, and the customer’s bar says camera', SIG, async () => {
    await agent.waitForFunction(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0) >= 5, null, { timeout: 60_000 });
    await waitFor(async () => (await sampleCanvas(agent, CAMERA_RGB)).screenShare > 0.5, 'the canvas shows the camera’s colours', 20_000);
    // Every picture so far was the camera's: the X screen's colour never showed.
    for (let i = 0; i < 5; i++) {
      assert.ok((await sampleCanvas(agent, SCREEN_RGB)).screenShare < 0.05, 'no screen on the canvas');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(await displayCalls(customer), 0, 'the customer’s page never captured the screen');
    assert.deepEqual(await cameraTrackStates(customer), ['live']);
    assert.equal(await customer.getByTestId('session-bar').getAttribute('data-shown'), 'camera');
    assert.match((await customer.getByTestId('session-bar').textContent()) ?? '', /camera/i);
    await agent.getByTestId('camera-badge').waitFor({ timeout: 10_000 });
    assert.equal(await agent.getByTestId('camera-tools').getAttribute('data-shown'), 'camera');
  });

  test('the agent draws on the camera picture and chats with the customer', SIG, async () => {
    await drawOnCamera(agent, customer);
    await agent.getByTestId('draw-toggle').click();
    await agent.getByTestId('chat-input').fill('Please show me the back of the printer');
    await agent.getByTestId('chat-send').click();
    await customer.locator('[data-testid="chat-message"][data-from="agent"]', { hasText: 'back of the printer' }).waitFor({ timeout: 10_000 });
    await customer.getByTestId('chat-input').fill('Here it is');
    await customer.getByTestId('chat-send').click();
    await agent.locator('[data-testid="chat-message"][data-from="customer"]', { hasText: 'Here it is' }).waitFor({ timeout: 10_000 });
  });

  test('the screen comes later, only after its own consent', SIG, async () => {
    await agent.getByTestId('ask-screen').click();
    await customer.getByTestId('camera-ask').waitFor({ timeout: 10_000 });
    assert.equal(await customer.getByTestId('camera-ask').getAttribute('data-source'), 'screen');
    assert.equal(await displayCalls(customer), 0, 'asking captures nothing');
    await customer.getByTestId('camera-accept').click();
    await waitFor(async () => (await agent.getByTestId('camera-tools').getAttribute('data-shown')) === 'screen', 'the agent is told the screen is shown', 15_000);
    await waitFor(async () => (await sampleCanvas(agent, SCREEN_RGB)).screenShare > 0.45, 'the canvas shows the X screen', 20_000);
    assert.equal(await displayCalls(customer), 1);
    assert.deepEqual(await cameraTrackStates(customer), ['ended'], 'the camera stopped');
    assert.equal(await customer.getByTestId('session-bar').getAttribute('data-shown'), 'screen');
  });

  test('the session’s recording is a normal recording and decodes with frames', SIG, async () => {
    const frames = await endAndCountRecordedFrames(agent, api, stage.relay.url, stage.relay.dataDir);
    assert.ok(frames >= 20, `${frames} frames decoded`);
    console.info(`[camera-first] recording: ${frames} frames`);
  });
});
