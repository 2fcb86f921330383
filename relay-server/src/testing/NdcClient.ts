/**
 * A Beacon client in Node, built on node-datachannel and `ws`: the same handshake as the
 * browser's RelayConnection (hello, welcome, offer with `ctl` + `media` channels). Tests
 * use it to play customer and agent against a real relay; benchmarks use it to simulate
 * load. Everything received is parsed with the shared schemas.
 */
import nodeDataChannel, { type DataChannel, type PeerConnection } from 'node-datachannel';
import WebSocket from 'ws';
import { holdUntilClosed } from '../platform/nativeHandles.ts';
import { parseJson } from '@beacon/shared/parse';
import {
  CtlFromRelay,
  LoginResponse,
  RelayToClient,
  type ClientToRelay,
  type CtlToRelay,
  type SessionPermissions,
  type Role,
  type AgentWelcome,
  type CustomerWelcome,
  type ResumeClaim,
  type Welcome,
} from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES, PROTOCOL_VERSION } from '@beacon/shared/version';

export type { Welcome };
type ByType<U, T> = Extract<U, { type: T }>;

export interface NdcClientOptions {
  /** Relay base URL, `http://host:port`. */
  relayUrl: string;
  role: Role;
  token?: string;
  /** Capability `relay-cluster`: the ticket of a `relay-redirect`, instead of a token. */
  ticket?: string;
  /** Set false to stop after the welcome (signalling only, no WebRTC). */
  isRtc?: boolean;
  timeoutMs?: number;
  name?: string;
  /** The `a=max-message-size` this client announces (256 KiB unless set; aiortc says 65536). */
  maxMessageSize?: number;
  /** The labels of the data channels it opens (default `ctl` and `media`); see {@link startRtc}. */
  channels?: readonly string[];
  /** The features this client says it speaks (default: all this version knows but `resume`, which it does not implement by itself). */
  capabilities?: string[];
  /** `hello.resume`: the sessions this client asks back. */
  resume?: ResumeClaim[];
}

interface Waiter<T> {
  match: (m: T) => boolean;
  resolve: (m: T) => void;
}

/** Messages of one kind, kept until a test takes them; `next` waits for one that matches. */
class Inbox<T extends { type: string }> {
  private readonly queue: T[] = [];
  private readonly waiters = new Set<Waiter<T>>();
  readonly all: T[] = [];

  push(m: T): void {
    this.all.push(m);
    for (const w of this.waiters) {
      if (w.match(m)) {
        this.waiters.delete(w);
        w.resolve(m);
        return;
      }
    }
    this.queue.push(m);
  }

  next<K extends T['type']>(type: K, timeoutMs: number, where: (m: ByType<T, K>) => boolean = () => true): Promise<ByType<T, K>> {
    return this.nextWhere((m): m is ByType<T, K> => m.type === type && where(m as ByType<T, K>), timeoutMs, `"${type}"`);
  }

  /** The first message (queued or future) that `match` accepts; it is taken from the queue. */
  nextWhere<M extends T>(match: (m: T) => m is M, timeoutMs: number, label = 'a message'): Promise<M> {
    const i = this.queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0] as M);
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = {
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as M);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label}; got: ${this.all.map((m) => m.type).join(', ') || 'nothing'}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Messages not taken by `next` yet. */
  pending(): readonly T[] {
    return this.queue;
  }
}

export class NdcClient {
  readonly inbox = new Inbox<RelayToClient>();
  readonly ctlInbox = new Inbox<CtlFromRelay>();
  /** Media fragments received, in order (agents). */
  readonly media: Buffer[] = [];
  mediaBytes = 0;
  onMedia: ((fragment: Buffer) => void) | null = null;
  /** Frames that failed the shared schemas, or signalling libdatachannel refused (should stay empty). */
  readonly malformed: string[] = [];
  private pc: PeerConnection | null = null;

  /** The relay's end of the connected ICE pair (its UDP port), null before ICE connects. */
  get relayPort(): number | null {
    return this.pc?.getSelectedCandidatePair()?.remote.port ?? null;
  }
  /**
   * Our ICE candidates, held back until the relay's answer is applied. libdatachannel lets
   * ICE and DTLS start as soon as the relay can reach us; if the relay's certificate then
   * arrives before the answer carrying its fingerprint, the check fails ("unknown CA") and
   * the link dies. Browsers wait for the fingerprint; this client has to make sure of it.
   */
  private heldCandidates: { candidate: string; mid: string }[] | null = [];
  private ctl: DataChannel | null = null;
  private mediaChannel: DataChannel | null = null;
  /** Every channel this client opened, referenced so none is garbage-collected. */
  private channels: DataChannel[] = [];
  private isClosed = false;
  welcome!: Welcome;

  /** A customer connection's device ID, code and code expiry (throws for an agent connection). */
  get device(): CustomerWelcome {
    if (this.welcome.role !== 'customer') throw new Error('an agent connection has no device');
    return this.welcome;
  }

