/**
 * Hands items to a handler in arrival order, but never for longer than {@link SLICE_MS} at a
 * time: what is left waits for the next turn of the event loop (setImmediate), so HTTP requests
 * (`/healthz`, sign-ins) and other sessions get their turn in between.
 *
 * Why: libdatachannel queues what a fast sender pushed and node-datachannel hands all of it to
 * the event loop at once (up to a thousand messages in one go). Handled in one stretch, a flood
 * held the loop for a second or more (validation, forwarding, answers), even though each
 * message was cheap. An item that arrives while the loop is free is handled at once: sliced or
 * not, a lone message (an input event) waits for nothing.
 */
import { performance } from 'node:perf_hooks';

/** The longest stretch of handling before the loop gets a turn. */
export const SLICE_MS = 8;

export class SlicedQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private sliceStartedAt: number | null = null;
  private isScheduled = false;
  private isClosed = false;
  /** The size of what waits, by `sizeOf`. */
  private size = 0;

  constructor(
    private readonly handle: (item: T) => void,
    private readonly sizeOf: (item: T) => number = () => 1,
  ) {}

  /** Items waiting for their turn. */
  get waiting(): number {
    return this.items.length - this.head;
  }

  /** The summed size of the items waiting. */
  get waitingSize(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.isClosed) return;
    if (this.waiting === 0 && this.isWithinSlice()) return this.handle(item);
    this.items.push(item);
    this.size += this.sizeOf(item);
    this.schedule();
  }

  /** Idempotent. What waits is dropped; later items are ignored. */
  close(): void {
    this.isClosed = true;
    this.items.length = 0;
    this.head = 0;
    this.size = 0;
  }

  /** Whether the current stretch (begun by the first item of this turn) may go on. */
  private isWithinSlice(): boolean {
    const now = performance.now();
    if (this.sliceStartedAt === null) {
      this.sliceStartedAt = now;
      setImmediate(() => (this.sliceStartedAt = null));
      return true;
    }
    return now - this.sliceStartedAt < SLICE_MS;
  }

  private schedule(): void {
    if (this.isScheduled) return;
    this.isScheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.isScheduled = false;
    const start = performance.now();
    while (!this.isClosed && this.head < this.items.length) {
      const item = this.items[this.head]!;
      this.items[this.head++] = undefined as T;
      this.size -= this.sizeOf(item);
      this.handle(item);
      if (performance.now() - start >= SLICE_MS) break;
    }
    if (this.head === this.items.length || this.head > 1024) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    if (!this.isClosed && this.waiting > 0) this.schedule();
  }
}
