/**
 * The Beacon wire protocol version, sent first on every connection (`hello.v`), and what
 * each side speaks beyond it (`capabilities` in `hello` and `welcome`).
 *
 * Bump the version whenever a message changes meaning or shape in a way an older peer would
 * misread, and add a line to `PROTOCOL_HISTORY`. Never change what an existing `type` means;
 * add a new type instead, behind a capability, so an older peer is never sent it.
 */
export const PROTOCOL_VERSION = 4;
/** The oldest version this build still speaks; a relay refuses older clients with `version-mismatch`. */
export const MIN_PROTOCOL_VERSION = 1;

/** What changed in each version, oldest first (the document a third-party client reads). */
export const PROTOCOL_HISTORY: readonly { readonly v: number; readonly changes: string }[] = [
  { v: 1, changes: 'signalling over WebSocket; `ctl` (JSON) and `media` (binary) data channels; sessions, consent, voice, chat, attachments, whiteboard' },
  {
    v: 2,
    changes:
      '`capabilities` in hello and welcome; `receive-report` and `stream-state` (capability `rate-control`); welcome is a union by role (customers always get deviceId, code and codeExpiresAt; agents always get agent); a relay answers a newer client in its own version instead of refusing it',
  },
  {
    v: 3,
    changes:
      'error code `not-delivered` and end reason `link-failed` (older peers are told `internal` and `customer-disconnected`, see `forPeerVersion`); `file-offer.sha256`, checked by the relay and the receiver; the relay fits forwarded `file-chunk`s to the receiver\'s max-message-size; a ctl `error` names what it answers (`re`); media fragments of a frame arrive in index order, and the relay refuses (with a ctl `error`) one that does not continue its frame; a session starts only once the customer\'s data channels are open',
  },
  {
    v: 4,
    changes:
      'resume (capability `resume`): a party whose link drops gets its session back within a grace period (`hello.resume`, `session-started.resumeSecret`, `session-resumed`, `resume-refused`, `peer-away`, `peer-back`, `heartbeat`); end reason `network-lost` (older peers are told `customer-disconnected`); error code `too-many` (older peers are told `rate-limited`): a party over a count (attachments open at once, chat messages in a session); ctl messages are held to a budget per party (`rate-limited`, then the WebSocket closes with 4029)',
  },
];

/**
 * Features beyond the core, named in `capabilities`. Each side lists what it speaks; a feature
 * is used only when both listed it (`sharedCapabilities`). Unknown names are ignored.
 * - `voice`: voice calls (`voice-*` ctl and an audio track); a relay without an audio forwarder leaves it out.
 * - `collab`: chat, attachments, whiteboard and screenshots (`chat-send`, `file-*`, `stroke*`, `board-clear`, `screenshot-request`).
 * - `voice-sessions`: sessions with `mode: 'voice'` (a call without screen access).
 * - `view-state`: the agent's `view-state` (keyframes only for a session not on screen).
 * - `quality-mode`: the agent's `quality-mode` for a session.
 * - `rate-control`: the agent's `receive-report` and the customer's `stream-state` (the picture follows the link).
 * - `clipboard`: clipboard text on request (`clipboard-send`, `clipboard-fetch`, `clipboard-unavailable`).
 * - `resume`: a session survives a dropped link for a grace period (`hello.resume`, `heartbeat`, `peer-away`/`peer-back`).
 * - `ws-transport`: the TCP fallback (`transport-fallback`, `transport`, `ctl` envelopes and binary media frames on the WebSocket).
 * - `desk`: the service desk over the WebSocket (`help-*`, `agent-availability`, `offer-*`, `desk-*`).
 * - `monitors`: the customer's monitors and the agent's choice of one or all (`monitor-list`, `monitor-select`).
 * - `desk-live`: a running desk session changes hands (`session-transfer`, `transfer-*`, `session-handed-over`, `session-agent-changed`).
 * - `ws-upgrade`: a connection carries ctl and media on the WebSocket first (`transport-bridge`) and moves them to the data channels once they open (`transport-upgrade`); a resuming client uses it so its session goes on before ICE.
 * - `desk-multi`: several agents in one session: monitor, join, invite, control passed (`session-monitor`, `session-join`, `session-invite*`, `invite-*`, `control-pass`, `session-participants`, `pointer`, `peer-pointer`).
 * - `file-transfer`: files and folders of any size, streamed through the relay (`ft-*` ctl, binary chunks on `media`).
 * - `remote-sound`: the agent hears the customer PC's sound on a second audio m-line (`sound-request`, `sound-answer`, `sound-stop`, `sound-state`).
 * - `camera`: video guidance: the customer's camera instead of the screen, each switch consented (`camera-request`, `camera-answer`, `camera-source`).
 * - `privacy-curtain`: the customer's monitors hidden from the customer while the agent works, each time consented (`curtain-request`, `curtain-answer`, `curtain-state`).
 * - `relay-cluster`: several relays; an agent is sent to the relay that holds a device (`relay-redirect`, `hello.ticket`).
 * - `link-probe`: a party measures its own link to the relay with padding the relay acknowledges (`link-probe`, `link-probe-ack`).
 * - `desk-alerts`: no-reply alerts to the agent's group, and taking the session over from one (`desk-alert`, `desk-alert-cleared`, `alert-take-over`).
 * - `relay-failover`: several relays; a resume may be answered `resume-redirect` (the session is held by another relay now).
 * - `camera-first`: a session that starts on the customer's camera, not the screen (`connect-request.source`, `offer-accept.source`, `consent-request.source`, `session-started.source`); needs `camera`.
 * - `clipboard-sync`: clipboard images and the automatic clipboard sync (`clipboard-image`, `clipboard-policy`, `clipboard-send.auto`).
 * - `voice-multi`: a session's participants join its call (`voice-join`, `voice-leave`, `voice-room`), each speaker heard on a listen line of its own.
 * - `desk-cluster`: several relays; a supervisor's action on a session another relay holds is sent there (`supervise-redirect`).
 * - `desk-cluster-offers`: several relays; a console is offered the help requests of customers on other relays too, and accepting one sends it there (`offer-redirect`).
 */
