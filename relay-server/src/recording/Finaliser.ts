/**
 * Runs `muxChunkJournal` jobs one at a time in a worker thread (finaliseWorker.ts): muxing an
 * hour of video is seconds of CPU that must not sit on the event loop forwarding live
 * frames. A worker that dies fails its job and is replaced for the next one.
 */
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { RecordingFailure } from '@beacon/shared/api';
import { parseUnknown } from '@beacon/shared/parse';
import type { Logger } from '../platform/logger.ts';
import { muxChunkJournal, NothingToMuxError, type MuxResult } from './RecordingMuxer.ts';

export const FinaliseJob = z.object({ id: z.number().int().positive(), chunkJournalPath: z.string().min(1), outPath: z.string().min(1) });
export type FinaliseJob = z.infer<typeof FinaliseJob>;

const MuxResultSchema = z.object({
  container: z.enum(['webm', 'mp4']),
  codec: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationMs: z.number().int().nonnegative(),
  frames: z.number().int().nonnegative(),
  audioPackets: z.number().int().nonnegative(),
  sizeBytes: z.number().int().nonnegative(),
  isCutOff: z.boolean(),
  failure: z.object({ code: RecordingFailure, detail: z.string() }).nullable(),
});
export const FinaliseReply = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int(), ok: z.literal(true), result: MuxResultSchema }),
  z.object({ id: z.number().int(), ok: z.literal(false), isEmpty: z.boolean(), error: z.string() }),
]);
export type FinaliseReply = z.infer<typeof FinaliseReply>;

interface Pending {
  job: FinaliseJob;
  resolve: (r: MuxResult) => void;
  reject: (err: Error) => void;
}

export class FinaliserClosedError extends Error {
  constructor() {
    super('the finaliser is closed');
    this.name = 'FinaliserClosedError';
  }
}

/** Starts the worker; under tsx (the relay runs its .ts sources) the worker registers tsx first. */
function spawnWorker(): Worker {
  const url = new URL(`./finaliseWorker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  // Node 20 does not hand the parent's `--import tsx` hooks to a worker's entry module.
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}

export class Finaliser {
  private worker: Worker | null = null;
  private readonly queue: Pending[] = [];
  private current: Pending | null = null;
  private nextId = 1;
  private isClosed = false;

  constructor(
    private readonly log: Logger,
    /** Tests may mux on the calling thread. */
    private readonly isInProcess = false,
  ) {}

  /** Muxes one chunk journal into `outPath`. Rejects with NothingToMuxError when there is nothing to play. */
  run(chunkJournalPath: string, outPath: string): Promise<MuxResult> {
    if (this.isClosed) return Promise.reject(new FinaliserClosedError());
    if (this.isInProcess) return muxChunkJournal(chunkJournalPath, outPath);
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, chunkJournalPath, outPath }, resolve, reject });
      this.pump();
    });
  }

  /** Idempotent: rejects queued jobs and stops the worker (a job cut off here is redone at the next start). */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const p of this.queue.splice(0)) p.reject(new FinaliserClosedError());
    this.current?.reject(new FinaliserClosedError());
    this.current = null;
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private pump(): void {
    if (this.current || this.isClosed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    try {
      this.ensureWorker().postMessage(next.job);
    } catch (err) {
      this.finish(next.job.id, err instanceof Error ? err : new Error(String(err)));
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = spawnWorker();
    w.unref();
    w.on('message', (raw: unknown) => {
      const r = parseUnknown(FinaliseReply, raw, 'finalise reply');
      if (!r.ok) {
        this.log.error('finaliser worker sent a malformed reply', { err: r.error.message });
        return;
      }
      const reply = r.value;
      if (reply.ok) this.finish(reply.id, null, reply.result);
      else this.finish(reply.id, reply.isEmpty ? new NothingToMuxError(reply.error) : new Error(reply.error));
    });
    const lost = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.log.error('finaliser worker stopped', { why });
      if (this.current) this.finish(this.current.job.id, new Error(`the finaliser worker stopped: ${why}`));
    };
    w.on('error', (err) => lost(err.message));
    w.on('exit', (code) => lost(`exit code ${code}`));
    this.worker = w;
    return w;
  }

  private finish(id: number, err: Error | null, result?: MuxResult): void {
    const p = this.current;
    if (!p || p.job.id !== id) return;
    this.current = null;
    if (err) p.reject(err);
    else if (result) p.resolve(result);
    this.pump();
  }
}
