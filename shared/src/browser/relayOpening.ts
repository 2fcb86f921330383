/**
 * RelayConnection's helpers: what it says and waits for while it opens (the socket URL, the
 * hello, the welcome's role, a data channel's opening), and what it does to its peer connection.
 */
import type { ClientToRelay, Role, Welcome } from '../protocol.ts';
import { KNOWN_CAPABILITIES, PROTOCOL_VERSION } from '../version.ts';
import type { RelayConnectionOptions, WelcomeFor } from './RelayConnection.ts';

/** Turns a relay base URL into its signalling socket URL. */
export function signallingUrl(relayUrl: string): string {
  const u = new URL(relayUrl);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  u.pathname = `${u.pathname.replace(/\/$/, '')}/ws`;
  u.search = '';
  u.hash = '';
  return u.toString();
}

export function helloOf(opts: RelayConnectionOptions): ClientToRelay {
  const hello: ClientToRelay = { type: 'hello', v: PROTOCOL_VERSION, role: opts.role, capabilities: [...KNOWN_CAPABILITIES] };
  if (opts.token) hello.token = opts.token;
  if (opts.ticket) hello.ticket = opts.ticket;
  if (opts.resume?.length) hello.resume = opts.resume;
  return hello;
}

export function isWelcomeFor<R extends Role>(w: Welcome, role: R): w is WelcomeFor<R> {
  return w.role === role;
}

export function whenOpen(dc: RTCDataChannel): Promise<void> {
  if (dc.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    dc.addEventListener('open', () => resolve(), { once: true });
    dc.addEventListener('close', () => reject(new Error(`channel ${dc.label} closed before opening`)), { once: true });
  });
}

/** Closes a peer connection whose failure or channels' closing must no longer be heard (a fallback, a bridge that stays on the socket). */
export function abandonPeer(pc: RTCPeerConnection, channels: readonly (RTCDataChannel | null)[]): void {
  pc.onconnectionstatechange = null;
  pc.onicecandidate = null;
  for (const dc of channels) if (dc) dc.onclose = null;
  pc.close();
}

/** Voice: adds `track` on a new audio m-line, Opus only, and makes the offer to send as `rtc-renegotiate`. */
export function addAudioLine(pc: RTCPeerConnection, track: MediaStreamTrack): { sender: RTCRtpSender; offer: Promise<string> } {
  const transceiver = pc.addTransceiver(track, { direction: 'sendrecv' });
  // Opus only: the relay forwards packets unchanged apart from the header, so both sides must speak it.
  const opus = (RTCRtpReceiver.getCapabilities('audio')?.codecs ?? []).filter((c) => c.mimeType.toLowerCase() === 'audio/opus');
  if (opus.length) transceiver.setCodecPreferences(opus);
  const offer = pc.createOffer().then(async (o) => {
    await pc.setLocalDescription(o);
    return o.sdp ?? '';
  });
  return { sender: transceiver.sender, offer };
}
