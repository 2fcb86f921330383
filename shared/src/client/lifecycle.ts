/**
 * Disposables and typed events for both clients (pure: no DOM, no Node). Every timer,
 * listener and connection a client holds belongs to a {@link DisposableStore}, so ending a
 * session or a link is one `dispose()` and nothing is forgotten.
 */

export interface Disposable {
  dispose(): void;
}

/** What `on`/`subscribe` return: call it to stop listening. */
export type Unsubscribe = () => void;

export function toDisposable(fn: () => void): Disposable {
  let isDone = false;
  return {
    dispose() {
      if (isDone) return;
      isDone = true;
      fn();
    },
  };
}

/**
 * Owns disposables and disposes them once, newest first. Something added after the store
 * was disposed is disposed at once: a late timer or listener cannot outlive its owner.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private isDisposedFlag = false;

  get isDisposed(): boolean {
    return this.isDisposedFlag;
  }

  add<T extends Disposable | Unsubscribe>(item: T): T {
    const d: Disposable = typeof item === 'function' ? toDisposable(item as Unsubscribe) : (item as Disposable);
    if (this.isDisposedFlag) d.dispose();
    else this.items.push(d);
    return item;
  }

  /** A timeout that is cleared when the store is disposed. */
  setTimeout(fn: () => void, ms: number): Disposable {
    const handle = setTimeout(() => {
      timer.dispose();
      fn();
    }, ms);
    const timer = toDisposable(() => clearTimeout(handle));
    return this.add(timer);
  }

  /** An interval that is cleared when the store is disposed. */
  setInterval(fn: () => void, ms: number): Disposable {
    const handle = setInterval(fn, ms);
    return this.add(toDisposable(() => clearInterval(handle)));
  }

  /** Idempotent. A disposable that throws is logged; the others are still disposed. */
  dispose(): void {
    if (this.isDisposedFlag) return;
    this.isDisposedFlag = true;
    for (const d of this.items.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (err) {
        console.error('[beacon] dispose failed', err);
      }
    }
  }
}

type Listener<A extends unknown[]> = (...args: A) => void;

/** Typed events; a listener that throws is logged and never stops the others (or the emitter). */
export class Emitter<A extends unknown[] = []> implements Disposable {
  private readonly listeners = new Set<Listener<A>>();

  /** `onListenerError`: where a throwing listener is reported (the relay passes its logger); default: the console. */
  constructor(private readonly onListenerError: (err: unknown) => void = (err) => console.error('[beacon] listener failed', err)) {}

  on(listener: Listener<A>): Unsubscribe {
    // Wrapped, so the same function added twice is called twice and removed once each.
    const entry: Listener<A> = (...args) => listener(...args);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  fire(...args: A): void {
    for (const l of [...this.listeners]) {
      if (!this.listeners.has(l)) continue; // removed by an earlier listener of this same event
      try {
        l(...args);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  /** Drops every listener. */
  dispose(): void {
    this.listeners.clear();
  }
}
