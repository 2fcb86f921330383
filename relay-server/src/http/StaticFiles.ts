/**
 * Serves the built web apps: the agent console at `/` and the customer page at
 * `/customer/`, with SPA fallback, strict CSP on HTML, and no way out of the build folder.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Logger } from '../platform/logger.ts';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self' ws: wss: http: https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticSite {
  /** URL prefix ending in `/`: `/` or `/customer/`. */
  prefix: string;
  /** Absolute path of the build folder. */
  root: string;
}

export class StaticFiles {
  private readonly sites: StaticSite[];

  constructor(
    sites: StaticSite[],
    private readonly log: Logger,
  ) {
    // Longest prefix first, so `/customer/` wins over `/`.
    this.sites = [...sites].sort((a, b) => b.prefix.length - a.prefix.length).map((s) => ({ ...s, root: path.resolve(s.root) }));
  }

  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return plain(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    }
    for (const site of this.sites) {
      const bare = site.prefix.slice(0, -1);
      if (bare && pathname === bare) {
        res.writeHead(301, { Location: site.prefix, 'X-Content-Type-Options': 'nosniff' });
        res.end();
        return;
      }
      if (pathname.startsWith(site.prefix)) return this.serveFrom(site, pathname.slice(site.prefix.length), req, res);
    }
    return plain(res, 404, 'Not found');
  }

  private async serveFrom(site: StaticSite, rawRel: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let rel: string;
    try {
      rel = decodeURIComponent(rawRel);
    } catch {
      return plain(res, 400, 'Bad request');
    }
    const segments = rel.split(/[\\/]/);
    if (rel.includes('\0') || segments.some((s) => s === '..') || path.isAbsolute(rel)) {
      this.log.warn('static path refused', { path: rawRel.slice(0, 200), address: req.socket.remoteAddress });
      return plain(res, 403, 'Forbidden');
    }
    const index = path.join(site.root, 'index.html');
    if (!(await isFile(index))) {
      return plain(res, 503, `This part of Beacon has not been built yet. Run "npm run build:web", then reload.`);
    }
    const target = path.resolve(site.root, rel || 'index.html');
    // Belt and braces after the segment check: the resolved file must still be inside the root.
    if (target !== site.root && !target.startsWith(site.root + path.sep)) return plain(res, 403, 'Forbidden');
    if (await isFile(target)) return sendFile(req, res, target);
    const last = segments[segments.length - 1] ?? '';
    // An app route (no file extension) gets the app; a missing asset is a real 404.
    if (!last.includes('.')) return sendFile(req, res, index);
    return plain(res, 404, 'Not found');
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string): void {
  const ext = path.extname(file).toLowerCase();
  const type = CONTENT_TYPES[ext] ?? 'application/octet-stream';
  const headers: Record<string, string> = {
    'Content-Type': type,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // Hashed build assets never change; the HTML that names them must always be fresh.
    'Cache-Control': ext === '.html' ? 'no-cache' : file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  if (ext === '.html') headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...extra });
  res.end(`${text}\n`);
}
