/**
 * Which seats are online: live signalling connections per account, kept by the connections
 * themselves (added after a valid agent hello, removed on close). The seats view reads it;
 * the service desk listens for a seat's first connection opening and last one closing.
 */
export type PresenceListener = (accountId: number, isOnline: boolean) => void;

export class Presence {
  private readonly byAccount = new Map<number, Set<string>>();
  private readonly listeners = new Set<PresenceListener>();

  add(accountId: number, connId: string): void {
    let set = this.byAccount.get(accountId);
    if (!set) {
      set = new Set();
      this.byAccount.set(accountId, set);
    }
    set.add(connId);
    if (set.size === 1) this.tell(accountId, true);
  }

  remove(accountId: number, connId: string): void {
    const set = this.byAccount.get(accountId);
    if (!set?.delete(connId)) return;
    if (set.size === 0) {
      this.byAccount.delete(accountId);
      this.tell(accountId, false);
    }
  }

  isOnline(accountId: number): boolean {
    return (this.byAccount.get(accountId)?.size ?? 0) > 0;
  }

  /** The seats with a connection to this relay. */
  onlineAccounts(): number[] {
    return [...this.byAccount.keys()];
  }

    connections(accountId: number): number {
    return this.byAccount.get(accountId)?.size ?? 0;
  }

  /** Called when a seat comes online (first connection) or goes offline (last one closed); returns the unsubscribe. */
  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(accountId: number, isOnline: boolean): void {
    for (const l of this.listeners) l(accountId, isOnline);
  }
}
