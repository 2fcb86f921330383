/**
 * The two ends of one file transfer (capability `file-transfer`, see protocol/fileTransfer.ts),
 * without I/O: what the sender may send next and what it hashes, what the receiver writes and
 * when it acknowledges, and the speed and time left a panel shows. Pure TS.
 *
 * The sender hashes bytes as they are acknowledged, in order, so a rewind after a resume
 * (chunks lost on the dropped link are sent again) never hashes a byte twice; the receiver
 * hashes what it writes, and a chunk that overlaps what it already holds is trimmed (and
 * acknowledged again: the acknowledgement of it may be what the drop lost).
 */
import { FT_ACK_EVERY_BYTES, FT_PAYLOAD_BYTES, FT_WINDOW_BYTES } from '../protocol/fileTransfer.ts';
import { Sha256 } from '../sha256.ts';

export class SendWindow {
  /** The next offset to send. */
  sent = 0;
  /** Bytes the receiver holds. */
  acked = 0;
  private readonly pending: { offset: number; data: Uint8Array }[] = [];
  private readonly hash = new Sha256();
  private wholeHex: string | null = null;

  constructor(
    readonly size: number,
    private readonly windowBytes = FT_WINDOW_BYTES,
    private readonly payloadBytes = FT_PAYLOAD_BYTES,
  ) {}

  /** Whether another chunk may go now (bytes left, and room in the send window). */
  canSend(): boolean {
    return this.sent < this.size && this.sent - this.acked < this.windowBytes;
  }

  /** Where the next chunk starts and how long it is. */
  next(): { offset: number; length: number } {
    return { offset: this.sent, length: Math.min(this.payloadBytes, this.size - this.sent) };
  }

  /** A chunk was sent (it must start at {@link sent}); it is kept until acknowledged. */
  markSent(offset: number, data: Uint8Array): void {
    if (offset !== this.sent) throw new Error(`chunk at ${offset}, expected ${this.sent}`);
    if (offset + data.byteLength > this.size) throw new Error('chunk past the end of the file');
    this.pending.push({ offset, data });
    this.sent += data.byteLength;
  }

  /** The receiver holds `offset` bytes; false for an offset it cannot hold (ignored). */
  ack(offset: number): boolean {
    if (offset < this.acked || offset > this.sent) return false;
    while (this.acked < offset) {
      const first = this.pending[0]!;
      const take = Math.min(first.data.byteLength, offset - first.offset);
      this.hash.update(first.data.subarray(0, take));
      this.acked = first.offset + take;
      if (take === first.data.byteLength) this.pending.shift();
      else this.pending[0] = { offset: this.acked, data: first.data.subarray(take) };
    }
    return true;
  }

  /** Go on from `offset` (at least what was acknowledged): what was sent past it is sent again. */
  rewind(offset: number): void {
    const to = Math.max(this.acked, Math.min(offset, this.sent));
    this.ack(to);
    this.pending.length = 0;
    this.sent = to;
  }

  get isComplete(): boolean {
    return this.acked === this.size;
  }

  /** The SHA-256 of the whole file; only once complete (asked again when `ft-end` is sent again). */
  digest(): string {
    if (!this.isComplete) throw new Error('not every byte is acknowledged yet');
    this.wholeHex ??= this.hash.hex();
    return this.wholeHex;
  }
}

export class ReceiveCursor {
  /** Bytes written, in order. */
  received = 0;
  /** The offset acknowledged last (it may have been lost in a drop: see {@link take}). */
  private lastAcked = 0;
  /** Where the last chunk taken ended: what the sender has sent, and the relay passed on, up to now. */
  private heard = 0;
  private readonly hash = new Sha256();

  constructor(
    readonly size: number,
    private readonly ackEvery = FT_ACK_EVERY_BYTES,
  ) {}

  /**
   * What of a chunk at `offset` to write: its part past what is held (a resent chunk may
   * overlap), or null for a chunk that leaves a gap, brings nothing new or runs past the end.
   *
   * A chunk that starts before the last acknowledgement means the sender went back (a rewind
   * after a drop), so that acknowledgement may never have reached it: the chunks it sends
   * again are acknowledged again, even those that bring nothing new. Otherwise a receiver
   * that already held every byte would never acknowledge again, and neither side would finish.
   */
  take(offset: number, data: Uint8Array): Uint8Array | null {
    if (offset > this.received || offset + data.byteLength > this.size) return null;
    if (offset < this.lastAcked) this.lastAcked = offset;
    this.heard = offset + data.byteLength;
    const fresh = data.subarray(this.received - offset);
    if (fresh.byteLength === 0) return null;
    this.hash.update(fresh);
    this.received += fresh.byteLength;
    return fresh;
  }

  /**
   * The offset to acknowledge now (once written), or null if it is not yet time: the end of
   * the chunk taken last, every {@link ackEvery} bytes and at the end of the file.
   */
  ackDue(): number | null {
    if (this.heard <= this.lastAcked) return null;
    if (this.heard - this.lastAcked < this.ackEvery && this.heard < this.size) return null;
    this.lastAcked = this.heard;
    return this.heard;
  }

  get isComplete(): boolean {
    return this.received === this.size;
  }

  digest(): string {
    if (!this.isComplete) throw new Error('not every byte has arrived');
    return this.hash.hex();
  }
}

/** Speed over the last few seconds, and the time left at that speed. */
export class RateMeter {
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(private readonly spanMs = 3000) {}

  /** `bytes` is the running total moved so far. */
  add(at: number, bytes: number): void {
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.spanMs) this.samples.shift();
  }

  /** Bytes per second, 0 until two samples are apart. */
  bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 200) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }

  /** Seconds left for `remaining` bytes, or null while the speed is unknown. */
  secondsLeft(remaining: number): number | null {
    const rate = this.bytesPerSecond();
    return rate > 0 ? Math.ceil(remaining / rate) : null;
  }
}
