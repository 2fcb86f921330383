/**
 * A throwaway X server (Xvfb) for tests that need a real screen, pointer and keyboard.
 * RANDR is on: Chromium's X11 screen capture needs it to pick the monitor.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const HAS_XVFB = ['Xvfb', 'xdpyinfo'].every((tool) => existsSync(`/usr/bin/${tool}`));

export class XServer {
  private constructor(
    readonly display: string,
    private readonly proc: ChildProcess,
  ) {}

  /**
   * Starts Xvfb on the first free display from `preferred` up.
   *
   * `outliveProcess`: keep the server until this Node process has exited. Needed when a
   * native module (robotjs) holds an X connection until exit: Xlib ends the process with
   * an error if the server goes first.
   */
  static async start(opts: { preferred: number; width?: number; height?: number; outliveProcess?: boolean }): Promise<XServer> {
    let n = opts.preferred;
    while (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) n++;
    const display = `:${n}`;
    const size = `${opts.width ?? 1280}x${opts.height ?? 720}x24`;
    const proc = spawn('Xvfb', [display, '-screen', '0', size, '-extension', 'RANDR', '-nolisten', 'tcp'], { stdio: 'ignore' });
    if (opts.outliveProcess) {
      proc.unref();
      const watcher = `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.1; done; kill ${proc.pid}`;
      spawn('sh', ['-c', watcher], { detached: true, stdio: 'ignore' }).unref();
    }
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await run('xdpyinfo', ['-display', display]);
        return new XServer(display, proc);
      } catch {
        if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`Xvfb ${display} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Runs an X client tool against this display and returns its stdout. */
  async tool(cmd: string, ...args: string[]): Promise<string> {
    const { stdout } = await run(cmd, args, { env: { ...process.env, DISPLAY: this.display } });
    return stdout;
  }

  /** Idempotent. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) return resolve();
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGTERM');
    });
  }
}
