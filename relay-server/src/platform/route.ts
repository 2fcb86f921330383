/**
 * What a JSON API route is and the helpers its handler uses: the route and request types,
 * body and query parsing with the shared zod schemas, and JSON replies. Each feature writes
 * its own route table with these; http/HttpApi.ts dispatches them (authentication, errors).
 * Handlers throw a ProtocolError to refuse.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ProtocolError } from '@beacon/shared/errors';
import { parseJson, parseUnknown } from '@beacon/shared/parse';
import type { ApiError } from '@beacon/shared/protocol';

export const MAX_BODY_BYTES = 64 * 1024;

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Named groups of the route's path pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  address: string;
}

export interface AuthedContext<A> extends RequestContext {
  actor: A;
  tokenHash: string;
  expiresAt: number;
}

/** A JSON answer; `undefined` from a handler means it wrote the response itself (a stream). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** `A`: who a signed-in request acts as (accounts/Policy.ts `Actor`); the kit does not need to know. */
export type Route<A> =
  | { method: string; path: RegExp; isPublic: true; handle: (c: RequestContext) => Promise<Reply | undefined> }
  | { method: string; path: RegExp; isPublic?: false; handle: (c: AuthedContext<A>) => Promise<Reply | undefined> };

/** A body over MAX_BODY_BYTES; the router answers 413. */
export class BodyTooLargeError extends Error {}

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
      // Not read at all: the answer closes the connection (see HttpSurface).
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
