/**
 * The store shell both clients share: one immutable snapshot, read by React through
 * `subscribe`/`getSnapshot` (useSyncExternalStore), replaced as a whole and announced once
 * per change. Pure: no DOM, no Node.
 */
import { Emitter, type Unsubscribe } from './lifecycle.ts';

export class Store<S> {
  private state: S;
  private readonly changed = new Emitter();
  private isDisposed = false;

  constructor(initial: S) {
    this.state = initial;
  }

  readonly getSnapshot = (): S => this.state;

  readonly subscribe = (listener: () => void): Unsubscribe => (this.isDisposed ? () => undefined : this.changed.on(listener));

  /** Replaces the snapshot and tells every subscriber (nothing happens once disposed). */
  set(next: S): void {
    if (this.isDisposed) return;
    this.state = next;
    this.changed.fire();
  }

  /** Idempotent. Forgets every subscriber; the last snapshot stays readable. */
  dispose(): void {
    this.isDisposed = true;
    this.changed.dispose();
  }
}
