/**
 * File chunks go to the receiver behind the picture: a chunk is handed to the receiver's
 * `media` channel only while that channel has less than {@link FILE_LOW_WATER_BYTES} queued
 * (the picture's forwarder starts dropping frames at 1 MiB, MediaForwarder.ts), so a frame
 * never waits behind more than that much file data. Others wait here, in order, and are
 * retried every few milliseconds. What waits is bounded by the sender's window (Transfers.ts).
 *
 * A receiver whose link is away gets nothing: its waiting chunks are dropped and sent again
 * after the resume (`ft-rewind`).
 */
import type { Party } from '../sessions/Session.ts';
import type { Transfer } from './Transfers.ts';

export const FILE_LOW_WATER_BYTES = 256 * 1024;
const RETRY_MS = 4;

export class ChunkPump {
  private readonly waiting = new Map<Transfer, Party>();
  private timer: NodeJS.Timeout | null = null;

  push(t: Transfer, chunk: Uint8Array, receiver: Party): void {
    t.queue.push(chunk);
    t.queuedBytes += chunk.byteLength;
    this.waiting.set(t, receiver);
    this.drain(t, receiver);
    if (t.queue.length > 0) this.schedule();
    else this.waiting.delete(t);
  }

  /** Forgets what waits for this transfer. */
  drop(t: Transfer): void {
    t.queue.length = 0;
    t.queuedBytes = 0;
    this.waiting.delete(t);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiting.clear();
  }

  private drain(t: Transfer, receiver: Party): void {
    const sink = receiver.mediaSink;
    if (!receiver.isAttached() || !sink.isOpen()) {
      this.drop(t);
      return;
    }
    while (t.queue.length > 0 && sink.bufferedAmount() < FILE_LOW_WATER_BYTES) {
      const chunk = t.queue.shift()!;
      t.queuedBytes -= chunk.byteLength;
      if (!sink.send(chunk)) {
        // The channel did not take it: the receiver will not acknowledge it, and the rewind after its resume resends it.
        this.drop(t);
        return;
      }
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      for (const [t, receiver] of this.waiting) {
        this.drain(t, receiver);
        if (t.queue.length === 0) this.waiting.delete(t);
      }
      if (this.waiting.size > 0) this.schedule();
    }, RETRY_MS);
    this.timer.unref();
  }
}
