/**
 * The relay's HTTP surface: health check, the JSON API under `/api/` (see HttpApi.ts
 * and relay-server/API.md), and the static web apps for everything else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../platform/logger.ts';
import { apiError, sendJson } from '../platform/route.ts';
import type { HttpApi } from './HttpApi.ts';
import type { StaticFiles } from './StaticFiles.ts';

export class HttpSurface {
  constructor(
    private readonly api: Pick<HttpApi<unknown>, 'handle'>,
    private readonly staticFiles: StaticFiles,
    private readonly log: Logger,
  ) {}

  /** Never throws: a failing handler becomes a 500 and a log line. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The raw path, not a parsed URL: URL parsing would quietly resolve `..` and hide the attempt.
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    // A request with a body closes its connection after the answer: a body the handler did not
    // read (refused, unauthenticated, a route that takes none, over the limit) is then never
    // read to its end, instead of being drained to keep the connection alive.
    if (hasBody(req)) res.setHeader('Connection', 'close');
    try {
      if (rawPath === '/healthz') return sendJson(res, 200, { ok: true });
      if (rawPath === '/api' || rawPath.startsWith('/api/')) return await this.api.handle(req, res, rawPath);
      if (rawPath === '/ws') return sendJson(res, 426, apiError('bad-message', 'connect with a WebSocket'));
      return await this.staticFiles.serve(req, res, rawPath);
    } catch (err) {
      this.log.error('http handler failed', { path: rawPath.slice(0, 200), err });
      if (!res.headersSent) sendJson(res, 500, apiError('internal', 'internal error'));
      else res.destroy();
    }
  }
}

function hasBody(req: IncomingMessage): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  return (Number.isFinite(length) && length > 0) || req.headers['transfer-encoding'] !== undefined;
}
