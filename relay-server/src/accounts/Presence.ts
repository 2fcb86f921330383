/**
 * Which seats are online: live signalling connections per account, kept by the connections
 * themselves (added after a valid agent hello, removed on close). The seats view reads it.
 */
export class Presence {
  private readonly byAccount = new Map<number, Set<string>>();

  add(accountId: number, connId: string): void {
    let set = this.byAccount.get(accountId);
    if (!set) {
      set = new Set();
      this.byAccount.set(accountId, set);
    }
    set.add(connId);
  }

  remove(accountId: number, connId: string): void {
    const set = this.byAccount.get(accountId);
    set?.delete(connId);
    if (set?.size === 0) this.byAccount.delete(accountId);
  }

  isOnline(accountId: number): boolean {
    return (this.byAccount.get(accountId)?.size ?? 0) > 0;
  }

  connections(accountId: number): number {
    return this.byAccount.get(accountId)?.size ?? 0;
  }
}
