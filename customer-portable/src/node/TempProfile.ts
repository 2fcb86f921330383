import { mkdtempSync, rmSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The portable client's whole profile (Chromium's cache, cookies, local storage) lives in a
 * fresh temp folder that is deleted on exit, so the customer's PC keeps nothing. A crash
 * leaves the folder behind; the next start sweeps such leftovers.
 */
export const PROFILE_PREFIX = 'beacon-customer-';
/** Older than this, a profile folder cannot belong to a running client (and the sweep may remove it). */
export const STALE_AFTER_MS = 24 * 60 * 60_000;
/** On Windows, Chromium may still hold files for a moment after quit: EBUSY/EPERM. */
export const REMOVE_ATTEMPTS = 5;
export const REMOVE_RETRY_MS = 200;

const RETRYABLE = new Set(['EBUSY', 'EPERM', 'ENOTEMPTY', 'EMFILE', 'ENFILE']);

export type RemoveFn = (path: string) => Promise<void>;

const removeTree: RemoveFn = (path) => rm(path, { recursive: true, force: true });

export interface TempProfileOptions {
  /** Where profiles are made; the system temp folder by default. */
  root?: string;
  /** The removal step (tests swap in a flaky one to check the retries). */
  remove?: RemoveFn;
  retryMs?: number;
}

export class TempProfile {
  private isDisposed = false;
  private disposing: Promise<void> | null = null;

  private constructor(
    readonly dir: string,
    private readonly remove: RemoveFn,
    private readonly retryMs: number,
  ) {}

  /** Synchronous because Electron needs the path before `ready`. */
  static create(opts: TempProfileOptions = {}): TempProfile {
    const dir = mkdtempSync(join(opts.root ?? tmpdir(), PROFILE_PREFIX));
    return new TempProfile(dir, opts.remove ?? removeTree, opts.retryMs ?? REMOVE_RETRY_MS);
  }

  /** Deletes the folder, retrying while files are busy. Idempotent; never throws. */
  dispose(): Promise<void> {
    this.disposing ??= this.removeWithRetry();
    return this.disposing;
  }

  /** Last resort from `process.on('exit')`, where nothing async runs any more. */
  disposeSync(): void {
    if (this.isDisposed) return;
    try {
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 2, retryDelay: 50 });
      this.isDisposed = true;
    } catch {
      // Left for the next start's sweep.
    }
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  private async removeWithRetry(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.remove(this.dir);
        this.isDisposed = true;
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (!RETRYABLE.has(code) || attempt >= REMOVE_ATTEMPTS) {
          console.warn(`[beacon] could not remove the temp profile (${code || String(err)}); the next start removes it`);
          return;
        }
        await new Promise((r) => setTimeout(r, this.retryMs * attempt));
      }
    }
  }

  /**
   * Removes profiles left by crashed runs: folders named with our prefix, owned by this
   * user, untouched for a day. Anything else in the temp folder is left alone. Returns what
   * was removed.
   */
  static async sweepStale(opts: { root?: string; now?: number; maxAgeMs?: number; keep?: string } = {}): Promise<string[]> {
    const root = opts.root ?? tmpdir();
    const cutoff = (opts.now ?? Date.now()) - (opts.maxAgeMs ?? STALE_AFTER_MS);
    const uid = process.getuid?.();
    const removed: string[] = [];
    let names: string[];
    try {
      names = await readdir(root);
    } catch {
      return removed;
    }
    for (const name of names) {
      if (!name.startsWith(PROFILE_PREFIX)) continue;
      const path = join(root, name);
      if (path === opts.keep) continue;
      try {
        const st = await lstat(path);
        if (!st.isDirectory() || st.isSymbolicLink()) continue;
        if (uid !== undefined && st.uid !== uid) continue;
        if (st.mtimeMs > cutoff) continue;
        await rm(path, { recursive: true, force: true, maxRetries: 2 });
        removed.push(path);
      } catch {
        // Busy or vanished: try again next start.
      }
    }
    return removed;
  }
}
