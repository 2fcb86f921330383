/**
 * File transfer's DOM ends (see shared/src/client/FileTransferSession.ts): files and folders
 * the user picked as sources, and where received files are written: a folder the user chose
 * (File System Access API), or the browser's private storage (OPFS) from which the user saves
 * them (a download); memory only where neither exists.
 */
import type { FileSink, FileSource } from '../client/transferTypes.ts';

/** A picked file; a folder's files keep their path below the folder (`webkitRelativePath`). */
export function fileSource(file: File): FileSource {
  const name = (file.webkitRelativePath || file.name).replace(/\\/g, '/');
  return {
    name,
    size: file.size,
    read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
  };
}

export function fileSources(files: FileList | readonly File[] | null): FileSource[] {
  return files ? Array.from(files, fileSource) : [];
}

interface WritableFile {
  write(data: { type: 'write'; position: number; data: Uint8Array<ArrayBuffer> }): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}
interface FileHandleLike {
  createWritable(options?: { keepExistingData?: boolean }): Promise<WritableFile>;
  getFile(): Promise<File>;
}
export interface DirectoryLike {
  readonly name: string;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryLike>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandleLike>;
  removeEntry(name: string): Promise<void>;
}

/** Whether this browser lets a page write into a folder the user picks. */
export function canPickFolder(): boolean {
  return typeof (window as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
}

/** Asks the user for a folder to write into (File System Access API); null if they cancelled. */
export async function pickFolder(): Promise<DirectoryLike | null> {
  const picker = (window as unknown as { showDirectoryPicker: (o: { mode: 'readwrite' }) => Promise<DirectoryLike> }).showDirectoryPicker;
  try {
    return await picker({ mode: 'readwrite' });
  } catch {
    return null;
  }
}

/** Creates `relativePath`'s folders below `root` and a writable file there (a name in use gets " (2)", " (3)"…). */
export async function directorySink(root: DirectoryLike, relativePath: string): Promise<FileSink> {
  const parts = relativePath.split('/');
  const fileName = parts.pop()!;
  let dir = root;
  for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true });
  const name = await freeName(dir, fileName);
  const handle = await dir.getFileHandle(name, { create: true });
  return writableSink(await handle.createWritable({ keepExistingData: false }), () => dir.removeEntry(name), () => ({ label: [root.name, ...parts, name].join('/') }));
}

async function freeName(dir: DirectoryLike, name: string): Promise<string> {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? name : `${stem} (${n})${ext}`;
    try {
      await dir.getFileHandle(candidate);
    } catch {
      return candidate;
    }
  }
  throw new Error('no free file name');
}

function writableSink(w: WritableFile, remove: () => Promise<void>, savedAs: () => { label: string; url?: string }): FileSink {
  let isOpen = true;
  return {
    write: (position, data) => w.write({ type: 'write', position, data: data as Uint8Array<ArrayBuffer> }),
    finish: async () => {
      isOpen = false;
      await w.close();
    },
    abort: async () => {
      if (isOpen) await w.abort().catch(() => undefined);
      isOpen = false;
      await remove().catch(() => undefined);
    },
    savedAs,
  };
}

/**
 * The browser's private storage (OPFS): the file is written there, and once finished the user
 * saves it from a link (`savedAs().url`). Memory only where there is no OPFS.
 */
export async function privateSink(name: string): Promise<FileSink> {
  const base = name.split('/').pop() ?? name;
  const storage = navigator.storage as { getDirectory?: () => Promise<DirectoryLike> } | undefined;
  if (!storage?.getDirectory) return memorySink(base);
  const root = await storage.getDirectory();
  const stored = `transfer-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const handle = await root.getFileHandle(stored, { create: true });
  let url: string | undefined;
  const sink = writableSink(await handle.createWritable({ keepExistingData: false }), () => root.removeEntry(stored), () => ({ label: base, ...(url ? { url } : {}) }));
  return {
    ...sink,
    finish: async () => {
      await sink.finish();
      url = URL.createObjectURL(new File([await handle.getFile()], base));
    },
  };
}

function memorySink(name: string): FileSink {
  const parts: { at: number; data: Uint8Array<ArrayBuffer> }[] = [];
  let url: string | undefined;
  return {
    write: async (at, data) => void parts.push({ at, data: data as Uint8Array<ArrayBuffer> }),
    finish: async () => {
      url = URL.createObjectURL(new File(parts.map((p) => p.data), name));
    },
    abort: async () => void (parts.length = 0),
    savedAs: () => ({ label: name, ...(url ? { url } : {}) }),
  };
}

/** Starts the browser's download of a finished file. */
export function download(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name.split('/').pop() ?? name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}
