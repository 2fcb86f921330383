import { z } from 'zod';

/**
 * Every failure a peer can be told about. The code travels on the wire; the text a user
 * sees comes from the i18n catalog (`errors.<code>`), never from the relay's message,
 * which is log detail only.
 */
export const ERROR_CODES = [
  'bad-message',
  'version-mismatch',
  'unauthorized',
  'forbidden',
  'wrong-code',
  'locked',
  'rate-limited',
  'unknown-device',
  'device-busy',
  'denied',
  'consent-timeout',
  'not-found',
  'not-allowed',
  'internal',
  /** The seat already runs as many sessions as its concurrency limit allows. */
  'concurrency-limit',
  /** The request clashes with what exists (a login taken, the last owner, setup already done). */
  'conflict',
  /** Too many wrong passwords: the seat stays locked until an owner or admin unlocks it. */
  'account-locked',
  /** The seat was disabled by an administrator. */
  'account-disabled',
  /** A chat message, stroke or attachment is over its size limit (see collab.ts). */
  'too-large',
  /** An attachment did not reach the other party whole (version 3 on; older peers are told `internal`). */
  'not-delivered',
  /**
   * Over a count a session or party may have: attachments open at once, chat messages in one
   * session (version 4 on; older peers are told `rate-limited`). See "Errors and limits" in docs/PROTOCOL.md.
   */
  'too-many',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Why a session ended. Shown to both sides, stored in the event log. */
export const END_REASONS = [
  'customer-stopped',
  'agent-ended',
  'customer-disconnected',
  'agent-disconnected',
  'relay-shutdown',
  /**
   * The customer consented but its link cannot carry the session: the data channels the session
   * needs did not open in time (version 3 on; older peers are told `customer-disconnected`).
   */
  'link-failed',
  /**
   * One side lost its link and did not come back within the resume grace period (version 4
   * on, capability `resume`; older peers are told `customer-disconnected`).
   */
  'network-lost',
] as const;
export const EndReason = z.enum(END_REASONS);
export type EndReason = z.infer<typeof EndReason>;

/** An error that carries a protocol error code, for throwing inside a boundary handler. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** What a peer is told about a failure: a protocol code and a message that never leaks internals. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * The one failure path: whatever a boundary handler throws becomes what the peer is told. An
 * error carrying a protocol code keeps it and its message; anything else (a bug, a database
 * failure) becomes `internal` with a fixed text, and `internal` tells the caller to log it as
 * an error rather than as a refusal.
 */
export function toWireError(err: unknown): WireError & { readonly internal: boolean } {
  const r = ErrorCode.safeParse((err as { code?: unknown } | null | undefined)?.code);
  if (!r.success || r.data === 'internal') return { code: 'internal', message: 'internal error', internal: true };
  return { code: r.data, message: err instanceof Error ? err.message : String(err), internal: false };
}

/** The error a client raises for a wire `error` it received. */
export function fromWireError(e: WireError): ProtocolError {
  return new ProtocolError(e.code, e.message);
}