  /** An agent connection's seat (throws for a customer connection). */
  get signedInAs(): AgentWelcome['agent'] {
    if (this.welcome.role !== 'agent') throw new Error('a customer connection is not signed in');
    return this.welcome.agent;
  }

  private readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    readonly ws: WebSocket,
    private readonly opts: NdcClientOptions,
  ) {
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(opts: NdcClientOptions): Promise<NdcClient> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const url = new URL(opts.relayUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.pathname = '/ws';
    const ws = new WebSocket(url.toString());
    const client = new NdcClient(ws, opts);
    ws.on('message', (data, isBinary) => client.onSignal(isBinary ? null : data.toString()));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const hello: ClientToRelay = { type: 'hello', v: PROTOCOL_VERSION, role: opts.role, capabilities: opts.capabilities ?? KNOWN_CAPABILITIES.filter((c) => c !== 'resume') };
    if (opts.token) hello.token = opts.token;
    if (opts.ticket) hello.ticket = opts.ticket;
    if (opts.resume) hello.resume = opts.resume;
    ws.send(JSON.stringify(hello));
    const first = await client.inbox.nextWhere(
      (m): m is Welcome | ByType<RelayToClient, 'error' | 'resume-redirect'> => m.type === 'welcome' || m.type === 'error' || m.type === 'resume-redirect',
      timeoutMs,
      'welcome',
    );
    // Capability `relay-failover`: the session is held by another relay; the caller goes there.
    if (first.type === 'resume-redirect') {
      client.close();
      throw Object.assign(new Error(`resume sent to ${first.url}`), { redirect: first });
    }
    if (first.type === 'error') {
      client.close();
      throw Object.assign(new Error(`relay refused hello: ${first.code}: ${first.message}`), { code: first.code });
    }
    client.welcome = first;
    if (opts.isRtc !== false) await client.startRtc(timeoutMs);
    return client;
  }

  /** Sends a signalling message. */
  send(msg: ClientToRelay): void {
    this.sendRaw(JSON.stringify(msg));
  }

  sendRaw(text: string | Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  sendCtl(msg: CtlToRelay): boolean {
    return this.sendCtlRaw(JSON.stringify(msg));
  }

  sendCtlRaw(text: string): boolean {
    return !this.isClosed && this.ctl?.isOpen() === true && this.ctl.sendMessage(text);
  }

  sendMedia(fragment: Uint8Array): boolean {
    return !this.isClosed && this.mediaChannel?.isOpen() === true && this.mediaChannel.sendMessageBinary(fragment);
  }

  get mediaBufferedAmount(): number {
    return this.mediaChannel?.bufferedAmount() ?? 0;
  }

  /** Bytes queued on `ctl` that the relay has not taken yet (a flooding test paces itself by it). */
  get ctlBufferedAmount(): number {
    return this.ctl?.bufferedAmount() ?? 0;
  }

  next<K extends RelayToClient['type']>(type: K, timeoutMs = 5000, where?: (m: ByType<RelayToClient, K>) => boolean): Promise<ByType<RelayToClient, K>> {
    return this.inbox.next(type, timeoutMs, where);
  }

  nextCtl<K extends CtlFromRelay['type']>(type: K, timeoutMs = 5000, where?: (m: ByType<CtlFromRelay, K>) => boolean): Promise<ByType<CtlFromRelay, K>> {
    return this.ctlInbox.next(type, timeoutMs, where);
  }

  /** Resolves when the socket has closed, with the close code and reason. */
  whenClosed(): Promise<{ code: number; reason: string }> {
    return this.closed;
  }

  /** Like a cut cable: the socket is dropped without a close frame (the relay sees 1006), the peer connection goes. */
  drop(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.ws.terminate();
    // After the relay saw the socket go: on a cut cable the peer connection's goodbye never arrives either.
    setTimeout(() => {
      try {
        for (const dc of this.channels) dc.close();
        this.pc?.close();
      } catch {
        /* already closed */
      }
    }, 300);
  }

  /** Idempotent: closes the peer connection and the socket. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    try {
      for (const dc of this.channels) dc.close();
      this.pc?.close();
    } catch {
      /* already closed */
    }
    this.ws.close();
  }

  private onSignal(text: string | null): void {
    if (text === null) {
      this.malformed.push('(binary)');
      return;
    }
    const r = parseJson(RelayToClient, text, 'relay->ndc client');
    if (!r.ok) {
      this.malformed.push(text.slice(0, 200));
      return;
    }
    const msg = r.value;
    // Signalling can still arrive after close(); libdatachannel throws on a closed connection.
    try {
      if (this.isClosed) {
        /* ignore late signalling */
      } else if (msg.type === 'rtc-answer') {
        this.pc?.setRemoteDescription(msg.sdp, 'answer');
        for (const c of this.heldCandidates ?? []) this.send({ type: 'rtc-candidate', ...c });
        this.heldCandidates = null;
      }
      else if (msg.type === 'rtc-candidate') this.pc?.addRemoteCandidate(msg.candidate, msg.mid);
    } catch (err) {
      this.malformed.push(`rtc: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.inbox.push(msg);
  }

  /**
   * The peer connection and its channels: `ctl` and `media` unless `opts.channels` names others
   * (a broken or foreign client). Resolves once the channels named `ctl`/`media` are open, or,
   * with neither, once ICE connected.
   */
  async startRtc(timeoutMs: number): Promise<void> {
    const pc = new nodeDataChannel.PeerConnection(this.opts.name ?? `ndc-${this.opts.role}`, { iceServers: [], maxMessageSize: this.opts.maxMessageSize ?? 256 * 1024 });
    this.pc = pc;
    pc.onLocalDescription((sdp, type) => {
      if (type === 'offer') this.send({ type: 'rtc-offer', sdp });
    });
    pc.onLocalCandidate((raw, mid) => {
      const c = { candidate: raw.replace(/^a=/, ''), mid };
      if (this.heldCandidates) this.heldCandidates.push(c);
      else this.send({ type: 'rtc-candidate', ...c });
    });
    this.channels = (this.opts.channels ?? ['ctl', 'media']).map((label) => holdUntilClosed(pc.createDataChannel(label)));
    const ctl = this.channels.find((dc) => dc.getLabel() === 'ctl') ?? null;
    const media = this.channels.find((dc) => dc.getLabel() === 'media') ?? null;
    this.ctl = ctl;
    this.mediaChannel = media;
    ctl?.onMessage((m) => {
      if (typeof m !== 'string') return void this.malformed.push('(binary ctl)');
      const r = parseJson(CtlFromRelay, m, 'ctl relay->ndc client');
      if (r.ok) this.ctlInbox.push(r.value);
      else this.malformed.push(m.slice(0, 200));
    });
    media?.onMessage((m) => {
      if (!Buffer.isBuffer(m)) return;
      this.mediaBytes += m.length;
      if (this.onMedia) this.onMedia(m);
      else this.media.push(m);
    });
    const awaited = [ctl, media].filter((dc): dc is DataChannel => dc !== null);
    try {
      await (awaited.length ? Promise.all(awaited.map((dc) => whenOpen(dc, timeoutMs))) : whenConnected(pc, timeoutMs));
    } catch (err) {
      // Say where WebRTC got stuck: signalling, ICE or the channels.
      const where = `pc ${pc.state()}, ice ${pc.iceState()}, signalling ${pc.signalingState()}, gathering ${pc.gatheringState()}, ctl open ${ctl?.isOpen()}, media open ${media?.isOpen()}`;
      throw new Error(`${err instanceof Error ? err.message : String(err)} (${where}; relay said: ${this.inbox.all.map((m) => m.type).join(', ')})`);
    }
  }
}

function whenConnected(pc: PeerConnection, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (pc.state() === 'connected') return resolve();
      if (Date.now() > end) return reject(new Error(`not connected in ${timeoutMs} ms`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

function whenOpen(dc: DataChannel, timeoutMs: number): Promise<void> {
  if (dc.isOpen()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`channel ${dc.getLabel()} did not open in ${timeoutMs} ms`)), timeoutMs);
    dc.onOpen(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Signs in over HTTP and returns the token. */
export async function loginAgent(relayUrl: string, login: string, password: string): Promise<LoginResponse> {
  const res = await fetch(new URL('/api/login', relayUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${text}`);
  const r = parseJson(LoginResponse, text, 'login response');
  if (!r.ok) throw r.error;
  return r.value;
}

export interface OpenedSession {
  sessionId: string;
  streamId: number;
}

/**
 * Drives a full connect: request with the customer's current code, consent, started on both
 * sides. Permissions `{view: false, control: false}` open a voice-only session.
 */
export async function openSession(agent: NdcClient, customer: NdcClient, permissions: SessionPermissions, timeoutMs = 5000): Promise<OpenedSession> {
  const deviceId = customer.device.deviceId;
  const latestCode = customer.inbox.all.filter((m) => m.type === 'code-update').at(-1);
  const code = latestCode?.type === 'code-update' ? latestCode.code : (customer.device.code);
  const requestId = `req-${Math.random().toString(36).slice(2, 10)}`;
  agent.send({ type: 'connect-request', requestId, deviceId, code, permissions, ...(permissions.view ? {} : { mode: 'voice' as const }) });
  const pending = await agent.next('session-pending', timeoutMs, (m) => m.requestId === requestId);
  const ask = await customer.next('consent-request', timeoutMs, (m) => m.sessionId === pending.sessionId);
  customer.send({ type: 'consent-reply', sessionId: ask.sessionId, granted: true });
  const started = await agent.next('session-started', timeoutMs, (m) => m.sessionId === pending.sessionId);
  await customer.next('session-started', timeoutMs, (m) => m.sessionId === pending.sessionId);
  return { sessionId: started.sessionId, streamId: started.streamId };
}
