import type { EndReason, ErrorCode } from '../errors.ts';
import type { CtlFromRelay } from './ctl.ts';
import type { RelayToClient } from './signalling.ts';

/**
 * What a peer that speaks an older protocol version is told instead of a value it does not
 * know. Error codes and end reasons are enums on the wire: a version 2 client would refuse a
 * whole `session-ended` whose reason it has never heard of, and the session would hang there.
 * Every message the relay sends goes through {@link forPeerVersion}.
 */
const NEWER_CODES: Partial<Record<ErrorCode, { readonly since: number; readonly older: ErrorCode }>> = {
  'not-delivered': { since: 3, older: 'internal' },
  'too-many': { since: 4, older: 'rate-limited' },
};
const NEWER_REASONS: Partial<Record<EndReason, { readonly since: number; readonly older: EndReason }>> = {
  'link-failed': { since: 3, older: 'customer-disconnected' },
  'network-lost': { since: 4, older: 'customer-disconnected' },
};

export function codeForVersion(code: ErrorCode, v: number): ErrorCode {
  const newer = NEWER_CODES[code];
  return newer && v < newer.since ? newer.older : code;
}

export function reasonForVersion(reason: EndReason, v: number): EndReason {
  const newer = NEWER_REASONS[reason];
  return newer && v < newer.since ? newer.older : reason;
}

/** The message as a peer speaking version `v` understands it (the same object when nothing changes). */
export function forPeerVersion<M extends RelayToClient | CtlFromRelay>(msg: M, v: number): M {
  switch (msg.type) {
    case 'error':
    case 'file-abort': {
      const code = codeForVersion(msg.code, v);
      return code === msg.code ? msg : { ...msg, code };
    }
    case 'session-ended': {
      const reason = reasonForVersion(msg.reason, v);
      return reason === msg.reason ? msg : { ...msg, reason };
    }
    default:
      return msg;
  }
}
