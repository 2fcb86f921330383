/** Request bodies nobody reads are not read to their end (a 100 MiB upload to a route that takes none). */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { useRelaySuite } from '../testing/testRelay.ts';

const BODY_BYTES = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, 0x61);

const suite = useRelaySuite();

/**
 * Sends `head` declaring a 100 MiB body, then writes the body as fast as the relay takes it,
 * until the relay answers and closes. Returns the status and how much of the body it took.
 */
function upload(port: number, head: string): Promise<{ status: number; sentBytes: number; isClosed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let sent = 0;
    let answer = '';
    let isDone = false;
    const finish = (isClosed: boolean) => {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      resolve({ status, sentBytes: sent, isClosed });
    };
    // The relay kept reading for 20 s: it is draining the body.
    const timer = setTimeout(() => finish(false), 20_000);
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', () => {
      socket.write(`${head}Content-Length: ${BODY_BYTES}\r\nContent-Type: application/json\r\nHost: relay\r\n\r\n`);
      const pump = () => {
        while (!isDone && sent < BODY_BYTES) {
          sent += CHUNK.length;
          if (!socket.write(CHUNK)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    socket.on('timeout', () => reject(new Error('socket timeout')));
  });
}

describe('request bodies', () => {
  for (const [what, head] of [
    ['an unauthenticated POST /api/seats', 'POST /api/seats HTTP/1.1\r\n'],
    ['GET /healthz', 'GET /healthz HTTP/1.1\r\n'],
    ['a sign-in over the body limit', 'POST /api/login HTTP/1.1\r\n'],
  ] as const) {
    test(`${what} with a 100 MiB body is answered and the connection closed without reading it all`, { timeout: 60_000 }, async () => {
      const r = await upload(suite.t().relay.port, head);
      assert.ok(r.isClosed, 'the relay closed the connection');
      assert.ok(r.status >= 200, `answered with a status line (${r.status})`);
      assert.ok(r.sentBytes < BODY_BYTES / 4, `the relay took ${(r.sentBytes / 1048576).toFixed(1)} MiB of the 100 MiB body`);
      // Still serving.
      assert.equal((await fetch(new URL('/healthz', suite.t().relay.url))).status, 200);
    });
  }
});
