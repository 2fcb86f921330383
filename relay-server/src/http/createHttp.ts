/**
 * The relay's HTTP server: the JSON API made of every feature's routes, the static web apps,
 * and listening. The `/ws` upgrade is attached by the transport.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Logger } from '../platform/logger.ts';
import type { Route } from '../platform/route.ts';
import { HttpApi, type Authenticator } from './HttpApi.ts';
import { HttpSurface } from './HttpSurface.ts';
import { StaticFiles } from './StaticFiles.ts';

export interface HttpDeps<A> {
  routes: readonly Route<A>[];
  authenticator: Authenticator<A>;
  log: Logger;
  /** The client's address (behind a trusted proxy, from X-Forwarded-For). */
  addressOf(req: IncomingMessage): string;
  /** Build folders of the web apps. */
  staticRoots: { agent: string; customer: string };
}

export interface Http {
  readonly server: Server;
  /** Resolves with the bound port; rejects if the address cannot be bound. */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export function createHttp<A>(d: HttpDeps<A>): Http {
  const staticFiles = new StaticFiles(
    [
      { prefix: '/', root: d.staticRoots.agent },
      { prefix: '/customer/', root: d.staticRoots.customer },
    ],
    d.log,
  );
  const surface = new HttpSurface(new HttpApi(d.routes, d.authenticator, d.log, d.addressOf), staticFiles, d.log);
  const server = createServer((req, res) => void surface.handle(req, res));
  server.on('clientError', (err, socket) => {
    d.log.warn('malformed http request', { err });
    socket.destroy();
  });
  return {
    server,
    listen: (port, host) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const bound = server.address();
          resolve(typeof bound === 'object' && bound !== null ? bound.port : 0);
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
