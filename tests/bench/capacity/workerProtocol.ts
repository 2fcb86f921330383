/**
 * Messages between the capacity benchmark and its load-generator processes (Node IPC).
 * Both directions are parsed with these schemas, like every other process boundary.
 */
import { z } from 'zod';

const Device = z.object({ deviceId: z.string(), code: z.string() });
export type Device = z.infer<typeof Device>;

export const ToWorker = z.discriminatedUnion('type', [
  /**
   * Open `count` synthetic customers; each accepts consent and then replays the clip. Without
   * `phase`, each session starts at a random point of the clip (see ClipPlayer).
   */
  z.object({
    type: z.literal('start-customers'),
    relayUrl: z.string(),
    count: z.number().int().positive(),
    clip: z.string(),
    targetKbps: z.number().positive(),
    phase: z.number().min(0).max(1).optional(),
    /** How a keyframe request is answered (see ClipPlayer): as an encoder would, or decodably. */
    keyframeAnswer: z.enum(['insert', 'restart']).default('insert'),
  }),
  /** Open one synthetic agent per device and connect it. `clockFix` is added to every latency sample. */
  z.object({
    type: z.literal('start-agents'),
    relayUrl: z.string(),
    token: z.string(),
    devices: z.array(Device),
    clockFix: z.array(z.number()),
  }),
  z.object({ type: z.literal('clock') }),
  z.object({ type: z.literal('reset-stats') }),
  /** Customers: stop or restart sending (so a window can end with nothing in flight). */
  z.object({ type: z.literal('pause'), isPaused: z.boolean() }),
  z.object({ type: z.literal('get-stats') }),
  z.object({ type: z.literal('stop') }),
]);
export type ToWorker = z.infer<typeof ToWorker>;

export const WorkerStats = z.object({
  sentFragments: z.number().int(),
  sentFrames: z.number().int(),
  receivedFrames: z.number().int(),
  sentBytes: z.number(),
  skippedFrames: z.number().int(),
  receivedFragments: z.number().int(),
  receivedBytes: z.number(),
  histCounts: z.array(z.number().int()),
  histOverflow: z.number().int(),
  histMax: z.number(),
  /** Sessions this worker has running (customers: replaying; agents: started). */
  liveSessions: z.number().int(),
});
export type WorkerStats = z.infer<typeof WorkerStats>;

export const FromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('customers'), devices: z.array(Device) }),
  z.object({ type: z.literal('agents-ready'), started: z.number().int(), failed: z.array(z.string()) }),
  z.object({ type: z.literal('clock'), t: z.number() }),
  z.object({ type: z.literal('ok') }),
  z.object({ type: z.literal('stats'), stats: WorkerStats }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type FromWorker = z.infer<typeof FromWorker>;

/** Latency histogram shape shared by workers and the suite. */
export const HIST_BUCKET_MS = 0.25;
export const HIST_BUCKETS = 4000;
