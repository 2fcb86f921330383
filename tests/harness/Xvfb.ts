import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface XDisplay {
  /** e.g. `:97` */
  display: string;
  width: number;
  height: number;
  close(): Promise<void>;
}

/**
 * Starts a real X server for a test. RANDR is turned off because Chromium's X11 screen
 * capture fails on Xvfb's RANDR monitor list (see ENVIRONMENT-NOTES.md).
 */
export async function startXvfb(width = 1280, height = 720, preferred = 97): Promise<XDisplay> {
  let n = preferred;
  while (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) n++;
  const display = `:${n}`;
  const proc: ChildProcess = spawn('Xvfb', [display, '-screen', '0', `${width}x${height}x24`, '-extension', 'RANDR', '-nolisten', 'tcp'], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await run('xdpyinfo', ['-display', display]);
      break;
    } catch {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`Xvfb ${display} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    display,
    width,
    height,
    close: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** The X pointer position, read from the X server itself. */
export async function pointerPosition(display: string): Promise<{ x: number; y: number }> {
  const { stdout } = await run('xdotool', ['getmouselocation', '--shell'], { env: { ...process.env, DISPLAY: display } });
  const x = /X=(\d+)/.exec(stdout)?.[1];
  const y = /Y=(\d+)/.exec(stdout)?.[1];
  if (x === undefined || y === undefined) throw new Error(`unexpected xdotool output: ${stdout}`);
  return { x: Number(x), y: Number(y) };
}
