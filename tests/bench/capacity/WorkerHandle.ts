/**
 * The suite's side of one load-generator process: fork, request/reply over IPC (replies
 * parsed with the shared worker schemas), clock offset, and a bounded stop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { parseUnknown } from '@beacon/shared/parse';
import { REPO_ROOT } from '../../harness/paths.ts';
import { FromWorker, type ToWorker } from './workerProtocol.ts';

type Reply<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

const WORKER_PATH = join(REPO_ROOT, 'tests', 'bench', 'capacity', 'LoadWorker.ts');

export class WorkerHandle {
  private readonly inbox: FromWorker[] = [];
  private waiter: (() => void) | null = null;
  private stderr = '';
  /** Worker clock minus ours, ms (see {@link measureClock}). */
  clockOffset = 0;

  private constructor(
    readonly role: 'customers' | 'agents',
    readonly proc: ChildProcess,
  ) {
    proc.on('message', (raw: unknown) => {
      const r = parseUnknown(FromWorker, raw, 'load worker -> suite');
      this.inbox.push(r.ok ? r.value : { type: 'error', message: r.error.message });
      this.waiter?.();
    });
    proc.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    proc.once('exit', () => this.waiter?.());
  }

  static spawn(role: 'customers' | 'agents'): WorkerHandle {
    const proc = fork(WORKER_PATH, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    return new WorkerHandle(role, proc);
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  /** Sends `msg` and waits for the reply of type `type` (an `error` reply rejects). */
  async request<T extends FromWorker['type']>(msg: ToWorker, type: T, timeoutMs: number): Promise<Reply<T>> {
    this.inbox.length = 0;
    this.proc.send(msg);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.inbox.shift();
      if (got?.type === type) return got as Reply<T>;
      if (got?.type === 'error') throw new Error(`load worker: ${got.message}`);
      if (got) continue;
      if (this.proc.exitCode !== null) throw new Error(`load worker exited (${this.proc.exitCode}): ${this.stderr.slice(-500)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`load worker did not answer ${msg.type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** Estimates the worker's clock offset from the round trip with the smallest delay. */
  async measureClock(rounds = 8): Promise<number> {
    let best = { rtt: Infinity, offset: 0 };
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.timeOrigin + performance.now();
      const { t } = await this.request({ type: 'clock' }, 'clock', 5000);
      const t1 = performance.timeOrigin + performance.now();
      if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: t - (t0 + t1) / 2 };
    }
    this.clockOffset = best.offset;
    return best.offset;
  }

  /** Idempotent: asks the worker to stop, and kills it if it has not gone in a few seconds. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    try {
      this.proc.send({ type: 'stop' } satisfies ToWorker);
    } catch {
      /* channel already closed */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}
