/**
 * SharedState.claim, the one atomic step that makes a single relay the holder of a session
 * (cluster/SessionFailover.ts), in memory and in Redis: the first claim wins and the others are
 * told who holds the key; the holder may claim again (a renewal); once the holder's time runs
 * out the next claim wins; a conditional delete frees it only for its holder. In Redis, two
 * relays' connections claiming together: exactly one wins.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { openTestSharedState, SHARED_STATE_KINDS, type SharedStateKind } from '../../testing/testSharedState.ts';

/** Lets a value of `ttlMs` run out: the memory state's clock is ours, Redis expires keys by its own. */
async function outlive(kind: SharedStateKind, clock: { t: number }, ttlMs: number): Promise<void> {
  if (kind === 'memory') clock.t += ttlMs + 1;
  else await new Promise((r) => setTimeout(r, ttlMs + 40));
}

for (const kind of SHARED_STATE_KINDS) {
  describe(`SharedState.claim (${kind})`, () => {
    test('the first claim wins, the others hear who holds it, and the holder renews', async () => {
      const clock = { t: 2_000_000 };
      const prefix = `test:${randomBytes(6).toString('hex')}:`;
      const a = await openTestSharedState(kind, { now: () => clock.t, prefix });
      const b = kind === 'memory' ? a : await openTestSharedState(kind, { now: () => clock.t, prefix });
      try {
        assert.equal(await a.claim('session-holder:s1', 'relay-a', 60_000), 'relay-a');
        assert.equal(await b.claim('session-holder:s1', 'relay-b', 60_000), 'relay-a', 'B is told A holds it');
        assert.equal(await b.get('session-holder:s1'), 'relay-a', 'and B changed nothing');
        assert.equal(await a.claim('session-holder:s1', 'relay-a', 60_000), 'relay-a', 'the holder claims again');
        assert.equal(await b.claim('session-holder:s2', 'relay-b', 60_000), 'relay-b', 'another key is free');
      } finally {
        await a.close();
        if (b !== a) await b.close();
      }
    });

    test('once the holder stops renewing, the next claim wins; a conditional delete frees it only for its holder', async () => {
      const clock = { t: 3_000_000 };
      const state = await openTestSharedState(kind, { now: () => clock.t });
      try {
        assert.equal(await state.claim('holder', 'relay-a', 80), 'relay-a');
        await outlive(kind, clock, 80);
        assert.equal(await state.get('holder'), null, 'the dead holder ran out');
        assert.equal(await state.claim('holder', 'relay-b', 60_000), 'relay-b', 'the next claim wins');
        await state.delete('holder', 'relay-a');
        assert.equal(await state.get('holder'), 'relay-b', 'the old holder cannot free the new holder\'s key');
        await state.delete('holder', 'relay-b');
        assert.equal(await state.claim('holder', 'relay-c', 60_000), 'relay-c', 'freed by its holder, it is claimable at once');
      } finally {
        await state.close();
      }
    });
  });
}

describe('SharedState.claim in Redis: relays claiming together', () => {
  test('of five relays claiming one key at the same moment, exactly one wins and all agree which', async () => {
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    const relays = await Promise.all([0, 1, 2, 3, 4].map(() => openTestSharedState('redis', { prefix })));
    try {
      const answers = await Promise.all(relays.map((r, i) => r.claim('session-holder:race', `relay-${i}`, 60_000)));
      const winners = answers.filter((held, i) => held === `relay-${i}`);
      assert.equal(winners.length, 1, `one winner: ${answers.join(', ')}`);
      assert.ok(answers.every((held) => held === winners[0]), 'every relay is told the same holder');
    } finally {
      await Promise.all(relays.map((r) => r.close()));
    }
  });
});
