/**
 * Opens a WebSocket the way a client coming back from a dropped link needs: if the socket is
 * not open after `everyMs`, another one is started beside it (up to `max`), and the first that
 * opens wins; the others are closed before they send anything. A connection begun while the
 * link was dead can wait seconds for its next SYN, so starting afresh beats waiting; unlike
 * abandoning the slow one, a slow but working network (a long round trip) still gets through.
 * Rejects once every socket failed and no more will be started, or after `timeoutMs`.
 */
export interface RacingOptions {
  everyMs: number;
  max: number;
  timeoutMs: number;
}

export function openRacingSocket(url: string, o: RacingOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<WebSocket>();
    let started = 0;
    let isSettled = false;
    let next: ReturnType<typeof setTimeout> | undefined;
    const finish = (winner: WebSocket | null, err?: Error) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(next);
      clearTimeout(deadline);
      for (const s of sockets) {
        if (s === winner) continue;
        s.onopen = s.onerror = s.onclose = null;
        try {
          s.close();
        } catch {
          /* already closing */
        }
      }
      if (winner) {
        winner.onopen = winner.onerror = winner.onclose = null;
        resolve(winner);
      } else reject(err ?? new Error('could not reach the relay'));
    };
    const deadline = setTimeout(() => finish(null, new Error('timed out connecting to the relay')), o.timeoutMs);
    const start = () => {
      if (isSettled) return;
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch (err) {
        return finish(null, err instanceof Error ? err : new Error('bad relay URL'));
      }
      started++;
      sockets.add(ws);
      const gone = () => {
        sockets.delete(ws);
        // This one failed: the others go on; with none left, a new one starts now (or the race is lost).
        if (sockets.size === 0 && !isSettled) {
          if (started < o.max) {
            clearTimeout(next);
            next = setTimeout(start, o.everyMs);
          } else finish(null);
        }
      };
      ws.onopen = () => finish(ws);
      ws.onerror = gone;
      ws.onclose = gone;
      if (started < o.max) next = setTimeout(start, o.everyMs);
    };
    start();
  });
}
