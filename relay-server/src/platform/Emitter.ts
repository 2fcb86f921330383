/**
 * A typed event emitter whose listeners cannot hurt it or each other: a listener that throws
 * is logged and the rest still run, in the order they subscribed.
 */
import type { Logger } from './logger.ts';

export class Emitter<E> {
  private readonly listeners: ((event: E) => void)[] = [];

  constructor(
    private readonly log: Logger,
    /** Names the emitter in the log line of a failing listener. */
    private readonly name: string,
  ) {}

  /** Returns the function that unsubscribes. */
  on(listener: (event: E) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(event: E): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        this.log.error(`${this.name} listener failed`, { err: err instanceof Error ? err.message : String(err) });
      }
    }
  }
}
