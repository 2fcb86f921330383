/**
 * Keeps node-datachannel's channels and tracks alive until they have closed.
 *
 * node-datachannel lists every DataChannel and Track wrapper by raw pointer and takes one off
 * that list only when the wrapper's close callback has run on the JS thread. A wrapper that
 * is garbage-collected before then stays on the list, dangling; `nodeDataChannel.cleanup()`
 * (relay shutdown, the end of a test process) walks the list and crashes on it (SIGSEGV in
 * ThreadSafeCallback's destructor, seen now and then at the exit of test processes). Every
 * channel and track the relay and its test client meet is therefore held here from the moment it appears until
 * its close callback has run, and `cleanupNative` waits for those callbacks. (Registering a
 * close callback has a cost: once it has run, node-datachannel drops messages still queued
 * for the JS thread, so a sender that closes must let its last messages arrive first.)
 */
import nodeDataChannel, { type DataChannel, type Track } from 'node-datachannel';

type Handle = DataChannel | Track;

const held = new Set<Handle>();
const waiters = new Set<() => void>();

/**
 * Holds `handle` until it has closed, and calls `onClosed` then. This must be the only
 * `onClosed` registration for the handle (node-datachannel keeps one), made before it closes.
 */
export function holdUntilClosed<T extends Handle>(handle: T, onClosed?: () => void): T {
  held.add(handle);
  handle.onClosed(() => {
    held.delete(handle);
    try {
      onClosed?.();
    } finally {
      if (held.size === 0) for (const wake of waiters) wake();
    }
  });
  return handle;
}

/** How many channels and tracks are open or closing now. */
export function heldNativeHandles(): number {
  return held.size;
}

/**
 * Waits (at most `timeoutMs`) until every held channel and track has closed, then lets
 * node-datachannel stop its threads. Handles still open after the wait are still referenced
 * here, so cleaning up under them is safe; it answers how many there were.
 */
export async function cleanupNative(timeoutMs = 3000): Promise<number> {
  if (held.size > 0) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      waiters.add(done);
    });
  }
  // A close callback that has just run may still be followed by node-datachannel's own
  // clean-up of the wrapper in the same tick; give it one turn of the event loop.
  await new Promise((r) => setImmediate(r));
  const left = held.size;
  nodeDataChannel.cleanup();
  return left;
}
