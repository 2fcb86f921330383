/**
 * A call with several agents, with fake parties and audio ports: who may join, mute and leave,
 * what each member is told, and where each speaker's packets go (RTP rewritten per line).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError } from '@beacon/shared/errors';
import type { CtlFromRelay, ParticipantRole } from '@beacon/shared/protocol';
import { MemoryLogger } from '../platform/logger.ts';
import type { ParticipantsEvent } from '../sessions/Participants.ts';
import type { AgentParty, CustomerParty, LiveSession } from '../sessions/Session.ts';
import { AudioLegs } from './AudioLegs.ts';
import type { AudioLine } from './RtpRewriter.ts';
import { VoiceMulti } from './VoiceMulti.ts';

const PT = 111;
const SESSION = 'session-1';

interface Fake {
  party: AgentParty & CustomerParty;
  inbox: CtlFromRelay[];
  /** Packets received, by line ('voice' or the listen line's index), as the SSRC they came with. */
  heard: Map<string, number[]>;
}

function fake(connId: string, agentId: number | null): Fake {
  const inbox: CtlFromRelay[] = [];
  const party = {
    connId,
    deviceId: 'dev',
    sendCtl: (m: CtlFromRelay) => inbox.push(m) > 0,
    ...(agentId === null ? {} : { agent: { id: agentId, displayName: `agent ${String(agentId)}` } }),
  } as unknown as AgentParty & CustomerParty;
  return { party, inbox, heard: new Map() };
}

function port(f: Fake, line: string) {
  return {
    isOpen: () => true,
    send: (p: Buffer) => {
      const list = f.heard.get(line) ?? [];
      list.push(p.readUInt32BE(8));
      f.heard.set(line, list);
      return true;
    },
  };
}

const audioLine = (mid: string): AudioLine => ({ mid, opusPayloadType: PT, midExtensionId: null });
const rtp = (ssrc: number): Buffer => {
  const b = Buffer.from([0x80, PT, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xfc, 0xff, 0xfe]);
  b.writeUInt32BE(ssrc, 8);
  return b;
};

function setup() {
  const log = new MemoryLogger();
  const customer = fake('c-cust', null);
  const owner = fake('c-owner', 1);
  const guest = fake('c-guest', 2);
  const monitor = fake('c-mon', 3);
  const stranger = fake('c-x', 9);
  const roles = new Map<unknown, ParticipantRole>([[owner.party, 'owner'], [guest.party, 'guest'], [monitor.party, 'monitor']]);
  const session = { id: SESSION, state: 'active', agent: owner.party, customer: customer.party } as unknown as LiveSession;
  let listener: ((e: ParticipantsEvent) => void) | null = null;
  const call = { active: true, isMuted: { agent: false, customer: false } };
  const voiceLegs = new AudioLegs(log, 'voice');
  const recorded: number[] = [];
  const tap = { participantVoice: (_s: string, agentId: number) => void recorded.push(agentId) };
  const multi = new VoiceMulti({ get: (id) => (id === SESSION ? session : undefined) }, { activeCall: () => (call.active ? call : null), isInCall: () => false }, voiceLegs, log, tap);
  multi.useParticipants({
    roleOf: (_s, p) => roles.get(p) ?? null,
    onChange: (l) => {
      listener = l;
      return () => undefined;
    },
  });
  for (const f of [customer, owner, guest, monitor]) {
    voiceLegs.set(f.party.connId, audioLine('0'), port(f, 'voice'));
    for (const i of [0, 1, 2]) multi.setListenLeg(f.party.connId, i, audioLine(`l${String(i)}`), port(f, String(i)));
  }
  const leaveSession = (f: Fake) => listener?.({ type: 'left', sessionId: SESSION, party: f.party });
  return { log, customer, owner, guest, monitor, stranger, multi, call, leaveSession, recorded };
}

const lastRoom = (f: Fake) => f.inbox.filter((m) => m.type === 'voice-room').at(-1);
const codeOf = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
  return 'none';
};

test('a guest joins: every member is told who is in the call and who it hears on which line; audio goes everywhere but back', () => {
  const t = setup();
  t.multi.handle(t.guest.party, { type: 'voice-join', sessionId: SESSION });
  const room = lastRoom(t.customer);
  assert.ok(room?.type === 'voice-room');
  assert.deepEqual(room.members.map((m) => [m.id, m.role, m.isListenOnly]), [['customer', 'customer', false], [1, 'owner', false], [2, 'guest', false]]);
  assert.deepEqual(room.lines, [2]);
  assert.deepEqual(lastRoom(t.guest)?.type === 'voice-room' && lastRoom(t.guest)?.lines, [1]);

  t.multi.fromParty(SESSION, 'customer', rtp(100), PT);
  t.multi.fromParty(SESSION, 'agent', rtp(200), PT);
  t.multi.fromConn('c-guest', rtp(300), PT);
  assert.equal(t.guest.heard.get('voice')?.length, 1, 'the guest hears the customer on its voice line');
  assert.equal(t.guest.heard.get('0')?.length, 1, 'and the owner on listen line 0');
  assert.equal(t.customer.heard.get('0')?.length, 1, 'the customer hears the guest on listen line 0');
  assert.equal(t.owner.heard.get('0')?.length, 1, 'so does the owner');
  assert.equal(t.customer.heard.get('voice'), undefined, 'customer and owner hear each other through the two-party call, not here');
  assert.notEqual(t.customer.heard.get('0')?.[0], 300, 'the SSRC is the line’s own');
  assert.deepEqual(t.recorded, [2], 'the guest’s voice is recorded (the parties’ are recorded by the two-party call)');
});

