import { z } from 'zod';
import { InputEvent } from './input.ts';

export { AGENT_IPC, CUSTOMER_IPC, STOP_HOTKEY } from './ipcChannels.ts';

/**
 * IPC between each Electron main process and its renderer. The preload exposes one
 * function per message; main parses every payload with these schemas and checks the
 * sender before acting. Channel names are `beacon:<app>:<message>`.
 */

export const RendererConfig = z.object({
  /** Relay base URL (http/https). */
  relayUrl: z.string().url(),
  /** System locale tag(s), most preferred first. */
  locales: z.array(z.string().max(35)).max(10),
});
export type RendererConfig = z.infer<typeof RendererConfig>;

/* ---- customer-portable ---- */


/** Renderer -> main: inject one input event. Coordinates are in the captured frame's pixels. */
export const InjectInputRequest = z.object({
  event: InputEvent,
  frameWidth: z.number().int().min(16).max(16384),
  frameHeight: z.number().int().min(16).max(16384),
});
export type InjectInputRequest = z.infer<typeof InjectInputRequest>;

/** Renderer -> main: a session started or ended (shows the always-on-top bar, arms the Stop hotkey). */
export const SessionStateRequest = z.object({
  active: z.boolean(),
  agentName: z.string().max(120).optional(),
});
export type SessionStateRequest = z.infer<typeof SessionStateRequest>;

/** What the customer preload exposes on `window.beaconCustomer`. */
export interface CustomerBridge {
  getConfig(): Promise<RendererConfig>;
  injectInput(req: InjectInputRequest): Promise<void>;
  setSessionState(req: SessionStateRequest): Promise<void>;
  /** Registers the handler for the global Stop hotkey; returns an unsubscribe function. */
  onStopHotkey(handler: () => void): () => void;
}

/* ---- agent-app ---- */


/** What the agent preload exposes on `window.beaconAgent`. */
export interface AgentBridge {
  getConfig(): Promise<RendererConfig>;
}

