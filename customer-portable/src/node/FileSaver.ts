/**
 * Where the Electron customer's received files are written (issue 13): into the folder the
 * customer picked (main's dialog), at the path the agent's offer names below it, never
 * outside it. Each file is written as `<name>.part` and gets its name only when every byte
 * arrived with a matching hash (`finish`); `abort` deletes it. A name in use gets " (2)",
 * " (3)"… so nothing of the customer's is overwritten. Plain Node, no Electron.
 */
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

interface Open {
  handle: FileHandle;
  partPath: string;
  finalPath: string;
  size: number;
  written: number;
}

export class FileSaver {
  private readonly files = new Map<string, Open>();

  constructor(private readonly folder: string) {}

  /** Opens a file for an accepted transfer; resolves with where it will be (relative to the folder, for the customer to see). */
  async open(transferId: string, relativePath: string, size: number): Promise<string> {
    if (this.files.has(transferId)) throw new Error('that transfer is already open');
    const target = path.resolve(this.folder, ...relativePath.split('/'));
    const root = path.resolve(this.folder);
    if (!target.startsWith(root + path.sep)) throw new Error('the file would land outside the chosen folder');
    await mkdir(path.dirname(target), { recursive: true });
    const finalPath = await freePath(target);
    const partPath = `${finalPath}.part`;
    const handle = await open(partPath, 'wx');
    this.files.set(transferId, { handle, partPath, finalPath, size, written: 0 });
    return path.relative(root, finalPath);
  }

  /** Writes bytes in order (an offset that does not continue the file is refused). */
  async write(transferId: string, offset: number, data: Uint8Array): Promise<void> {
    const f = this.get(transferId);
    if (offset !== f.written) throw new Error(`write at ${offset}, expected ${f.written}`);
    if (offset + data.byteLength > f.size) throw new Error('more bytes than offered');
    f.written += data.byteLength;
    await f.handle.write(data, 0, data.byteLength, offset);
  }

  async finish(transferId: string): Promise<void> {
    const f = this.get(transferId);
    this.files.delete(transferId);
    await f.handle.close();
    if (f.written !== f.size) {
      await rm(f.partPath, { force: true });
      throw new Error(`only ${f.written} of ${f.size} bytes were written`);
    }
    // Its own name, unless something took it meanwhile.
    await rename(f.partPath, (await exists(f.finalPath)) ? await freePath(f.finalPath) : f.finalPath);
  }

  /** Deletes what was written. Idempotent. */
  async abort(transferId: string): Promise<void> {
    const f = this.files.get(transferId);
    if (!f) return;
    this.files.delete(transferId);
    await f.handle.close().catch(() => undefined);
    await rm(f.partPath, { force: true });
  }

  /** Deletes every unfinished file (the session ended). */
  async abortAll(): Promise<void> {
    await Promise.all([...this.files.keys()].map((id) => this.abort(id)));
  }

  private get(transferId: string): Open {
    const f = this.files.get(transferId);
    if (!f) throw new Error('no such file open');
    return f;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** `p`, or `p` with " (2)", " (3)"… before its extension, whichever is free (and has no `.part` in progress). */
async function freePath(p: string): Promise<string> {
  const ext = path.extname(p);
  const stem = p.slice(0, p.length - ext.length);
  for (let n = 1; n < 10_000; n++) {
    const candidate = n === 1 ? p : `${stem} (${n})${ext}`;
    if (!(await exists(candidate)) && !(await exists(`${candidate}.part`))) return candidate;
  }
  throw new Error('no free file name');
}
