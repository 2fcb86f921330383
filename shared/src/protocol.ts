/**
 * The Beacon protocol, defined once. Every message that crosses a process or network
 * boundary is one of these unions and is parsed with `parseUnknown`/`handleAtBoundary`.
 *
 * Transports:
 * - WebSocket `/ws` on the relay: signalling and session lifecycle (JSON text frames).
 * - WebRTC, terminated by the relay, one PeerConnection per client, two data channels
 *   the client creates before its offer:
 *   - `ctl`: reliable, ordered, JSON text (`CtlToRelay` / `CtlFromRelay`);
 *   - `media`: reliable, ordered, binary frames (see `framing.ts`).
 *
 * The schemas live in `protocol/` by transport (core, signalling, ctl), plus the service desk's
 * (desk, behind the `desk` capability); this module is the one place to import them from.
 */
export * from './protocol/core.ts';
export * from './protocol/signalling.ts';
export * from './protocol/ctl.ts';
export * from './protocol/transport.ts';
export * from './protocol/downgrade.ts';
export * from './protocol/desk.ts';
export * from './protocol/resume.ts';
export * from './protocol/clipboard.ts';
export * from './protocol/monitors.ts';
export * from './protocol/handover.ts';
export * from './protocol/multi.ts';
export * from './protocol/deskAlerts.ts';
export * from './protocol/fileTransfer.ts';
export * from './protocol/sound.ts';
export * from './protocol/linkProbe.ts';
export * from './protocol/camera.ts';
export * from './protocol/curtain.ts';
export * from './protocol/cluster.ts';
export * from './protocol/deskCluster.ts';
export * from './protocol/deskOffers.ts';
export * from './protocol/voiceMulti.ts';
