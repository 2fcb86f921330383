/**
 * A load balancer in front of several relays, as an operator would put nginx or HAProxy there:
 * each new TCP connection (WebSocket or HTTP) goes to the next relay in turn, and a relay that
 * refuses the connection (it is dead) is skipped for the next one. It knows nothing of Beacon:
 * bytes are copied both ways.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface RoundRobinFront {
  /** `http://127.0.0.1:<port>`: what clients are pointed at. */
  readonly url: string;
  /** Where each accepted connection went (the upstream's port), in order. */
  readonly routed: number[];
  close(): Promise<void>;
}

/** Connects to the first upstream from `start` that accepts, in turn; null if none does. */
function connectAny(ports: readonly number[], start: number): Promise<{ socket: Socket; port: number } | null> {
  return new Promise((resolve) => {
    const attempt = (i: number) => {
      if (i >= ports.length) return resolve(null);
      const port = ports[(start + i) % ports.length] as number;
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve({ socket, port }));
      socket.once('error', () => attempt(i + 1));
    };
    attempt(0);
  });
}

export async function startRoundRobinFront(upstreamPorts: readonly number[]): Promise<RoundRobinFront> {
  let next = 0;
  const routed: number[] = [];
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.pause();
    client.on('error', () => client.destroy());
    client.on('close', () => open.delete(client));
    void connectAny(upstreamPorts, next++).then((up) => {
      if (!up || client.destroyed) return void (up?.socket.destroy(), client.destroy());
      routed.push(up.port);
      open.add(up.socket);
      up.socket.on('close', () => open.delete(up.socket));
      // A dead upstream drops its clients without a goodbye, as a balancer passes a reset on.
      up.socket.on('error', () => client.destroy());
      up.socket.on('close', () => client.destroy());
      client.on('close', () => up.socket.destroy());
      client.pipe(up.socket);
      up.socket.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