export const KNOWN_CAPABILITIES = ['voice', 'collab', 'voice-sessions', 'view-state', 'quality-mode', 'rate-control', 'clipboard', 'resume', 'ws-transport', 'desk', 'monitors', 'desk-live', 'ws-upgrade', 'desk-multi', 'file-transfer', 'remote-sound', 'camera', 'relay-cluster', 'link-probe', 'desk-alerts', 'privacy-curtain', 'relay-failover', 'clipboard-sync', 'voice-multi', 'desk-cluster', 'camera-first', 'desk-cluster-offers'] as const;
export type KnownCapability = (typeof KNOWN_CAPABILITIES)[number];
/** What a version 1 peer, which sends no list, speaks. */
export const VERSION_1_CAPABILITIES: readonly KnownCapability[] = ['voice', 'collab', 'voice-sessions', 'view-state', 'quality-mode'];

/**
 * The capability a ctl message needs; a client sends such a message only if the relay listed it
 * (so a newer client meeting an older relay leaves it out instead of getting `bad-message`).
 */
export const CTL_CAPABILITY: Readonly<Record<string, KnownCapability>> = {
  'receive-report': 'rate-control',
  'link-probe': 'link-probe',
  'link-probe-ack': 'link-probe',
  'stream-state': 'rate-control',
  'view-state': 'view-state',
  'quality-mode': 'quality-mode',
  'voice-request': 'voice',
  'voice-accept': 'voice',
  'voice-decline': 'voice',
  'voice-end': 'voice',
  'voice-mute': 'voice',
  'clipboard-send': 'clipboard',
  'clipboard-fetch': 'clipboard',
  'clipboard-unavailable': 'clipboard',
  'clipboard-image': 'clipboard-sync',
  'clipboard-policy': 'clipboard-sync',
  'monitor-list': 'monitors',
  'monitor-select': 'monitors',
  pointer: 'desk-multi',
  'peer-pointer': 'desk-multi',
  'ft-offer': 'file-transfer',
  'ft-request': 'file-transfer',
  'ft-answer': 'file-transfer',
  'ft-ack': 'file-transfer',
  'ft-end': 'file-transfer',
  'ft-result': 'file-transfer',
  'ft-pause': 'file-transfer',
  'ft-cancel': 'file-transfer',
  'sound-request': 'remote-sound',
  'sound-answer': 'remote-sound',
  'sound-stop': 'remote-sound',
  'sound-state': 'remote-sound',
  'camera-request': 'camera',
  'camera-answer': 'camera',
  'camera-source': 'camera',
  'curtain-request': 'privacy-curtain',
  'curtain-answer': 'privacy-curtain',
  'curtain-state': 'privacy-curtain',
  'voice-join': 'voice-multi',
  'voice-leave': 'voice-multi',
  'voice-room': 'voice-multi',
};

/** Whether a ctl message of this type may be sent to a relay that speaks `capabilities`. */
export function mayCarry(capabilities: ReadonlySet<string>, type: string): boolean {
  const needed = Object.hasOwn(CTL_CAPABILITY, type) ? CTL_CAPABILITY[type] : undefined;
  return needed === undefined || capabilities.has(needed);
}

/** The version a connection speaks: the lower of both sides', or null if the peer is too old for us. */
export function negotiateVersion(peerVersion: number): number | null {
  if (!Number.isInteger(peerVersion) || peerVersion < MIN_PROTOCOL_VERSION) return null;
  return Math.min(peerVersion, PROTOCOL_VERSION);
}

/** The known features both sides speak. A peer that sent no list (version 1) speaks the version 1 set. */
export function sharedCapabilities(ours: readonly string[], theirs: readonly string[] | undefined): ReadonlySet<KnownCapability> {
  const peer = new Set<string>(theirs ?? VERSION_1_CAPABILITIES);
  return new Set(KNOWN_CAPABILITIES.filter((c) => ours.includes(c) && peer.has(c)));
}
