import { z } from 'zod';

/**
 * The TCP fallback (capability `ws-transport`): when a client's WebRTC data channels do not
 * open (outbound UDP blocked), the `ctl` messages and the media fragments travel over the
 * signalling WebSocket instead. Ctl messages are JSON text frames wrapped in a `ctl` envelope;
 * media fragments (framing.ts) are binary WebSocket frames, one fragment per frame.
 */

/** How a client's ctl and media reach the relay. */
export const TransportPath = z.enum(['webrtc', 'websocket']);
export type TransportPath = z.infer<typeof TransportPath>;

/**
 * A ctl message carried over the WebSocket. `msg` is parsed as the `ctl` channel's messages
 * are (`CtlToRelay` at the relay, `CtlFromRelay` at the client), so a refusal is the same
 * ctl `error` the channel would carry.
 */
export const CtlEnvelope = z.object({ type: z.literal('ctl'), msg: z.unknown() });

/** Client -> relay. */
export const TransportToRelay = z.discriminatedUnion('type', [
  /** The data channels did not open in time (or the client was told to skip WebRTC): carry ctl and media here. */
  z.object({ type: z.literal('transport-fallback'), reason: z.enum(['timeout', 'configured']) }),
  /**
   * Capability `ws-upgrade`: carry ctl and media here now, while the data channels open (a
   * resumed session goes on at once instead of waiting for ICE); the peer connection stays.
   */
  z.object({ type: z.literal('transport-bridge') }),
  /**
   * Capability `ws-upgrade`: the data channels are open, and nothing more of this client's ctl
   * or media comes on the WebSocket (this is sent after the last of it). The relay answers
   * `transport` `{path: "webrtc"}` after the last ctl and media it sent here.
   */
  z.object({ type: z.literal('transport-upgrade') }),
  CtlEnvelope,
]);
export type TransportToRelay = z.infer<typeof TransportToRelay>;

/** Relay -> client. */
export const TransportFromRelay = z.discriminatedUnion('type', [
  /** The path this connection's ctl and media now take (the answer to `transport-fallback`, `transport-bridge` and `transport-upgrade`). */
  z.object({ type: z.literal('transport'), path: TransportPath }),
  CtlEnvelope,
]);
export type TransportFromRelay = z.infer<typeof TransportFromRelay>;
