/**
 * Structured logging: one JSON line per event (`time`, `level`, `msg`, then the fields).
 * The relay takes a {@link Logger} instead of writing to stdout directly, so tests can
 * capture lines and assert that bad input was logged.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Keys the line itself owns; a field with one of these names would make the line ambiguous. */
const RESERVED_KEYS = new Set(['time', 'level', 'msg']);

export interface LogLine {
  time: string;
  level: LogLevel;
  msg: string;
  [field: string]: unknown;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

function fieldValue(v: unknown): unknown {
  if (v instanceof Error) return { name: v.name, message: v.message };
  if (typeof v === 'bigint') return v.toString();
  return v;
}

export function formatLine(level: LogLevel, msg: string, fields: LogFields | undefined, now: Date): string {
  const line: LogLine = { time: now.toISOString(), level, msg };
  if (fields) {
    for (const [k, v] of Object.entries(fields)) line[RESERVED_KEYS.has(k) ? `field_${k}` : k] = fieldValue(v);
  }
  try {
    return JSON.stringify(line);
  } catch {
    // A circular field must not take logging (or the relay) down with it.
    return JSON.stringify({ time: line.time, level, msg, unserializable: true });
  }
}

/** How many lines with the same level and message may be written per window before the rest are counted instead. */
export interface FloodLimit {
  lines: number;
  windowMs: number;
}

/** The production default: a peer that makes the relay warn a million times must not fill the disk. */
export const LOG_FLOOD_LIMIT: FloodLimit = { lines: 20, windowMs: 10_000 };
/** Distinct messages tracked at once (they are constants in the code; this only bounds the map). */
const FLOOD_KEYS = 1000;

export function createLogger(write: (line: string) => void, minLevel: LogLevel = 'info', flood: FloodLimit | null = null, now: () => number = Date.now): Logger {
  const min = LEVEL_RANK[minLevel];
  const windows = new Map<string, { from: number; written: number; suppressed: number }>();
  /** Null if the line is suppressed; else the fields to write (with the count held back since the last one). */
  const admit = (level: LogLevel, msg: string, fields: LogFields | undefined, t: number): LogFields | undefined | null => {
    if (!flood || LEVEL_RANK[level] < LEVEL_RANK.warn) return fields;
    const key = `${level}:${msg}`;
    let w = windows.get(key);
    if (!w || t - w.from >= flood.windowMs) {
      const held = w?.suppressed ?? 0;
      if (!w && windows.size >= FLOOD_KEYS) windows.delete(windows.keys().next().value as string);
      w = { from: t, written: 0, suppressed: held };
      windows.set(key, w);
    }
    if (w.written >= flood.lines) {
      w.suppressed++;
      return null;
    }
    w.written++;
    if (w.suppressed === 0) return fields;
    const counted = { ...fields, suppressed: w.suppressed };
    w.suppressed = 0;
    return counted;
  };
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVEL_RANK[level] < min) return;
    const t = now();
    const admitted = admit(level, msg, fields, t);
    if (admitted === null) return;
    write(formatLine(level, msg, admitted, new Date(t)));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/**
 * The production logger: stdout, level from `BEACON_LOG_LEVEL` (default info); repeated
 * warnings and errors past {@link LOG_FLOOD_LIMIT} are counted (`suppressed` on the next one).
 */
export function stdoutLogger(minLevel: LogLevel = 'info'): Logger {
  return createLogger((line) => process.stdout.write(`${line}\n`), minLevel, LOG_FLOOD_LIMIT);
}

/** Keeps lines in memory (tests, benchmarks). */
export class MemoryLogger implements Logger {
  readonly lines: LogLine[] = [];
  private readonly inner = createLogger((line) => this.lines.push(JSON.parse(line) as LogLine), 'debug');
  debug(msg: string, fields?: LogFields): void {
    this.inner.debug(msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.inner.info(msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.inner.warn(msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.inner.error(msg, fields);
  }
  /** Lines whose message contains `text`. */
  find(text: string): LogLine[] {
    return this.lines.filter((l) => l.msg.includes(text));
  }
}

/**
 * Logs at most one line per `intervalMs` for a noisy source (a peer sending garbage media),
 * reporting how many were suppressed in between.
 */
export class ThrottledLogger {
  private lastAt = -Infinity;
  private suppressed = 0;
  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(msg: string, fields?: LogFields): void {
    const t = this.now();
    if (t - this.lastAt < this.intervalMs) {
      this.suppressed++;
      return;
    }
    this.log.warn(msg, this.suppressed ? { ...fields, suppressed: this.suppressed } : fields);
    this.lastAt = t;
    this.suppressed = 0;
  }
}
