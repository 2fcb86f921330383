/**
 * Notices a link that stopped carrying. A client that speaks `resume` may send a `heartbeat`
 * every second; once it has sent one, the relay also pings its socket at every tick (a browser
 * answers pings from its network stack, even while the page is busy encoding a screenshot or
 * hashing an attachment), and nothing at all arriving for `limitMs` means its link is taken as lost (a cut
 * cable sends no FIN, and TCP alone would wait minutes), so its sessions can wait for it to
 * come back instead of sitting on a dead connection.
 */
export const HEARTBEAT_INTERVAL_MS = 1000;
/** Silence after which a resume-capable client's link counts as lost. */
export const LINK_SILENCE_MS = 3500;

/**
 * Silence is counted only while this process was listening: a tick that comes late (the event
 * loop was busy, say writing a large attachment) adds at most two periods, since the client's
 * frames may be waiting unread in the socket behind it, and timers run before pending I/O.
 */
export class SilenceWatch {
  private quietMs = 0;
  private lastTickAt: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly now: () => number,
    limitMs: number,
    onSilent: () => void,
    /** Called at every tick (the connection pings its socket). */
    onTick: () => void = () => undefined,
  ) {
    const periodMs = Math.min(500, limitMs);
    this.lastTickAt = now();
    this.timer = setInterval(() => {
      const t = this.now();
      this.quietMs += Math.min(t - this.lastTickAt, 2 * periodMs);
      this.lastTickAt = t;
      if (this.quietMs > limitMs) onSilent();
      else onTick();
    }, periodMs);
    this.timer.unref?.();
  }

  heard(): void {
    this.quietMs = 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
