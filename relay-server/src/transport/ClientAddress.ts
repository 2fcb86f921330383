/**
 * The address a request really comes from, for rate limits, lockouts and logs.
 *
 * Behind a reverse proxy (TLS termination, a load balancer) every request arrives from the
 * proxy, so all customers would share one rate limit. When the socket's peer is a proxy the
 * operator listed in BEACON_TRUSTED_PROXIES, the relay reads `X-Forwarded-For` from the right
 * (the hop the trusted proxy added) and takes the first address that is not itself a trusted
 * proxy. Anything else in the header is client-supplied and ignored: without a trusted proxy
 * in front, the header is never read, so a client cannot pick its own address.
 */
import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

export class TrustedProxyError extends Error {
  constructor(entry: string) {
    super(`BEACON_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR block (like 10.0.0.0/8 or ::1)`);
    this.name = 'TrustedProxyError';
  }
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, how dual-stack sockets report IPv4) as plain IPv4. */
function plain(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m?.[1] ?? address;
}

export class ClientAddress {
  private readonly trusted = new BlockList();
  private readonly isEmpty: boolean;

  /** `entries`: IP addresses and CIDR blocks; throws {@link TrustedProxyError} for anything else. */
  constructor(entries: readonly string[] = []) {
    for (const raw of entries) {
      const entry = raw.trim();
      const [ip = '', bits] = entry.split('/');
      const family = isIP(ip);
      if (family === 0) throw new TrustedProxyError(entry);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) {
        this.trusted.addAddress(ip, type);
        continue;
      }
      const prefix = Number(bits);
      if (!/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new TrustedProxyError(entry);
      this.trusted.addSubnet(ip, prefix, type);
    }
    this.isEmpty = entries.length === 0;
  }

  /** Parses the env value: comma- or space-separated entries; empty = no proxy trusted. */
  static fromEnv(value: string | undefined): ClientAddress {
    return new ClientAddress((value ?? '').split(/[\s,]+/).filter(Boolean));
  }

  isTrusted(address: string): boolean {
    const a = plain(address);
    const family = isIP(a);
    if (this.isEmpty || family === 0) return false;
    return this.trusted.check(a, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** The client's address for `req` (the socket's peer unless a trusted proxy forwarded it). */
  of(req: IncomingMessage): string {
    const peer = plain(req.socket.remoteAddress ?? 'unknown');
    if (!this.isTrusted(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((h) => plain(h.trim()))
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] ?? '';
      // A malformed hop: the chain cannot be followed, so the request counts as the proxy's own.
      if (isIP(hop) === 0) return peer;
      if (!this.isTrusted(hop)) return hop;
    }
    // Only proxies in the chain (or no header): the proxy itself is the client.
    return peer;
  }
}
