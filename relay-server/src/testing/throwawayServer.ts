/**
 * The life of a throwaway server a test starts (PostgresServer.ts, RedisServer.ts): killed and
 * its folder deleted if this process exits first, or if it never gets ready; otherwise stopped
 * with its own graceful signal by `stop()` (idempotent), then its folder deleted.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

export async function runThrowaway(child: ChildProcess, dir: string, ready: () => Promise<void>, stopSignal: NodeJS.Signals): Promise<() => Promise<void>> {
  const cleanUp = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  try {
    await ready();
  } catch (err) {
    cleanUp();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return () =>
    (stopping ??= new Promise<void>((resolve) => {
      process.removeListener('exit', cleanUp);
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(stopSignal);
    }).then(() => rmSync(dir, { recursive: true, force: true })));
}

/**
 * Waits until `tryOnce` succeeds (the server answers), trying every `intervalMs`; throws when the
 * server exited first (`exited` says why, null while it runs) or after `timeoutMs`.
 */
export async function pollUntilReady(what: string, tryOnce: () => Promise<void>, exited: () => string | null, timeoutMs: number, intervalMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = exited();
    if (why !== null) throw new Error(`${what} exited: ${why}`);
    try {
      return await tryOnce();
    } catch {
      if (Date.now() > deadline) throw new Error(`${what} did not start within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
