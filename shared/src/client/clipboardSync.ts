/**
 * Both sides of the clipboard beyond text on request (capability `clipboard-sync`), pure TS:
 * a PNG (base64, as the clipboards hand it over) cut into `clipboard-image` chunks and put
 * together again, and the watch behind the automatic sync: it reads the clipboard now and then,
 * and sends what changed once it has stayed the same for a moment (debounced), never the same
 * content twice nor what just arrived from the other side (deduplicated by a hash).
 */
import { base64Size, CLIPBOARD_IMAGE_CHUNK_BYTES, type ClipboardImage } from '../protocol/clipboard.ts';

/** What a clipboard holds, as this feature carries it: text, or a PNG in base64. */
export type ClipContent = { kind: 'text'; text: string } | { kind: 'image'; png: string };

/** Base64 characters per chunk (whole groups of four). */
const CHUNK_CHARS = (CLIPBOARD_IMAGE_CHUNK_BYTES / 3) * 4;

/** A PNG's chunks, in order. */
export function imageChunks(sessionId: string, clipId: string, png: string, auto = false): ClipboardImage[] {
  const size = base64Size(png);
  const out: ClipboardImage[] = [];
  for (let at = 0; at < png.length; at += CHUNK_CHARS) {
    out.push({ type: 'clipboard-image', sessionId, clipId, size, offset: (at / 4) * 3, data: png.slice(at, at + CHUNK_CHARS), ...(auto ? { auto } : {}) });
  }
  return out;
}

/** Puts an image's chunks together; a chunk at offset 0 starts a new one. */
export class ImageAssembler {
  private clipId = '';
  private parts: string[] = [];
  private bytes = 0;

  /** The whole PNG (base64) with its last chunk, else null (also for a chunk out of order, dropped). */
  take(msg: ClipboardImage): string | null {
    if (msg.offset === 0) {
      this.clipId = msg.clipId;
      this.parts = [];
      this.bytes = 0;
    }
    if (msg.clipId !== this.clipId || msg.offset !== this.bytes) return null;
    this.parts.push(msg.data);
    this.bytes += base64Size(msg.data);
    if (this.bytes < msg.size) return null;
    const png = this.parts.join('');
    this.parts = [];
    this.clipId = '';
    return png;
  }
}

/** A cheap hash of a clipboard's content (FNV-1a over its characters, with its kind and length). */
export function contentHash(c: ClipContent): string {
  const s = c.kind === 'text' ? c.text : c.png;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${c.kind}:${s.length}:${h.toString(16)}`;
}

export interface WatchTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
const realTimers: WatchTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** How often the watch reads the clipboard, and how long a change must stay before it is sent. */
export const WATCH_EVERY_MS = 1000;
export const WATCH_SETTLE_MS = 300;

/**
 * Watches a clipboard while it runs: `read` gives its content (null: nothing to send, or it
 * could not be read), `send` gets each change. What was on the clipboard when the watch
 * started is not sent (only what is copied while it runs).
 */
export class ClipboardWatch {
  private lastHash: string | null = null;
  /** The last contents that arrived from the other side, as they came and as read back (hashes). */
  private arrived: string[] = [];
  /** Writes of arrived content under way, and a count that changes at each one's start and end. */
  private writing = 0;
  private arrivals = 0;
  private poller: unknown = null;
  private settle: unknown = null;
  private isReading = false;

  constructor(
    private readonly read: () => Promise<ClipContent | null>,
    private readonly send: (c: ClipContent) => void,
    private readonly timers: WatchTimers = realTimers,
  ) {}

  get isRunning(): boolean {
    return this.poller !== null;
  }

  start(): void {
    if (this.poller !== null) return;
    this.lastHash = null;
    let isFirst = true;
    this.poller = this.timers.setInterval(() => void this.check(isFirst).then(() => (isFirst = false)), WATCH_EVERY_MS);
    void this.check(true).then(() => (isFirst = false));
  }

  stop(): void {
    if (this.poller !== null) this.timers.clearInterval(this.poller);
    if (this.settle !== null) this.timers.clearTimeout(this.settle);
    this.poller = this.settle = null;
  }

  /** Reads now (a focus or a copy event); a change is sent after it settles. */
  poke(): void {
    if (this.poller !== null) void this.check(false);
  }

  /** The other side's content was just put on this clipboard: not to be sent back. */
  noteArrived(c: ClipContent): void {
    const hash = contentHash(c);
    this.lastHash = hash;
    this.arrived = [...this.arrived.slice(-1), hash];
  }

  /**
   * Puts the other side's content on this clipboard with `write`, and never sends it back: not as
   * it came, nor as this clipboard holds it now. A clipboard may re-encode what it is given (an
   * image becomes another PNG of the same pixels), so while the watch runs it reads the clipboard
   * back once written.
   */
  async putArrived(c: ClipContent, write: () => Promise<void>): Promise<void> {
    this.noteArrived(c);
    // A read while it is being written may still see what was there before: not a copy to send.
    this.writing++;
    this.arrivals++;
    try {
      await write();
    } finally {
      this.writing--;
      this.arrivals++;
    }
    if (this.poller === null) return;
    try {
      // Only a re-encoding of what arrived counts: the user may have copied something else by
      // the time the read-back runs (a busy machine), and that copy must still go.
      const back = await this.read();
      if (back && isSameKind(back, c)) this.noteArrived(back);
    } catch {
      // Not readable now: the next read decides (and sends it only if it is not what arrived).
    }
  }

  private async check(isBaseline: boolean): Promise<void> {
    if (this.isReading) return;
    this.isReading = true;
    const arrivals = this.arrivals;
    let c: ClipContent | null = null;
    try {
      c = await this.read();
    } catch {
      c = null;
    } finally {
      this.isReading = false;
    }
    if (!c || this.poller === null || this.writing > 0 || arrivals !== this.arrivals) return;
    const hash = contentHash(c);
    if (hash === this.lastHash) return;
    this.lastHash = hash;
    if (isBaseline || this.arrived.includes(hash)) return;
    if (this.settle !== null) this.timers.clearTimeout(this.settle);
    this.settle = this.timers.setTimeout(() => {
      this.settle = null;
      // Read back after an arrival may have come in the meantime: what arrived is never sent back.
      if (this.poller === null || this.lastHash !== hash || this.arrived.includes(hash) || this.writing > 0) return;
      this.arrived = [];
      this.send(c);
    }, WATCH_SETTLE_MS);
  }
}

/** `back` may be how a clipboard holds `c`: an image as another PNG, text with other line ends. */
function isSameKind(back: ClipContent, c: ClipContent): boolean {
  if (back.kind === 'text' && c.kind === 'text') return back.text.replace(/\r\n/g, '\n') === c.text.replace(/\r\n/g, '\n');
  return back.kind === c.kind;
}
