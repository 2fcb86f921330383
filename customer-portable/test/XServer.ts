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
    // Test files run in parallel, so a display that looked free may be taken a moment later:
    // then the server exits at once and the next number is tried.
    for (let n = opts.preferred, tries = 0; tries < 10; n++, tries++) {
      if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
      const server = await XServer.tryStart(`:${n}`, `${opts.width ?? 1280}x${opts.height ?? 720}x24`, opts.outliveProcess === true);
      if (server) return server;
    }
    throw new Error(`no X display could be started from :${opts.preferred} on`);
  }

  private static async tryStart(display: string, size: string, outliveProcess: boolean): Promise<XServer | null> {
    const proc = spawn('Xvfb', [display, '-screen', '0', size, '-extension', 'RANDR', '-nolisten', 'tcp'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) return null;
      try {
        await run('xdpyinfo', ['-display', display]);
        break;
      } catch {
        if (Date.now() > deadline) {
          proc.kill();
          return null;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    // The display may have answered from another test's server that won the race for the
    // number; ours then exits on its lock file within a moment.
    await new Promise((r) => setTimeout(r, 100));
    if (proc.exitCode !== null || proc.signalCode !== null) return null;
    if (outliveProcess) {
      proc.unref();
      const watcher = `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.1; done; kill ${proc.pid}`;
      spawn('sh', ['-c', watcher], { detached: true, stdio: 'ignore' }).unref();
    }
    return new XServer(display, proc);
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
