/**
 * A real rate-limited network path for end-to-end tests and benchmarks: a network namespace
 * joined to this one by a veth pair, shaped with `tc ... tbf` at both ends (netem is not
 * available on every kernel; tbf is). A browser launched through {@link wrapperPath} runs
 * inside the namespace and reaches this side at {@link hostIp}; an X display still works
 * there through its filesystem socket.
 *
 * Needs root. {@link ShapedLink.start} throws {@link LinkUnavailableError} with the reason
 * when the machine refuses (not root, no `ip`, no tbf), so a test can skip saying why.
 *
 * Links still open when the process exits (an exception, Ctrl-C, SIGTERM) are removed by an
 * exit hook; a parent that had to SIGKILL its child removes what the child left with
 * {@link ShapedLink.removeLeftoversOf}.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const NS_PREFIX = 'bcn-slow-';
/** The part of a link's names that comes from the pid of the process that made it. */
const pidPart = (pid: number): string => String(pid % 10_000);

/** Links not closed yet; the exit hook removes them. */
const open = new Set<ShapedLink>();
let isHooked = false;

function hookExit(): void {
  if (isHooked) return;
  isHooked = true;
  process.once('exit', () => {
    for (const link of open) link.closeSync();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const link of open) link.closeSync();
      // Nobody else handles it: end the process as the signal would have.
      if (!process.listenerCount(signal)) process.kill(process.pid, signal);
    });
  }
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
    private readonly nsDev: string,
    private readonly opts: ShapedLinkOptions,
  ) {}

  /** The rate in each direction now, kbit/s (null: not shaped). */
  get rateKbit(): number | null {
    return this.opts.rateKbit;
  }

  static async start(opts: ShapedLinkOptions): Promise<ShapedLink> {
    if (process.getuid?.() !== 0) throw new LinkUnavailableError('network namespaces need root');
    // The id's suffix is two digits, so removeLeftoversOf finds a pid's links by prefix.
    const id = `${pidPart(process.pid)}${Math.floor(Math.random() * 90 + 10)}`;
    const ns = `${NS_PREFIX}${id}`;
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
    const link = new ShapedLink(ns, hostDev, hostIp, nsIp, wrapper, tmp, nsDev, { ...opts, rateKbit: null });
    open.add(link);
    hookExit();
    try {
      await ip(['link', 'add', hostDev, 'type', 'veth', 'peer', 'name', nsDev]);
      await ip(['link', 'set', nsDev, 'netns', ns]);
      await ip(['addr', 'add', `${hostIp}/30`, 'dev', hostDev]);
      await ip(['link', 'set', hostDev, 'up']);
      await ip(['netns', 'exec', ns, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', nsDev]);
      await ip(['netns', 'exec', ns, 'ip', 'link', 'set', nsDev, 'up']);
      await ip(['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
      await link.shape(opts.rateKbit);
    } catch (err) {
      await link.close();
      throw err;
    }
    return link;
  }

  /**
   * Sets the rate in both directions (null: not shaped), e.g. once a page that is not part of
   * the measurement has loaded. Throws {@link LinkUnavailableError} when the kernel refuses tbf.
   */
  async shape(rateKbit: number | null): Promise<void> {
    const inNs = ['netns', 'exec', this.ns, 'tc', 'qdisc'];
    if (rateKbit === null) {
      if (this.opts.rateKbit !== null) {
        await run('tc', ['qdisc', 'del', 'dev', this.hostDev, 'root']).catch(() => undefined);
        await run('ip', [...inNs, 'del', 'dev', this.nsDev, 'root']).catch(() => undefined);
      }
    } else {
      const tbf = ['root', 'tbf', 'rate', `${rateKbit}kbit`, 'burst', String(this.opts.burstBytes ?? 4096), 'latency', `${this.opts.latencyMs ?? 250}ms`];
      try {
        await run('tc', ['qdisc', 'replace', 'dev', this.hostDev, ...tbf]);
        await run('ip', [...inNs, 'replace', 'dev', this.nsDev, ...tbf]);
      } catch (err) {
        throw new LinkUnavailableError(`the kernel refused tbf: ${(err as Error).message}`);
      }
    }
    this.opts.rateKbit = rateKbit;
  }

  /**
   * Cuts the link (`false`: the namespace's end of the veth goes down, so nothing crosses and
   * the namespace has no route to this side) or brings it back (`true`; its address and route
   * come back with it). A real network cut: no FIN, no RST, sockets just stop carrying.
   */
  async setLinkUp(isUp: boolean): Promise<void> {
    await ip(['netns', 'exec', this.ns, 'ip', 'link', 'set', this.nsDev, isUp ? 'up' : 'down']);
  }

  /** Bytes sent so far from the namespace towards this side (the customer's uplink), IP packets as the veth counts them. */
  async uplinkBytes(): Promise<number> {
    return this.counter('rx_bytes');
  }

  /** Bytes sent so far from this side into the namespace (the customer's downlink). */
  async downlinkBytes(): Promise<number> {
    return this.counter('tx_bytes');
  }

  private async counter(name: 'rx_bytes' | 'tx_bytes'): Promise<number> {
    return Number(readFileSync(`/sys/class/net/${this.hostDev}/statistics/${name}`, 'utf8').trim());
  }

  /** Idempotent: removes the namespace (its end of the pair goes with it), the pair and the wrapper. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    open.delete(this);
    await ip(['link', 'del', this.hostDev]).catch(() => undefined);
    await ip(['netns', 'del', this.ns]).catch(() => undefined);
    rmSync(this.tmp, { recursive: true, force: true });
  }

  /** {@link close} for an exit hook, where nothing asynchronous runs any more. */
  closeSync(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    open.delete(this);
    for (const args of [['link', 'del', this.hostDev], ['netns', 'del', this.ns]]) {
      try {
        execFileSync('ip', args, { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
    }
    rmSync(this.tmp, { recursive: true, force: true });
  }

  /**
   * Removes the namespaces (and with them the veth pairs) a process made and could not remove
   * itself (it was killed with SIGKILL); returns their names. Other processes' links stay.
   */
  static removeLeftoversOf(pid: number): string[] {
    let list = '';
    try {
      list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    } catch {
      return [];
    }
    const pattern = new RegExp(`^${NS_PREFIX}${pidPart(pid)}\\d{2}$`);
    const names = list.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => pattern.test(n));
    for (const name of names) {
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
      } catch {
        // Gone meanwhile.
      }
    }
    return names;
  }
}
