/**
 * A bare WebSocket to the relay's `/ws` for boundary tests: sends anything (including
 * garbage) and collects the relay's replies, parsed with the shared schema.
 */
import WebSocket from 'ws';
import { parseJson } from '@beacon/shared/parse';
import { RelayToClient } from '@beacon/shared/protocol';
import { PROTOCOL_VERSION } from '@beacon/shared/version';

export class RawSocket {
  readonly received: RelayToClient[] = [];
  readonly unparsable: string[] = [];
  closeInfo: { code: number; reason: string } | null = null;
  private listeners = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const r = parseJson(RelayToClient, data.toString(), 'relay->raw socket');
      if (r.ok) this.received.push(r.value);
      else this.unparsable.push(data.toString());
      this.notify();
    });
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      this.notify();
    });
    ws.on('error', () => undefined);
  }

  static open(relayUrl: string): Promise<RawSocket> {
    const url = new URL('/ws', relayUrl);
    url.protocol = 'ws:';
    const ws = new WebSocket(url.toString());
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawSocket(ws)));
      ws.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  json(value: unknown): void {
    this.ws.send(JSON.stringify(value));
  }

  helloAs(role: 'customer' | 'agent', token?: string): void {
    this.json({ type: 'hello', v: PROTOCOL_VERSION, role, ...(token ? { token } : {}) });
  }

  /**
   * Resolves with the n-th message received (1-based), waiting for it if needed. The wait is
   * generous: it bounds a failure, not a speed (3 s ran out on a machine with load 20).
   */
  async nth(n: number, timeoutMs = 10_000): Promise<RelayToClient> {
    await this.until(() => this.received.length >= n, timeoutMs, `message #${n}`);
    return this.received[n - 1] as RelayToClient;
  }

  async closed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closeInfo !== null, timeoutMs, 'close');
    return this.closeInfo as { code: number; reason: string };
  }

  close(): void {
    this.ws.close();
  }

  private until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.received).slice(0, 500)}`));
      }, timeoutMs);
      const listener = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}
