/**
 * A party whose connection can change under it. Sessions, forwarders and calls hold the party
 * object and key their state by its connId; when a dropped party comes back (Resume.ts), the new
 * connection is attached to the same object instead of making a new one, so nothing that holds
 * it has to be told. While no connection is attached, whatever is sent to the party is dropped
 * (a send reports false, channels read closed), as it would be on a dead link.
 */
import type { Party } from './Session.ts';

/** What one connection lends the party it carries: a party's parts, and a way to close that connection. */
export interface PartyConnection extends Omit<Party, 'isAttached'> {
  /** Closes that connection (a newer one took the party over). */
  close(reason: string): void;
}

export interface SwitchableParty extends Party {
  /** Carries the party on `conn` from now on; a connection still attached is closed first (`superseded`). */
  attach(conn: PartyConnection): void;
  /** `conn` is gone: nothing is attached any more (a no-op if another connection took over). */
  detach(conn: PartyConnection): void;
}

/** A party carried by `first`; its connId and address stay those of the first connection. */
export function switchableParty(first: PartyConnection): SwitchableParty {
  let current: PartyConnection | null = first;
  return {
    connId: first.connId,
    address: first.address,
    send: (m) => current?.send(m),
    sendCtl: (m) => current?.sendCtl(m) ?? false,
    channels: () => current?.channels() ?? { ctl: false, media: false },
    maxCtlBytes: () => current?.maxCtlBytes() ?? 0,
    transportPath: () => current?.transportPath?.() ?? 'webrtc',
    speaksResume: () => current?.speaksResume() ?? false,
    speaks: (c) => current?.speaks?.(c) ?? false,
    mediaSink: {
      isOpen: () => current?.mediaSink.isOpen() ?? false,
      bufferedAmount: () => current?.mediaSink.bufferedAmount() ?? 0,
      send: (f) => current?.mediaSink.send(f) ?? false,
    },
    attach: (conn) => {
      const old = current;
      if (old && old !== conn) old.close('superseded');
      current = conn;
    },
    detach: (conn) => {
      if (current === conn) current = null;
    },
    isAttached: () => current !== null,
  };
}

/** Whether the party was made by {@link switchableParty} (a test's fake party is not). */
export const isSwitchable = (p: Party): p is Party & SwitchableParty => 'attach' in p && 'detach' in p;
