/** The forwarding plan of a call with several agents: who hears whom on which line, through joins, leaves and mutes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VoiceMemberRole } from '@beacon/shared/protocol';
import { VoiceRoom, type Route, type RoomMember } from './VoiceRoom.ts';

const OWNER = 1;
const GUEST = 2;
const SUPERVISOR = 3;
const MONITOR = 4;

function member(id: RoomMember['id'], role: VoiceMemberRole): RoomMember {
  return { id, name: `m${String(id)}`, role, isMuted: false, isListenOnly: role === 'monitor', connId: `c${String(id)}` };
}

function room(): VoiceRoom {
  return new VoiceRoom(member('customer', 'customer'), member(OWNER, 'owner'));
}

const sorted = (routes: Route[]): string[] => routes.map((r) => `${r.connId}:${String(r.line)}`).sort();

test('two parties alone: the room forwards nothing (the two-party call carries them) and nobody has listen lines', () => {
  const r = room();
  assert.deepEqual(r.routes('customer'), []);
  assert.deepEqual(r.routes(OWNER), []);
  assert.deepEqual(r.linesOf('customer'), []);
});

test('three parties: the guest hears the customer on its voice line and the owner on a listen line; the others hear the guest on a listen line', () => {
  const r = room();
  r.add(member(GUEST, 'guest'));
  assert.deepEqual(sorted(r.routes('customer')), ['c2:voice']);
  assert.deepEqual(sorted(r.routes(OWNER)), ['c2:0']);
  assert.deepEqual(sorted(r.routes(GUEST)), ['c1:0', 'ccustomer:0']);
  assert.deepEqual(r.linesOf(GUEST), [OWNER]);
  assert.deepEqual(r.linesOf('customer'), [GUEST]);
  assert.deepEqual(r.linesOf(OWNER), [GUEST]);
});

test('four parties with a monitor: the monitor hears everybody and is heard by nobody', () => {
  const r = room();
  r.add(member(GUEST, 'guest'));
  r.add(member(SUPERVISOR, 'guest'));
  r.add(member(MONITOR, 'monitor'));
  assert.deepEqual(r.routes(MONITOR), [], 'a monitor listens only');
  assert.deepEqual(r.linesOf(MONITOR), [OWNER, GUEST, SUPERVISOR]);
  assert.deepEqual(sorted(r.routes('customer')), ['c2:voice', 'c3:voice', 'c4:voice']);
  assert.deepEqual(sorted(r.routes(GUEST)), ['c1:0', 'c3:1', 'c4:1', 'ccustomer:0']);
  assert.deepEqual(r.linesOf('customer'), [GUEST, SUPERVISOR], 'the customer hears the owner on its voice line and each guest on a line of its own');
  for (const m of r.list) assert.ok(!r.linesOf(m.id).includes(MONITOR), 'nobody gets a line for the monitor');
});

test('a leave frees only its own line and a later join takes it: the others keep their lines', () => {
  const r = room();
  r.add(member(GUEST, 'guest'));
  r.add(member(SUPERVISOR, 'guest'));
  assert.deepEqual(r.linesOf('customer'), [GUEST, SUPERVISOR]);
  assert.ok(r.remove(GUEST));
  assert.deepEqual(r.linesOf('customer'), [null, SUPERVISOR], 'the supervisor stays on line 1');
  assert.deepEqual(sorted(r.routes(SUPERVISOR)), ['c1:1', 'ccustomer:1']);
  assert.deepEqual(r.linesOf(SUPERVISOR), [OWNER], 'a line left silent at the end is dropped from the plan');
  r.add(member(5, 'guest'));
  assert.deepEqual(r.linesOf('customer'), [5, SUPERVISOR], 'the newcomer takes the free line');
  assert.equal(r.remove(GUEST), false, 'gone already');
  assert.equal(r.remove(OWNER), false, 'the owner leaves only with the call');
  assert.equal(r.remove('customer'), false);
});

test('a muted member is heard nowhere until it unmutes, and keeps its lines meanwhile', () => {
  const r = room();
  r.add(member(GUEST, 'guest'));
  assert.equal(r.setMuted(GUEST, true), true);
  assert.equal(r.setMuted(GUEST, true), false, 'no change');
  assert.deepEqual(r.routes(GUEST), []);
  assert.deepEqual(r.linesOf('customer'), [GUEST]);
  r.setMuted(GUEST, false);
  assert.deepEqual(sorted(r.routes(GUEST)), ['c1:0', 'ccustomer:0']);
});
