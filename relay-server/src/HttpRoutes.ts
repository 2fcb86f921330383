/**
 * The relay's HTTP surface: health check, the JSON API (sign-in), CORS for the API, and
 * the static web apps for everything else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson } from '@beacon/shared/parse';
import { LoginRequest, type ApiError, type LoginResponse } from '@beacon/shared/protocol';
import type { AgentAuth } from './AgentAuth.ts';
import type { Logger } from './log.ts';
import type { StaticFiles } from './StaticFiles.ts';

export const MAX_BODY_BYTES = 16 * 1024;

/** The Electron console loads from file:// and authenticates with bearer tokens, never cookies. */
const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Max-Age': '600',
};

class BodyTooLargeError extends Error {}

export class HttpRoutes {
  constructor(
    private readonly auth: AgentAuth,
    private readonly staticFiles: StaticFiles,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Never throws: a failing handler becomes a 500 and a log line. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The raw path, not a parsed URL: URL parsing would quietly resolve `..` and hide the attempt.
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    try {
      if (rawPath === '/healthz') return json(res, 200, { ok: true });
      if (rawPath === '/api' || rawPath.startsWith('/api/')) return await this.api(req, res, rawPath);
      if (rawPath === '/ws') return json(res, 426, { error: 'bad-message', message: 'connect with a WebSocket' });
      return await this.staticFiles.serve(req, res, rawPath);
    } catch (err) {
      this.log.error('http handler failed', { path: rawPath.slice(0, 200), err });
      if (!res.headersSent) json(res, 500, apiError('internal', 'internal error'));
      else res.destroy();
    }
  }

  private async api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (path === '/api/login') {
      if (req.method !== 'POST') return json(res, 405, apiError('bad-message', 'use POST'), { Allow: 'POST, OPTIONS' });
      return this.login(req, res);
    }
    return json(res, 404, apiError('not-found', 'no such API endpoint'));
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const address = req.socket.remoteAddress ?? 'unknown';
    let body: string;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        this.log.warn('login body too large', { address });
        return json(res, 413, apiError('bad-message', `the request body is larger than ${MAX_BODY_BYTES} bytes`), { Connection: 'close' });
      }
      throw err;
    }
    const parsed = parseJson(LoginRequest, body, 'POST /api/login');
    if (!parsed.ok) {
      this.log.warn('malformed login request', { address, detail: parsed.error.message });
      return json(res, 400, apiError('bad-message', parsed.error.message));
    }
    const result = await this.auth.login(parsed.value.login, parsed.value.password, address);
    if (result.ok) return json(res, 200, result.response satisfies LoginResponse);
    if (result.error === 'rate-limited') {
      const retryAfterS = result.retryAt ? Math.max(1, Math.ceil((result.retryAt - this.now()) / 1000)) : 60;
      return json(res, 429, apiError('rate-limited', 'too many failed sign-ins; wait and try again'), { 'Retry-After': String(retryAfterS) });
    }
    return json(res, 401, apiError('unauthorized', 'wrong login or password'));
  }
}

function apiError(error: ApiError['error'], message: string): ApiError {
  return { error, message };
}

function json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let isDone = false;
    req.on('data', (chunk: Buffer) => {
      if (isDone) return;
      size += chunk.length;
      if (size > limit) {
        isDone = true;
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (isDone) return;
      isDone = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => {
      if (isDone) return;
      isDone = true;
      reject(err);
    });
  });
}
