/**
 * Sends a file with HTTP Range support (one range per request, RFC 9110), which is what a
 * `<video>` element needs to seek: it asks for the index, then for the bytes at a time.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { RecordingFiles } from './storage/RecordingFiles.ts';

export type ByteRange = { start: number; end: number };

/**
 * Parses a `Range` header against a file of `size` bytes: null = no usable Range (send it
 * all), 'unsatisfiable' = answer 416. Multiple ranges are answered with the whole file.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    // A suffix: the last N bytes.
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export interface SendFileOptions {
  contentType: string;
  /** Sent as an attachment with this name. */
  downloadName?: string;
}

/**
 * Answers GET/HEAD for file `name` of `size` bytes in `files` (on disk or in a bucket: only the
 * asked range is read); returns the range it served (null: the whole file).
 */
export async function sendStored(req: IncomingMessage, res: ServerResponse, files: RecordingFiles, name: string, size: number, o: SendFileOptions): Promise<ByteRange | null> {
  return send(req, res, size, o, async (r) => pipeline(await files.read(name, r), res));
}

/** The same for bytes held in memory. */
export async function sendBytes(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, o: SendFileOptions): Promise<ByteRange | null> {
  return send(req, res, bytes.byteLength, o, async (r) => {
    res.end(bytes.subarray(r.start, r.end + 1));
  });
}

async function send(req: IncomingMessage, res: ServerResponse, size: number, o: SendFileOptions, body: (r: ByteRange) => Promise<void>): Promise<ByteRange | null> {
  const range = parseRange(req.headers.range, size);
  const headers: Record<string, string> = {
    'Content-Type': o.contentType,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  if (o.downloadName) headers['Content-Disposition'] = `attachment; filename="${o.downloadName}"`;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` });
    res.end();
    return null;
  }
  const r = range ?? { start: 0, end: size - 1 };
  const length = size === 0 ? 0 : r.end - r.start + 1;
  if (range) headers['Content-Range'] = `bytes ${r.start}-${r.end}/${size}`;
  headers['Content-Length'] = String(length);
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return range;
  }
  // A player that seeks abandons the request: that is normal, not an error.
  await body(r).catch(() => undefined);
  return range;
}
