/**
 * CPU time and memory of process trees, read from /proc (Linux only). Benchmarks use it to
 * charge each side of a session (a browser with all its helper processes, the relay, a VNC
 * server) for the CPU it used while the session ran.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Clock ticks per second for utime/stime; 100 on every Linux we run on, asked once anyway. */
const TICKS_PER_SECOND = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in ticks. */
  cpuTicks: number;
}

/** One process's /proc/<pid>/stat, or null if it is gone. */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // comm is in parentheses and may itself contain spaces or parentheses: split after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const ppid = Number(rest[1]);
  const cpuTicks = Number(rest[11]) + Number(rest[12]);
  return { pid, ppid, comm, cpuTicks };
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readProcStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** The given processes and all their descendants that are alive now. */
export function processTree(roots: readonly number[]): ProcStat[] {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s);
    children.set(s.ppid, list);
  }
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const out: ProcStat[] = [];
  const queue = roots.flatMap((p) => (byPid.has(p) ? [byPid.get(p) as ProcStat] : []));
  const seen = new Set<number>();
  while (queue.length) {
    const s = queue.shift() as ProcStat;
    if (seen.has(s.pid)) continue;
    seen.add(s.pid);
    out.push(s);
    queue.push(...(children.get(s.pid) ?? []));
  }
  return out;
}

/** Direct children of a process (e.g. browsers this Node process launched). */
export function childPids(pid: number = process.pid): number[] {
  return allStats()
    .filter((s) => s.ppid === pid)
    .map((s) => s.pid);
}

/**
 * Runs `launch` and returns what it returned plus the pids of the child processes it started.
 * Playwright gives no pid for a launched browser; its process is a direct child of ours.
 */
export async function withNewChildren<T>(launch: () => Promise<T>): Promise<{ value: T; pids: number[] }> {
  const before = new Set(childPids());
  const value = await launch();
  return { value, pids: childPids().filter((p) => !before.has(p)) };
}

/** Resident memory of one process in bytes, or 0 if it is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of a whole tree (shared pages are counted once per process, so this over-counts). */
export function treeRssBytes(roots: readonly number[]): number {
  return processTree(roots).reduce((sum, s) => sum + rssBytes(s.pid), 0);
}

/** How often a meter re-reads its tree, so processes that exit mid-window lose little time. */
const SAMPLE_INTERVAL_MS = 500;

/**
 * CPU seconds a process tree used between `start()` and `stop()`. Processes born in the
 * window count from zero; a process that exits loses only the time since the last sample.
 */
export class CpuMeter {
  private readonly baseline = new Map<number, number>();
  private readonly latest = new Map<number, number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private startedAt = 0;
  private stoppedAt = 0;
  private peakRss = 0;

  constructor(
    readonly roots: readonly number[],
    private readonly isRssTracked = false,
  ) {}

  start(): void {
    this.baseline.clear();
    this.latest.clear();
    this.peakRss = 0;
    for (const s of processTree(this.roots)) {
      this.baseline.set(s.pid, s.cpuTicks);
      this.latest.set(s.pid, s.cpuTicks);
    }
    this.startedAt = performance.now();
    this.stoppedAt = 0;
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Idempotent. Takes a last sample and freezes the result. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.sample();
    this.stoppedAt = performance.now();
  }

  /** CPU seconds used in the window. */
  get cpuSeconds(): number {
    let ticks = 0;
    for (const [pid, t] of this.latest) ticks += t - (this.baseline.get(pid) ?? 0);
    return ticks / TICKS_PER_SECOND;
  }

  /** Wall-clock seconds of the window. */
  get wallSeconds(): number {
    return ((this.stoppedAt || performance.now()) - this.startedAt) / 1000;
  }

  /** CPU seconds per wall second: 1.0 is one core busy all the time. */
  get cores(): number {
    const wall = this.wallSeconds;
    return wall > 0 ? this.cpuSeconds / wall : 0;
  }

  /** Highest resident memory of the tree seen while sampling (if tracked). */
  get peakRssBytes(): number {
    return this.peakRss;
  }

  private sample(): void {
    const tree = processTree(this.roots);
    for (const s of tree) {
      if (!this.baseline.has(s.pid)) this.baseline.set(s.pid, 0);
      this.latest.set(s.pid, s.cpuTicks);
    }
    if (this.isRssTracked) {
      const rss = tree.reduce((sum, s) => sum + rssBytes(s.pid), 0);
      if (rss > this.peakRss) this.peakRss = rss;
    }
  }
}

/** CPU ticks per thread name of one process (threads of the same name summed). */
export function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = text.lastIndexOf(')');
    // Numbered pools (e.g. "worker-3") are summed under one name.
    const name = text.slice(text.indexOf('(') + 1, close).replace(/[-_:]?\d+$/, '');
    const rest = text.slice(close + 2).split(' ');
    out.set(name, (out.get(name) ?? 0) + Number(rest[11]) + Number(rest[12]));
  }
  return out;
}

/** CPU seconds per thread name between two {@link threadTicks} readings, biggest first. */
export function threadCpuSeconds(before: Map<string, number>, after: Map<string, number>): [string, number][] {
  return [...after.entries()]
    .map(([name, t]): [string, number] => [name, (t - (before.get(name) ?? 0)) / TICKS_PER_SECOND])
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1]);
}

/** What a process is, for thread reports: Chromium's `--type=` (renderer, gpu-process…) or its name. */
export function processKind(pid: number): string {
  try {
    // Chromium rewrites its children's command lines into one space-separated string.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const type = /--type=(\S+)/.exec(cmdline)?.[1];
    if (type) {
      const sub = /--utility-sub-type=(\S+)/.exec(cmdline)?.[1];
      return sub ? `${type}(${sub.split('.').pop()})` : type;
    }
  } catch {
    /* gone */
  }
  return readProcStat(pid)?.comm ?? 'gone';
}

/** CPU ticks per `kind/thread` over a whole process tree (e.g. `renderer/CrRendererMain`). */
export function treeThreadTicks(roots: readonly number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of processTree(roots)) {
    const kind = processKind(p.pid);
    for (const [thread, ticks] of threadTicks(p.pid)) {
      // The main thread carries the process's own name.
      const key = `${kind}/${thread === p.comm ? 'main' : thread}`;
      out.set(key, (out.get(key) ?? 0) + ticks);
    }
  }
  return out;
}

/** The biggest `top` entries of a thread report as cores over `wallSeconds`, rounded. */
export function topThreads(before: Map<string, number>, after: Map<string, number>, wallSeconds: number, top = 8): Record<string, number> {
  return Object.fromEntries(
    threadCpuSeconds(before, after)
      .slice(0, top)
      .map(([name, s]) => [name, Math.round((s / wallSeconds) * 100) / 100]),
  );
}

/**
 * Sets the nice value of every thread of a process (Linux keeps nice per thread, and threads
 * started later inherit it from their creator). Returns false if not permitted.
 */
export function reniceThreads(pid: number, nice: number): boolean {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  let isOk = true;
  for (const tid of tids) {
    try {
      setPriority(Number(tid), nice);
    } catch {
      isOk = false;
    }
  }
  return isOk;
}
