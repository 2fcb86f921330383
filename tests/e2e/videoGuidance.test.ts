/**
 * Video guidance, end to end (issue 12): a real X screen painted one flat colour, the real relay
 * recording sessions, a customer browser whose camera is a moving pattern (see SYNTHETIC_CAMERA)
 * and the agent's console. The agent
 * asks for the camera; a Decline opens no camera; a yes replaces the screen on the agent's
 * canvas with the camera's frames (compared with what the X screen shows); a stroke the agent
 * draws on it reaches the customer's preview; the customer turns the camera off; the screen comes
 * back after another yes; and the session's recording decodes with frames.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { LoginResponse } from '@beacon/shared/protocol';
import { newPage } from '../harness/Browsers.ts';
import { AGENT } from '../harness/Relay.ts';
import { relayApi } from '../harness/relayApi.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentConnect, agentSignIn, openCustomer, readDeviceCredentials } from '../harness/flows.ts';
import { waitFor } from '../harness/waitFor.ts';
import { drawOnCamera, endAndCountRecordedFrames } from '../harness/guidanceFlows.ts';
import { CAMERA_RGB, SCREEN_HTML, SCREEN_RGB, SYNTHETIC_CAMERA, cameraTrackStates, sampleCanvas } from '../harness/syntheticCamera.ts';

const SIG = { timeout: 240_000 };
let stage: Stage;
let customer: Page;
let agent: Page;
let token = '';
const api = relayApi(() => stage.relay.url, () => token);

const cameraTracks = () => cameraTrackStates(customer);


/** Share of sampled canvas pixels near `rgb` (the X screen's colour unless told), and a fingerprint of the samples. */
const canvasSample = (rgb: readonly number[] = SCREEN_RGB) => sampleCanvas(agent, rgb);

async function ask(): Promise<void> {
  await agent.getByTestId('ask-camera').click();
  await customer.getByTestId('camera-ask').waitFor({ timeout: 10_000 });
  assert.equal(await customer.getByTestId('camera-ask').getAttribute('data-source'), 'camera');
}

describe('video guidance, end to end', { concurrency: false }, () => {
  before(async () => {
    stage = await startStage({
      screenHtml: SCREEN_HTML,
      preferredDisplay: 64,
      relayEnv: { BEACON_AGENT_ROLE: 'owner', BEACON_RECORD_SESSIONS: '1' },
    });
    customer = await openCustomer(stage.customerBrowser, stage.relay.url, stage.injector, [SYNTHETIC_CAMERA]);
    agent = await newPage(stage.agentBrowser);
    await agent.setViewportSize({ width: 1400, height: 900 });
    await agentSignIn(agent, stage.relay.url);
    const res = await fetch(new URL('/api/login', stage.relay.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: AGENT.login, password: AGENT.password }) });
    token = LoginResponse.parse(await res.json()).token;
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code);
    await customer.getByTestId('consent-accept').click();
    // Any size will do (the samples are proportional): the stream starts small until the link is measured.
    await agent.waitForFunction(() => Number(document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]')?.dataset.frames ?? 0) >= 5, null, { timeout: 60_000 });
  }, SIG);

  after(() => stage?.close());

  test('a Decline opens no camera and the screen stays', SIG, async () => {
    // The customer's own browser window covers part of the X screen (measured: about 0.6 of the samples show the page).
    let seen = await canvasSample();
    await waitFor(async () => (seen = await canvasSample()).screenShare > 0.45, 'the canvas shows the X screen').catch((err: unknown) => {
      throw new Error(`${String(err)}: ${seen.width}x${seen.height}, screen colour in ${seen.screenShare} of the samples: ${seen.print.slice(0, 120)}`);
    });
    await ask();
    await customer.getByTestId('camera-decline').click();
    await agent.getByTestId('camera-declined').waitFor({ timeout: 10_000 });
    assert.deepEqual(await cameraTracks(), [], 'no camera was opened');
    assert.equal(await agent.getByTestId('camera-tools').getAttribute('data-shown'), 'screen');
    assert.ok((await canvasSample()).screenShare > 0.45);
  });

  test('after a yes the canvas shows the camera, not the screen; the agent’s stroke reaches the customer’s preview', SIG, async () => {
    await ask();
    await customer.getByTestId('camera-accept').click();
    await agent.getByTestId('camera-badge').waitFor({ timeout: 15_000 });
    await customer.getByTestId('camera-preview').waitFor({ timeout: 10_000 });
    assert.deepEqual(await cameraTracks(), ['live']);
    let seen = await canvasSample();
    await waitFor(async () => (seen = await canvasSample()).screenShare < 0.2, `the canvas shows the camera (screen colour at ${seen.screenShare})`, 20_000);
    await waitFor(async () => (await canvasSample(CAMERA_RGB)).screenShare > 0.5, 'the canvas shows the camera’s colours', 20_000);
    // A moving pattern: the camera's frames keep coming.
    const first = seen.print;
    await waitFor(async () => (await canvasSample()).print !== first, 'the camera picture moves', 10_000);
    console.info(`[video-guidance] camera picture ${seen.width}x${seen.height}`);

    await drawOnCamera(agent, customer);
    const painted = await customer.getByTestId('camera-drawing').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
    assert.ok(painted > 50, `the stroke is painted over the preview (${painted} pixels)`);
    await agent.getByTestId('draw-toggle').click();
  });

  test('the customer turns the camera off: the capture stops and the agent is told', SIG, async () => {
    await customer.getByTestId('camera-turn-off').click();
    await agent.getByTestId('camera-off').waitFor({ timeout: 10_000 });
    await waitFor(async () => (await cameraTracks()).every((s) => s === 'ended'), 'the camera track ended');
    await customer.getByTestId('camera-off').waitFor();
  });

  test('back to the screen: asked and agreed again, the canvas shows the X screen', SIG, async () => {
    await agent.getByTestId('ask-screen').click();
    await customer.getByTestId('camera-ask').waitFor({ timeout: 10_000 });
    assert.equal(await customer.getByTestId('camera-ask').getAttribute('data-source'), 'screen');
    await customer.getByTestId('camera-accept').click();
    await waitFor(async () => (await agent.getByTestId('camera-tools').getAttribute('data-shown')) === 'screen', 'the agent is told the screen is shown', 15_000);
    await waitFor(async () => (await canvasSample()).screenShare > 0.45, 'the canvas shows the X screen again', 20_000);
    assert.deepEqual(await cameraTracks(), ['ended'], 'no camera was opened for the screen');
  });

  test('the session’s recording exists and decodes with frames', SIG, async () => {
    const frames = await endAndCountRecordedFrames(agent, api, stage.relay.url, stage.relay.dataDir);
    assert.ok(frames >= 20, `${frames} frames decoded`);
    console.info(`[video-guidance] recording: ${frames} frames`);
  });
});
