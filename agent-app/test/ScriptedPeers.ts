/**
 * Signalling-only peers for the back-office tests: a customer that answers consent requests
 * and an agent that asks for sessions, both speaking the real protocol to the real relay
 * over WebSocket (no WebRTC, no screen). They fill the log with sessions whose outcome and
 * duration the test chooses. Every frame is parsed with the shared schemas.
 */
import WebSocket from 'ws';
import { parseJson } from '@beacon/shared/parse';
import { RelayToClient, type ClientToRelay, type LoginResponse } from '@beacon/shared/protocol';
import { PROTOCOL_VERSION } from '@beacon/shared/version';
import { NdcClient } from '../../relay-server/src/testing/NdcClient.ts';

type Msg = RelayToClient;

class SignalLink {
  readonly received: Msg[] = [];
  private readonly waiters = new Set<() => void>();
  readonly malformed: string[] = [];

  protected constructor(protected readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const r = parseJson(RelayToClient, data.toString(), 'relay->scripted peer');
      if (!r.ok) {
        this.malformed.push(r.error.message);
        return;
      }
      this.received.push(r.value);
      for (const w of [...this.waiters]) w();
    });
  }

  protected static async open(relayUrl: string, hello: ClientToRelay): Promise<WebSocket> {
    const ws = new WebSocket(`${relayUrl.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify(hello));
    return ws;
  }

  send(msg: ClientToRelay): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** The first message (from `from` on) matching `pick`; waits for it if it has not arrived. */
  next<T extends Msg>(pick: (m: Msg) => m is T, what: string, from = 0, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.received.slice(from).find(pick);
        if (!hit) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; got ${this.received.map((m) => m.type).join(', ')}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  close(): void {
    this.ws.close();
  }
}

const is =
  <K extends Msg['type']>(type: K, extra: (m: Extract<Msg, { type: K }>) => boolean = () => true) =>
  (m: Msg): m is Extract<Msg, { type: K }> =>
    m.type === type && extra(m as Extract<Msg, { type: K }>);

/**
 * A customer app that is online and answers every consent request as told. It opens a real
 * WebRTC link (the relay starts a session only once the customer's channels are open), with
 * the client the relay's own tests use; the script reads the same WebSocket.
 */
export class ScriptedCustomer extends SignalLink {
  deviceId = '';
  private code = '';

  private constructor(private readonly rtc: NdcClient) {
    super(rtc.ws);
  }

  static async connect(relayUrl: string): Promise<ScriptedCustomer> {
    const c = new ScriptedCustomer(await NdcClient.open({ relayUrl, role: 'customer' }));
    c.deviceId = c.rtc.device.deviceId;
    c.code = c.rtc.device.code;
    return c;
  }

  /** The code the customer would read out now (it changes after every attempt). */
  currentCode(): string {
    const update = this.received.filter(is('code-update')).at(-1);
    return update?.code ?? this.code;
  }

  /** Waits for the next consent request after message index `from`. */
  consentRequest(from: number) {
    return this.next(is('consent-request'), 'consent-request', from);
  }

  answer(sessionId: string, granted: boolean): void {
    this.send({ type: 'consent-reply', sessionId, granted });
  }

  stop(sessionId: string): void {
    this.send({ type: 'session-stop', sessionId });
  }

  override close(): void {
    this.rtc.close();
  }
}

/** An agent signed in through the API, asking for sessions over signalling only. */
export class ScriptedAgent extends SignalLink {
  static async signIn(relayUrl: string, login: string, password: string): Promise<ScriptedAgent> {
    const res = await fetch(`${relayUrl}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }) });
    const signIn = (await res.json()) as LoginResponse;
    if (!res.ok) throw new Error(`sign-in of ${login} failed: ${JSON.stringify(signIn)}`);
    const a = new ScriptedAgent(await SignalLink.open(relayUrl, { type: 'hello', v: PROTOCOL_VERSION, role: 'agent', token: signIn.token }));
    await a.next(is('welcome'), 'agent welcome');
    return a;
  }

  private requests = 0;

  /**
   * One session attempt on `customer`, answered with `granted`; a granted one is ended by
   * the agent after `holdMs`. Resolves with the session ID once it is over.
   */
  async session(customer: ScriptedCustomer, granted: boolean, holdMs = 0, customerId?: number): Promise<string> {
    const requestId = `scripted-${++this.requests}`;
    const from = customer.received.length;
    const mine = this.received.length;
    this.send({
      type: 'connect-request',
      requestId,
      deviceId: customer.deviceId,
      code: customer.currentCode(),
      permissions: { view: true, control: true },
      ...(customerId ? { customerId } : {}),
    });
    const ask = await customer.consentRequest(from);
    customer.answer(ask.sessionId, granted);
    if (!granted) {
      await this.next(is('session-denied', (m) => m.sessionId === ask.sessionId), 'session-denied', mine);
    } else {
      await this.next(is('session-started', (m) => m.sessionId === ask.sessionId), 'session-started', mine);
      await new Promise((r) => setTimeout(r, holdMs));
      this.send({ type: 'session-end', sessionId: ask.sessionId });
      await this.next(is('session-ended', (m) => m.sessionId === ask.sessionId), 'session-ended', mine);
    }
    // The relay rotates the code after every attempt; wait for it so the next attempt uses the new one.
    await customer.next(is('code-update'), 'code-update', from);
    return ask.sessionId;
  }
}
