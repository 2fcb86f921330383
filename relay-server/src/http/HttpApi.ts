/**
 * The JSON API's plumbing: a route table, bearer-token authentication (the seat's current
 * role and groups are read from the database on every request), body and query parsing
 * with the shared zod schemas, and one mapping from error codes to HTTP statuses. Handlers
 * throw a ProtocolError to refuse; anything else becomes a 500 and a log line.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ErrorCode, ProtocolError, toWireError } from '@beacon/shared/errors';
import { parseJson, parseUnknown } from '@beacon/shared/parse';
import type { ApiError } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import type { Actor } from '../accounts/Policy.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/** The Electron console loads from file:// and authenticates with bearer tokens, never cookies. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
  'Access-Control-Allow-Methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS',
  'Access-Control-Expose-Headers': 'Content-Disposition, Retry-After',
  'Access-Control-Max-Age': '600',
};

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  'bad-message': 400,
  'version-mismatch': 400,
  unauthorized: 401,
  forbidden: 403,
  'account-locked': 403,
  'account-disabled': 403,
  'not-found': 404,
  conflict: 409,
  'rate-limited': 429,
  internal: 500,
};

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Named groups of the route's path pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  address: string;
}

export interface AuthedContext extends RequestContext {
  actor: Actor;
  tokenHash: string;
  expiresAt: number;
}

/** A JSON answer; `undefined` from a handler means it wrote the response itself (a stream). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Route =
  | { method: string; path: RegExp; isPublic: true; handle: (c: RequestContext) => Promise<Reply | undefined> }
  | { method: string; path: RegExp; isPublic?: false; handle: (c: AuthedContext) => Promise<Reply | undefined> };

export interface Authenticator {
  /** The actor behind a bearer token, or null if it is unknown, expired, revoked, disabled or deleted. */
  authenticate(token: string): Promise<{ actor: Actor; tokenHash: string; expiresAt: number } | null>;
}

export class BodyTooLargeError extends Error {}

export class HttpApi {
  constructor(
    private readonly routes: readonly Route[],
    private readonly authenticator: Authenticator,
    private readonly log: Logger,
    /** The client's address (behind a trusted proxy, from X-Forwarded-For; ClientAddress.ts). */
    private readonly addressOf: (req: IncomingMessage) => string = (req) => req.socket.remoteAddress ?? 'unknown',
  ) {}

  /** Answers one `/api/...` request. Never throws. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    const base = { req, res, query: url.searchParams, address: this.addressOf(req) };
    try {
      const matching = this.routes.map((r) => ({ r, m: r.path.exec(path) })).filter((x) => x.m !== null);
      if (matching.length === 0) throw new ProtocolError('not-found', 'no such API endpoint');
      const hit = matching.find((x) => x.r.method === req.method);
      if (!hit?.m) {
        const allow = [...new Set(matching.map((x) => x.r.method)), 'OPTIONS'].join(', ');
        return sendJson(res, 405, apiError('bad-message', `use ${allow}`), { Allow: allow });
      }
      const ctx: RequestContext = { ...base, params: { ...hit.m.groups } };
      const route = hit.r;
      let reply: Reply | undefined;
      if (route.isPublic) {
        reply = await route.handle(ctx);
      } else {
        const who = await this.authenticate(req);
        reply = await route.handle({ ...ctx, ...who });
      }
      if (reply) sendJson(res, reply.status, reply.body, reply.headers);
    } catch (err) {
      this.fail(res, err, req.method ?? '?', path, base.address);
    }
  }

  private async authenticate(req: IncomingMessage): Promise<{ actor: Actor; tokenHash: string; expiresAt: number }> {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer ([A-Za-z0-9_-]{20,256})$/.exec(header);
    if (!m?.[1]) throw new ProtocolError('unauthorized', 'send Authorization: Bearer <token> from POST /api/login');
    const who = await this.authenticator.authenticate(m[1]);
    if (!who) throw new ProtocolError('unauthorized', 'the token is unknown, expired or revoked; sign in again');
    return who;
  }

  private fail(res: ServerResponse, err: unknown, method: string, path: string, address: string): void {
    const e: Error & { code?: string } = err instanceof Error ? err : new Error(String(err));
    if (e instanceof BodyTooLargeError) {
      this.log.warn('api body too large', { method, path: path.slice(0, 200), address });
      return sendJson(res, 413, apiError('bad-message', `the request body is larger than ${MAX_BODY_BYTES} bytes`), { Connection: 'close' });
    }
    const { code, message, internal } = toWireError(e);
    const status = STATUS_BY_CODE[code] ?? 400;
    if (internal) this.log.error('api handler failed', { method, path: path.slice(0, 200), err: e });
    else this.log.warn('api request refused', { method, path: path.slice(0, 200), address, code, detail: message.slice(0, 300) });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    const retryAfter = (e as { retryAfterS?: number }).retryAfterS;
    if (code === 'rate-limited' && retryAfter) headers['Retry-After'] = String(retryAfter);
    sendJson(res, status, apiError(code, message), headers);
  }
}

export function apiError(error: ApiError['error'], message: string): ApiError {
  return { error, message };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, { 'Cache-Control': 'no-store', ...extra });
    res.end();
    return;
  }
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

/** Reads and parses a JSON body; a bad one is a `bad-message` (400), a huge one a 413. */
export async function readJson<S extends z.ZodType>(c: RequestContext, schema: S): Promise<z.infer<S>> {
  const text = await readBody(c.req, MAX_BODY_BYTES);
  const r = parseJson(schema, text, `${c.req.method ?? ''} ${c.req.url?.split('?')[0] ?? ''}`);
  if (!r.ok) throw new ProtocolError('bad-message', r.error.message);
  return r.value;
}

/** Parses the query string (last value wins for repeated keys). */
export function readQuery<S extends z.ZodType>(c: RequestContext, schema: S): z.infer<S> {
  const r = parseUnknown(schema, Object.fromEntries(c.query.entries()), 'query');
  if (!r.ok) throw new ProtocolError('bad-message', r.error.message);
  return r.value;
}

/** A numeric path parameter (`:id`). */
export function intParam(c: RequestContext, name: string): number {
  const n = Number(c.params[name]);
  if (!Number.isSafeInteger(n) || n < 1) throw new ProtocolError('bad-message', `${name} must be a positive integer`);
  return n;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
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
