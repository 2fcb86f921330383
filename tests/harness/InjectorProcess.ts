import { fork, type ChildProcess } from 'node:child_process';
import { z } from 'zod';
import type { InjectInputRequest } from '@beacon/shared/ipc';
import { parseUnknown } from '@beacon/shared/parse';
import { REPO_ROOT } from './paths.ts';
import { XClipboard } from './XClipboard.ts';

const Reply = z.object({ id: z.number().int(), injectedAt: z.number().optional(), error: z.string().optional(), ready: z.boolean().optional() });

/** The real injector in its own process on the given X display (see injectorHost.ts). */
export class InjectorProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (at: number) => void; reject: (e: Error) => void }>();

  /** The display's clipboard, which the customer app's main process owns beside the injector. */
  readonly clipboard: XClipboard;

  private constructor(
    private readonly child: ChildProcess,
    display: string,
  ) {
    this.clipboard = new XClipboard(display);
    child.on('message', (raw: unknown) => {
      const r = parseUnknown(Reply, raw, 'injector host reply');
      if (!r.ok) return;
      const p = this.pending.get(r.value.id);
      if (!p) return;
      this.pending.delete(r.value.id);
      if (r.value.error) p.reject(new Error(r.value.error));
      else p.resolve(r.value.injectedAt ?? 0);
    });
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('injector process exited'));
      this.pending.clear();
    });
  }

  static async start(display: string): Promise<InjectorProcess> {
    const child = fork(`${REPO_ROOT}/tests/harness/injectorHost.ts`, [], {
      cwd: REPO_ROOT,
      env: { ...process.env, DISPLAY: display },
      execArgv: ['--import', 'tsx'],
      // Pipes, not the test's own output: a host that outlived its test would hold the test
      // runner's pipe to that file open, and the runner waits for it (a hang, not a failure).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout?.on('data', (d: Buffer) => process.stdout.write(d));
    child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`injector process exited with ${code}`)));
    });
    return new InjectorProcess(child, display);
  }

  /** Injects one event; resolves with the injector's finish time (epoch ms). */
  inject(req: InjectInputRequest): Promise<number> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, req });
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.disconnect();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
