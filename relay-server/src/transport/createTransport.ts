/**
 * The `/ws` endpoint: one ClientConnection per WebSocket, the keepalive that drops clients
 * which stop answering pings, and closing them all at shutdown.
 */
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { LIMITS } from '@beacon/shared/protocol';
import type { Logger } from '../platform/logger.ts';
import type { ClientAddress } from './ClientAddress.ts';
import { CLOSE_GOING_AWAY, ClientConnection, type ConnectionContext } from './ClientConnection.ts';

const KEEPALIVE_MS = 30_000;
/** How long shutdown waits for clients to take their close frames before cutting them off. */
const SHUTDOWN_GRACE_MS = 1000;
/**
 * Frames up to this size are read so they can be refused with a `bad-message` reply (the
 * limit itself is LIMITS.maxJsonMessageBytes); anything bigger is cut off by `ws` (1009).
 */
export const WS_MAX_PAYLOAD = 4 * LIMITS.maxJsonMessageBytes;

export interface TransportDeps {
  server: Server;
  connection: ConnectionContext;
  clientAddress: ClientAddress;
  log: Logger;
  keepaliveMs?: number;
}

export interface Transport {
  readonly clientCount: number;
  /** Idempotent: closes every client (`relay-shutdown`), waits a moment for the close frames, then cuts off the rest. */
  close(): Promise<void>;
}

export function createTransport(d: TransportDeps): Transport {
  const clients = new Set<ClientConnection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  d.server.on('upgrade', (req, socket, head) => {
    const rawPath = (req.url ?? '').split('?')[0];
    if (rawPath !== '/ws') {
      d.log.warn('websocket upgrade on an unknown path refused', { path: (rawPath ?? '').slice(0, 200) });
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(new ClientConnection(ws, d.clientAddress.of(req), d.connection, (c) => clients.delete(c)));
    });
  });
  const keepalive = setInterval(() => {
    for (const c of [...clients]) {
      if (!c.isAlive) c.close('keepalive-timeout', CLOSE_GOING_AWAY);
      else c.ping();
    }
  }, d.keepaliveMs ?? KEEPALIVE_MS);
  keepalive.unref();

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    clearInterval(keepalive);
    for (const c of [...clients]) c.close('relay-shutdown', CLOSE_GOING_AWAY);
    // Let the close frames (and the session-ended before them) reach the clients before
    // the sockets are torn down; a client that does not answer is cut off after the grace.
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
  return {
    get clientCount() {
      return clients.size;
    },
    close: () => (closing ??= close()),
  };
}
