/**
 * A scripted stand-in for the relay and the customer, for testing the console in a real
 * browser: it serves the console build, answers `POST /api/login`, speaks the signalling
 * protocol over a real WebSocket and answers the console's WebRTC offer with node-datachannel,
 * so the page runs its real RelayConnection. The test decides every reply.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseJson } from '@beacon/shared/parse';
import { ClientToRelay, CtlToRelay, LoginRequest, type CtlFromRelay, type LoginResponse, type RelayToClient } from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES, PROTOCOL_VERSION } from '@beacon/shared/version';
import { FakeRelayPeer } from '../../tests/harness/FakeRelayPeer.ts';

export const TOKEN = 'test-token-0123456789';
export const AGENT = { id: 1, login: 'alice', displayName: 'Alice Chen' };
export const PASSWORD = 'secret123';
/** Logging in as this user answers 429, as a rate-limited relay does. */
export const RATE_LIMITED_LOGIN = 'hammer';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/** Messages received in order; `next` waits for one that matches. */
export class Inbox<T> {
  readonly all: T[] = [];
  private cursor = 0;
  private wake: (() => void) | null = null;

  push(m: T): void {
    this.all.push(m);
    this.wake?.();
  }

  /** The next unread message matching `match` (earlier non-matching ones are skipped). */
  async next(match: (m: T) => boolean, what: string, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.all.length) {
        const m = this.all[this.cursor++] as T;
        if (match(m)) return m;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.all.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Forgets everything received so far. */
  skipAll(): void {
    this.cursor = this.all.length;
  }
}

/** One console connection: its socket and its WebRTC end (channels kept referenced). */
export class AgentLink {
  readonly signals = new Inbox<ClientToRelay>();
  readonly ctl = new Inbox<CtlToRelay>();
  private readonly peer: FakeRelayPeer;
  private readonly opened: Promise<void>;
  /** Messages from the console that failed the protocol schemas (must stay empty). */
  readonly malformed: string[] = [];
  /** Echo every ping as the customer would. */
  isEchoingPings = true;

  constructor(private readonly ws: WebSocket) {
    let markOpen!: () => void;
    this.opened = new Promise((resolve) => (markOpen = resolve));
    this.peer = new FakeRelayPeer((m) => this.send(m), { onCtl: (text) => this.onCtl(text), onChannels: () => markOpen() });
  }

  whenChannelsOpen(): Promise<void> {
    return this.opened;
  }

  send(msg: RelayToClient): void {
    this.ws.send(JSON.stringify(msg));
  }

  sendCtl(msg: CtlFromRelay): void {
    this.peer.sendCtl(msg);
  }

  sendMedia(fragment: Uint8Array): void {
    this.peer.sendMedia(fragment);
  }

  /** The network drops: socket and peer connection go away without a goodbye. */
  drop(): void {
    this.ws.terminate();
    this.close();
  }

  close(): void {
    this.peer.close();
  }

  onSignal(msg: ClientToRelay): void {
    this.peer.onSignal(msg);
    this.signals.push(msg);
  }

  private onCtl(text: string): void {
    const r = parseJson(CtlToRelay, text, 'fake relay ctl');
    if (!r.ok) {
      this.malformed.push(r.error.message);
      return;
    }
    const msg = r.value;
    if (msg.type === 'ping' && this.isEchoingPings) this.sendCtl({ type: 'pong', sessionId: msg.sessionId, t: msg.t });
    this.ctl.push(msg);
  }
}

export class FakeRelay {
  readonly links: AgentLink[] = [];
  /** Signalling from the console that failed the protocol schemas (must stay empty). */
  readonly malformed: string[] = [];
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private linkWaiters: ((link: AgentLink) => void)[] = [];
  loginAttempts = 0;

  private constructor(private readonly staticDir: string) {
    this.server = createServer((req, res) => void this.onHttp(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: '/ws' });
    this.wss.on('connection', (ws) => this.onSocket(ws));
  }

  static async start(staticDir: string): Promise<FakeRelay> {
    const relay = new FakeRelay(staticDir);
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next console connection that gets its channels open. */
  nextLink(timeoutMs = 10_000): Promise<AgentLink> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no console connected')), timeoutMs);
      this.linkWaiters.push((link) => {
        clearTimeout(timer);
        resolve(link);
      });
    });
  }

  async close(): Promise<void> {
    for (const l of this.links) l.close();
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onSocket(ws: WebSocket): void {
    let link: AgentLink | null = null;
    ws.on('message', (data, isBinary) => {
      const r = isBinary ? null : parseJson(ClientToRelay, data.toString(), 'fake relay ws');
      if (!r?.ok) {
        this.malformed.push(r ? r.error.message : 'binary signalling');
        return;
      }
      const msg = r.value;
      if (!link) {
        if (msg.type !== 'hello' || msg.v !== PROTOCOL_VERSION || msg.role !== 'agent' || msg.token !== TOKEN) {
          ws.send(JSON.stringify({ type: 'error', code: 'unauthorized', message: 'bad hello' } satisfies RelayToClient));
          ws.close();
          return;
        }
        link = new AgentLink(ws);
        const current = link;
        this.links.push(current);
        current.send({ type: 'welcome', v: PROTOCOL_VERSION, role: 'agent', agent: AGENT, capabilities: [...KNOWN_CAPABILITIES] });
        void current.whenChannelsOpen().then(() => {
          const waiters = this.linkWaiters;
          this.linkWaiters = [];
          for (const w of waiters) w(current);
        });
        return;
      }
      // Like the real relay: every heartbeat is answered (a client that speaks `resume` closes a silent link).
      if (msg.type === 'heartbeat') ws.send(JSON.stringify({ type: 'heartbeat' } satisfies RelayToClient));
      else link.onSignal(msg);
    });
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'POST' && req.url === '/api/login') {
      this.loginAttempts++;
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const r = parseJson(LoginRequest, body, 'fake relay login');
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (!r.ok) return reply(400, { error: 'bad-message', message: r.error.message });
      if (r.value.login === RATE_LIMITED_LOGIN) return reply(429, { error: 'rate-limited', message: 'slow down' });
      if (r.value.login !== AGENT.login || r.value.password !== PASSWORD) return reply(401, { error: 'unauthorized', message: 'no' });
      return reply(200, { token: TOKEN, expiresAt: Date.now() + 3_600_000, agent: AGENT } satisfies LoginResponse);
    }
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(this.staticDir, path === sep || path === '/' ? 'index.html' : path);
    if (!file.startsWith(this.staticDir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  }
}
