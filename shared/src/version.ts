/**
 * The Beacon wire protocol version, sent first on every connection (`hello.v`).
 *
 * Bump it whenever a message changes meaning or shape in a way an older peer would
 * misread, and say here what changed. Never change what an existing `type` means;
 * add a new type instead.
 *
 * 1: first version: signalling over WebSocket, `ctl` (JSON) and `media` (binary) data channels.
 */
export const PROTOCOL_VERSION = 1;
