/**
 * A stand-in relay for testing the customer renderer in a real browser (Node only).
 *
 * It speaks the real protocol (WebSocket signalling parsed with the shared schemas, a real
 * WebRTC peer via node-datachannel, the real media framing) but has no logic of its own:
 * the test script decides what the relay says and inspects what the customer sent. It
 * also serves a renderer build at `/customer/`, so the page runs in a secure context.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import nodeDataChannel from 'node-datachannel';
import { WebSocketServer, type WebSocket } from 'ws';
import { Reassembler, type AssembledFrame } from '@beacon/shared/framing';
import { parseJson } from '@beacon/shared/parse';
import { ClientToRelay, CtlToRelay, type CtlFromRelay, type RelayToClient } from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES, PROTOCOL_VERSION } from '@beacon/shared/version';
import { FakeRelayPeer } from '../../tests/harness/FakeRelayPeer.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

async function until<T>(what: string, check: () => T | undefined | null | false, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One customer connection as the relay sees it. */
export class CustomerLink {
  readonly signals: ClientToRelay[] = [];
  readonly ctl: CtlToRelay[] = [];
  readonly frames: AssembledFrame[] = [];
  /** Anything the customer sent that the protocol does not allow (tests assert it stays empty). */
  readonly protocolErrors: string[] = [];
  deviceId = '';
  code = '';
  private readonly peer: FakeRelayPeer;
  private readonly reassembler = new Reassembler();
  isClosed = false;

  constructor(private readonly ws: WebSocket) {
    this.peer = new FakeRelayPeer((m) => this.send(m), { onCtl: (text) => this.onCtlText(text), onMedia: (bytes) => this.onMedia(bytes) });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const r = parseJson(ClientToRelay, String(data), 'fake relay ws');
      if (r.ok) this.onSignal(r.value);
      else this.protocolErrors.push(r.error.message);
    });
    ws.on('close', () => this.close());
  }

  private onSignal(msg: ClientToRelay): void {
    // Like the real relay: every heartbeat is answered (a client that speaks `resume` closes a silent link).
    if (msg.type === 'heartbeat') return this.send({ type: 'heartbeat' });
    this.signals.push(msg);
    if (msg.type === 'hello') {
      this.deviceId = String(100_000_000 + Math.floor(Math.random() * 899_999_999));
      this.code = 'AB12CD';
      this.send({ type: 'welcome', v: PROTOCOL_VERSION, role: 'customer', deviceId: this.deviceId, code: this.code, codeExpiresAt: Date.now() + 600_000, capabilities: [...KNOWN_CAPABILITIES] });
    } else {
      this.peer.onSignal(msg);
    }
  }

  private onCtlText(text: string): void {
    const r = parseJson(CtlToRelay, text, 'fake relay ctl');
    if (r.ok) this.ctl.push(r.value);
    else this.protocolErrors.push(r.error.message);
  }

  private onMedia(bytes: Uint8Array): void {
    try {
      const frame = this.reassembler.push(bytes);
      if (frame) this.frames.push(frame);
    } catch (err) {
      this.protocolErrors.push(String(err));
    }
  }

  send(msg: RelayToClient): void {
    if (!this.isClosed) this.ws.send(JSON.stringify(msg));
  }

  sendCtl(msg: CtlFromRelay): void {
    this.peer.sendCtl(msg);
  }

  get hasChannels(): boolean {
    return this.peer.isOpen;
  }

  waitForSignal<T extends ClientToRelay['type']>(type: T, timeoutMs = 5000): Promise<Extract<ClientToRelay, { type: T }>> {
    return until(`a ${type} from the customer`, () => this.signals.find((s): s is Extract<ClientToRelay, { type: T }> => s.type === type), timeoutMs);
  }

  waitForCtl<T extends CtlToRelay['type']>(type: T, after = 0, timeoutMs = 5000): Promise<Extract<CtlToRelay, { type: T }>> {
    return until(`a ${type} on ctl`, () => this.ctl.slice(after).find((s): s is Extract<CtlToRelay, { type: T }> => s.type === type), timeoutMs);
  }

  waitForFrames(count: number, timeoutMs = 8000): Promise<AssembledFrame[]> {
    return until(`${count} frames`, () => this.frames.length >= count && this.frames, timeoutMs);
  }

  /** The relay goes away (crash, network loss). */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.ws.terminate();
    this.peer.close();
  }
}

export class FakeRelay {
  readonly links: CustomerLink[] = [];
  private readonly wss: WebSocketServer;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    this.wss = new WebSocketServer({ server, path: '/ws' });
    this.wss.on('connection', (ws) => this.links.push(new CustomerLink(ws)));
  }

  /** Serves `staticDir` at `/customer/` on a free loopback port. */
  static async start(staticDir: string): Promise<FakeRelay> {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/blank') {
        // An empty page on this origin: a secure context for tests that bring their own script.
        res.writeHead(200, { 'content-type': MIME['.html'] }).end('<!doctype html><title>blank</title>');
        return;
      }
      if (!path.startsWith('/customer/')) {
        res.writeHead(404).end();
        return;
      }
      const rel = normalize(path.slice('/customer/'.length) || 'index.html');
      if (rel.startsWith('..')) {
        res.writeHead(403).end();
        return;
      }
      readFile(join(staticDir, rel)).then(
        (body) => res.writeHead(200, { 'content-type': MIME[extname(rel)] ?? 'application/octet-stream' }).end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new FakeRelay(server, `http://127.0.0.1:${port}`);
  }

  /** The first customer (from index `after` on) that registered and opened both data channels. */
  waitForCustomer(after = 0, timeoutMs = 10_000): Promise<CustomerLink> {
    return until('a customer to connect', () => this.links.slice(after).find((l) => l.deviceId && l.hasChannels && !l.isClosed), timeoutMs);
  }

  async close(): Promise<void> {
    for (const l of this.links) l.close();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    nodeDataChannel.cleanup();
  }
}