test('a monitor listens only: it hears everybody, nobody hears it, and unmuting is refused and logged', () => {
  const t = setup();
  t.multi.handle(t.guest.party, { type: 'voice-join', sessionId: SESSION });
  t.multi.handle(t.monitor.party, { type: 'voice-join', sessionId: SESSION });
  const room = lastRoom(t.owner);
  assert.ok(room?.type === 'voice-room');
  assert.deepEqual(room.members.find((m) => m.id === 3), { id: 3, name: 'agent 3', role: 'monitor', isMuted: true, isListenOnly: true }, 'the owner sees the monitor listening');
  t.multi.fromConn('c-mon', rtp(400), PT);
  for (const f of [t.customer, t.owner, t.guest]) assert.equal(f.heard.size, 0, 'nobody hears the monitor');
  assert.deepEqual(t.recorded, [], 'nor is it recorded');
  assert.equal(t.log.find('audio from a monitor dropped').length, 1);
  t.multi.fromParty(SESSION, 'customer', rtp(100), PT);
  t.multi.fromParty(SESSION, 'agent', rtp(200), PT);
  t.multi.fromConn('c-guest', rtp(300), PT);
  assert.deepEqual([...t.monitor.heard.keys()].sort(), ['0', '1', 'voice']);
  assert.equal(codeOf(() => t.multi.mute(t.monitor.party, SESSION, false)), 'forbidden');
  assert.ok(t.log.find('voice call refused').length >= 1);
});

test('strangers, customers, the owner and calls that do not run are refused', () => {
  const t = setup();
  assert.equal(codeOf(() => t.multi.handle(t.guest.party, { type: 'voice-join', sessionId: 'other' })), 'forbidden');
  assert.equal(codeOf(() => t.multi.handle(t.stranger.party, { type: 'voice-join', sessionId: SESSION })), 'forbidden');
  assert.equal(codeOf(() => t.multi.handle(t.customer.party, { type: 'voice-join', sessionId: SESSION })), 'forbidden');
  assert.equal(codeOf(() => t.multi.handle(t.owner.party, { type: 'voice-join', sessionId: SESSION })), 'conflict');
  assert.equal(codeOf(() => t.multi.handle(t.guest.party, { type: 'voice-leave', sessionId: SESSION })), 'not-allowed');
  t.call.active = false;
  assert.equal(codeOf(() => t.multi.handle(t.guest.party, { type: 'voice-join', sessionId: SESSION })), 'not-allowed');
  assert.equal(t.log.find('voice call refused').length, 3, 'each forbidden attempt is logged');
  assert.equal(t.customer.inbox.length, 0);
});

test('mute is shown to everyone and silences the guest; leaving and the session’s end take it out without moving the others', () => {
  const t = setup();
  t.multi.handle(t.guest.party, { type: 'voice-join', sessionId: SESSION });
  t.multi.handle(t.monitor.party, { type: 'voice-join', sessionId: SESSION });
  t.multi.mute(t.guest.party, SESSION, true);
  const room = lastRoom(t.customer);
  assert.equal(room?.type === 'voice-room' && room.members.find((m) => m.id === 2)?.isMuted, true);
  t.multi.fromConn('c-guest', rtp(300), PT);
  assert.equal(t.customer.heard.size, 0, 'a muted guest is silenced at the relay');
  assert.deepEqual(t.recorded, [], 'and not recorded');
  t.multi.partyMuted(SESSION, 'agent', true);
  const after = lastRoom(t.guest);
  assert.equal(after?.type === 'voice-room' && after.members.find((m) => m.id === 1)?.isMuted, true, 'the owner’s mute is shown to the guest');

  const monitorLines = lastRoom(t.monitor);
  assert.deepEqual(monitorLines?.type === 'voice-room' && monitorLines.lines, [1, 2]);
  t.multi.handle(t.guest.party, { type: 'voice-leave', sessionId: SESSION });
  assert.deepEqual(lastRoom(t.guest), { type: 'voice-room', sessionId: SESSION, members: [], lines: [] });
  const left = lastRoom(t.monitor);
  assert.deepEqual(left?.type === 'voice-room' && left.lines, [1], 'the owner stays on the monitor’s line 0');

  t.multi.handle(t.guest.party, { type: 'voice-join', sessionId: SESSION });
  t.leaveSession(t.guest);
  assert.deepEqual(lastRoom(t.customer)?.type === 'voice-room' && lastRoom(t.customer)?.members.map((m) => m.id), ['customer', 1, 3]);
  t.multi.callEnded(SESSION);
  assert.deepEqual(lastRoom(t.monitor), { type: 'voice-room', sessionId: SESSION, members: [], lines: [] });
  t.multi.fromParty(SESSION, 'customer', rtp(100), PT);
  assert.equal(t.monitor.heard.size, 0, 'nothing is forwarded after the call');
});
