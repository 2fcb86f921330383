/**
 * Two sessions on two relays that gave them the same number (stream ID or file lane): each
 * link's messages reach only its own session.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carriedMatch } from './linkRouting.ts';

interface FakeSession {
  readonly link: 'home' | 'relay-a';
  readonly stream: number;
  readonly lanes: readonly number[];
}

const sessions = new Map<string, FakeSession>([
  ['on-home', { link: 'home', stream: 7, lanes: [1] }],
  ['on-a', { link: 'relay-a', stream: 7, lanes: [1, 2] }],
]);
const carriedBy = (link: FakeSession['link']) => (sessionId: string) => sessions.get(sessionId)?.link === link;

test('a picture fragment goes to the session of the link it came on, though another relay uses the same stream ID', () => {
  assert.equal(carriedMatch(sessions, carriedBy('relay-a'), (s) => s.stream === 7), sessions.get('on-a'));
  assert.equal(carriedMatch(sessions, carriedBy('home'), (s) => s.stream === 7), sessions.get('on-home'));
  assert.equal(carriedMatch(sessions, carriedBy('home'), (s) => s.stream === 8), undefined);
});

test('a file chunk goes to the session of the link it came on, though both relays numbered their first file lane 1', () => {
  assert.equal(carriedMatch(sessions, carriedBy('relay-a'), (s) => s.lanes.includes(1)), sessions.get('on-a'));
  assert.equal(carriedMatch(sessions, carriedBy('home'), (s) => s.lanes.includes(1)), sessions.get('on-home'));
  assert.equal(carriedMatch(sessions, carriedBy('home'), (s) => s.lanes.includes(2)), undefined, 'lane 2 is only on A: nothing on the home link has it');
});
