/**
 * The JSON API's dispatcher: matches a request to the features' route tables (platform/route.ts),
 * authenticates bearer tokens (the seat's current role and groups are read from the database
 * on every request), and maps errors to HTTP statuses in one place. Handlers throw a
 * ProtocolError to refuse; anything else becomes a 500 and a log line.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, ProtocolError, toWireError } from '@beacon/shared/errors';
import type { Logger } from '../platform/logger.ts';
import { apiError, BodyTooLargeError, MAX_BODY_BYTES, sendJson, type AuthedContext, type Reply, type RequestContext, type Route } from '../platform/route.ts';

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
  // The service desk: the request is not in a state for this move, or the agent is full.
  'not-allowed': 409,
  'concurrency-limit': 409,
  'rate-limited': 429,
  internal: 500,
};

export interface Authenticator<A> {
  /** The actor behind a bearer token, or null if it is unknown, expired, revoked, disabled or deleted. */
  authenticate(token: string): Promise<{ actor: A; tokenHash: string; expiresAt: number } | null>;
}

export class HttpApi<A> {
  constructor(
    private readonly routes: readonly Route<A>[],
    private readonly authenticator: Authenticator<A>,
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

  private async authenticate(req: IncomingMessage): Promise<{ actor: A; tokenHash: string; expiresAt: number }> {
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

