/**
 * The set-up the voice suites share: an X display, a relay, a customer browser and an agent
 * browser whose fake microphones play tones written for the run, the customer page open and
 * the agent signed in, both pages counting microphone requests (MIC_HOOK).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newPage } from './Browsers.ts';
import type { CustomerBridgeLog } from './CustomerBridge.ts';
import { agentSignIn, openCustomer } from './flows.ts';
import { startRelay, type RelayProcess } from './Relay.ts';
import { launchVoiceAgentBrowser, launchVoiceCustomerBrowser, MIC_HOOK, writeToneWav, type ToneSpec } from './VoiceBrowsers.ts';
import { startXvfb, type XDisplay } from './Xvfb.ts';

export interface VoiceStageOptions {
  /** First X display number to try. */
  display: number;
  agentTone: ToneSpec;
  customerTone: ToneSpec;
  relayEnv?: Record<string, string>;
  /** Init scripts for the customer page besides MIC_HOOK. */
  customerHooks?: string[];
  /** Init scripts for the agent page besides MIC_HOOK. */
  agentHooks?: string[];
}

export interface VoiceStage {
  x: XDisplay;
  /** The running relay; a suite that restarts it puts the new one here, so close() stops it. */
  relay: RelayProcess;
  customerBrowser: Browser;
  agentBrowser: Browser;
  customer: Page & CustomerBridgeLog;
  agent: Page;
  /** Folder of the tone files; a suite may keep its own files here too. */
  dir: string;
  close(): Promise<void>;
}

export async function startVoiceStage(o: VoiceStageOptions): Promise<VoiceStage> {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-voice-'));
  const parts: Partial<VoiceStage> = {};
  // Stops what is running (a suite that restarted the relay put the new one in `parts`).
  const close = async () => {
    await parts.agentBrowser?.close().catch(() => undefined);
    await parts.customerBrowser?.close().catch(() => undefined);
    await parts.relay?.stop();
    await parts.x?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    writeToneWav(join(dir, 'agent.wav'), o.agentTone);
    writeToneWav(join(dir, 'customer.wav'), o.customerTone);
    parts.x = await startXvfb(1280, 720, o.display);
    parts.relay = await startRelay(o.relayEnv);
    parts.customerBrowser = await launchVoiceCustomerBrowser(parts.x.display, join(dir, 'customer.wav'));
    parts.agentBrowser = await launchVoiceAgentBrowser(join(dir, 'agent.wav'));
    parts.customer = await openCustomer(parts.customerBrowser, parts.relay.url, { inject: async () => Date.now() }, [MIC_HOOK, ...(o.customerHooks ?? [])]);
    parts.agent = await newPage(parts.agentBrowser);
    for (const hook of [MIC_HOOK, ...(o.agentHooks ?? [])]) await parts.agent.addInitScript(hook);
    await agentSignIn(parts.agent, parts.relay.url);
  } catch (err) {
    await close();
    throw err;
  }
  // The returned object is `parts` itself, so a relay put into it is the one close() stops.
  return Object.assign(parts as Omit<VoiceStage, 'dir' | 'close'>, { dir, close });
}
