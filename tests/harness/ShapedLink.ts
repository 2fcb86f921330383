/**
 * A real rate-limited network path for end-to-end tests and benchmarks: a network namespace
 * joined to this one by a veth pair, shaped with `tc ... tbf` at both ends (netem is not
 * available on every kernel; tbf is). A browser launched through {@link wrapperPath} runs
 * inside the namespace and reaches this side at {@link hostIp}; an X display still works
 * there through its filesystem socket.
 *
 * Needs root. {@link ShapedLink.start} throws {@link LinkUnavailableError} with the reason
 * when the machine refuses (not root, no `ip`, no tbf), so a test can skip saying why.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CHROMIUM } from './Browsers.ts';

const run = promisify(execFile);

export class LinkUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkUnavailableError';
  }
}

export interface ShapedLinkOptions {
  /** The rate in each direction, kbit/s (null: not shaped). */
  rateKbit: number | null;
  /** tbf's burst, bytes. */
  burstBytes?: number;
  /** tbf's queue, as the longest a packet may wait, ms. */
  latencyMs?: number;
}

async function ip(args: string[]): Promise<void> {
  await run('ip', args);
}

export class ShapedLink {
  private isClosed = false;

  private constructor(
    readonly ns: string,
    private readonly hostDev: string,
    readonly hostIp: string,
    readonly nsIp: string,
    /** An executable that runs Chromium inside the namespace (pass it as executablePath). */
    readonly wrapperPath: string,
    private readonly tmp: string,
  ) {}

  static async start(opts: ShapedLinkOptions): Promise<ShapedLink> {
    if (process.getuid?.() !== 0) throw new LinkUnavailableError('network namespaces need root');
    const id = `${process.pid % 10_000}${Math.floor(Math.random() * 90 + 10)}`;
    const ns = `bcn-slow-${id}`;
    const hostDev = `bsh${id}`;
    const nsDev = `bsn${id}`;
    // A private /30 of our own, picked from the pid so parallel runs do not collide.
    const octet = 16 + (process.pid % 200);
    const third = Math.floor(Math.random() * 60) * 4;
    const hostIp = `10.${octet}.${third}.1`;
    const nsIp = `10.${octet}.${third}.2`;
    try {
      await ip(['netns', 'add', ns]);
    } catch (err) {
      throw new LinkUnavailableError(`ip netns add failed: ${(err as Error).message}`);
    }
    const tmp = mkdtempSync(join(tmpdir(), 'beacon-link-'));
    const wrapper = join(tmp, 'chromium-in-ns.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const link = new ShapedLink(ns, hostDev, hostIp, nsIp, wrapper, tmp);
    try {
      await ip(['link', 'add', hostDev, 'type', 'veth', 'peer', 'name', nsDev]);
      await ip(['link', 'set', nsDev, 'netns', ns]);
      await ip(['addr', 'add', `${hostIp}/30`, 'dev', hostDev]);
      await ip(['link', 'set', hostDev, 'up']);
      await ip(['netns', 'exec', ns, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', nsDev]);
      await ip(['netns', 'exec', ns, 'ip', 'link', 'set', nsDev, 'up']);
      await ip(['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
      if (opts.rateKbit !== null) {
        const tbf = ['root', 'tbf', 'rate', `${opts.rateKbit}kbit`, 'burst', String(opts.burstBytes ?? 4096), 'latency', `${opts.latencyMs ?? 250}ms`];
        try {
          await run('tc', ['qdisc', 'add', 'dev', hostDev, ...tbf]);
          await run('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', nsDev, ...tbf]);
        } catch (err) {
          throw new LinkUnavailableError(`the kernel refused tbf: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      await link.close();
      throw err;
    }
    return link;
  }

  /** Bytes sent so far from the namespace towards this side (the customer's uplink). */
  async uplinkBytes(): Promise<number> {
    const { stdout } = await run('cat', [`/sys/class/net/${this.hostDev}/statistics/rx_bytes`]);
    return Number(stdout.trim());
  }

  /** Idempotent: removes the namespace (its end of the pair goes with it), the pair and the wrapper. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await ip(['link', 'del', this.hostDev]).catch(() => undefined);
    await ip(['netns', 'del', this.ns]).catch(() => undefined);
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
