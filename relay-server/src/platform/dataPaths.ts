/**
 * Where the relay keeps its data: the database file, chat attachments and recordings. Tests
 * that give an in-memory database and no data folder get temporary folders, deleted on close.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const DB_FILE_NAME = 'beacon.sqlite';

export interface DataPathOptions {
  /** Folder for `beacon.sqlite`, created if missing. Ignored when `dbFile` is given. */
  dataDir?: string;
  /** A database file, or `:memory:` (tests). */
  dbFile?: string;
  filesDir?: string;
  recordingsDir?: string;
}

export interface DataPaths {
  dbFile: string;
  filesDir: string;
  recordingsDir: string;
  /** Deletes the folders that were made temporary. */
  removeTemporary(): void;
}

export function resolveDataPaths(o: DataPathOptions): DataPaths {
  const dataDir = path.resolve(o.dataDir ?? './data');
  // Only a test database (a file given, no data folder) gets folders that vanish with it.
  const isTemporary = Boolean(o.dbFile) && !o.dataDir;
  let dbFile = o.dbFile;
  if (!dbFile) {
    mkdirSync(dataDir, { recursive: true });
    dbFile = path.join(dataDir, DB_FILE_NAME);
  }
  const temporary: string[] = [];
  const folder = (given: string | undefined, name: string, tempPrefix: string): string => {
    if (given) return given;
    if (!isTemporary) return path.join(dataDir, name);
    const dir = mkdtempSync(path.join(tmpdir(), tempPrefix));
    temporary.push(dir);
    return dir;
  };
  const filesDir = folder(o.filesDir, 'files', 'beacon-relay-files-');
  mkdirSync(filesDir, { recursive: true });
  const recordingsDir = folder(o.recordingsDir, 'recordings', 'beacon-recordings-');
  return {
    dbFile,
    filesDir,
    recordingsDir,
    removeTemporary: () => {
      for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
    },
  };
}
