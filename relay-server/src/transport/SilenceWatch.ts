/**
 * Notices a link that stopped carrying. A client that speaks `resume` may send a `heartbeat`
 * every second; once it has sent one, nothing at all arriving from it for `limitMs` means its
 * link is taken as lost (a cut
 * cable sends no FIN, and TCP alone would wait minutes), so its sessions can wait for it to
 * come back instead of sitting on a dead connection.
 */
export const HEARTBEAT_INTERVAL_MS = 1000;
/** Silence after which a resume-capable client's link counts as lost. */
export const LINK_SILENCE_MS = 3500;

export class SilenceWatch {
  private lastHeardAt: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly now: () => number,
    limitMs: number,
    onSilent: () => void,
  ) {
    this.lastHeardAt = now();
    this.timer = setInterval(() => {
      if (this.now() - this.lastHeardAt > limitMs) onSilent();
    }, Math.min(500, limitMs));
    this.timer.unref?.();
  }

  heard(): void {
    this.lastHeardAt = this.now();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
