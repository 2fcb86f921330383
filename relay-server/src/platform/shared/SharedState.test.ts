/**
 * Both SharedState implementations behave alike: in memory (one relay) and in Redis (a throwaway
 * server, testing/RedisServer.ts), where two relays' connections see the same counters, values,
 * members and messages.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { openTestSharedState, SHARED_STATE_KINDS } from '../../testing/testSharedState.ts';

for (const kind of SHARED_STATE_KINDS) {
  describe(`SharedState (${kind})`, () => {
    test('a limiter counts failures inside its sliding window, per key', async () => {
      let t = 1_000_000;
      const state = await openTestSharedState(kind, { now: () => t });
      const lim = state.limiter('wrong', { max: 3, windowMs: 1000 });
      assert.equal(await lim.record('a'), 1);
      t += 400;
      assert.equal(await lim.record('a'), 2);
      assert.equal(await lim.record('b'), 1);
      assert.equal(await lim.isLimited('a'), false);
      assert.equal(await lim.record('a'), 3);
      assert.equal(await lim.isLimited('a'), true);
      assert.equal(await lim.lastAt('a'), 1_000_400);
      assert.equal(await lim.retryAt('a'), 1_001_000, 'the first of the 3 leaves the window');
      assert.equal(await lim.retryAt('b'), null);
      t += 601; // the first failure left the window
      assert.equal(await lim.count('a'), 2);
      assert.equal(await lim.isLimited('a'), false);
      await lim.reset('a');
      assert.equal(await lim.count('a'), 0);
      assert.equal(await lim.count('b'), 1);
      await state.close();
    });

    test('values expire, and a conditional delete keeps a newer owner', async () => {
      let t = 5_000_000;
      const state = await openTestSharedState(kind, { now: () => t });
      await state.put('device:1', 'relay-a', 60_000);
      assert.equal(await state.get('device:1'), 'relay-a');
      await state.put('device:1', 'relay-b', 60_000);
      await state.delete('device:1', 'relay-a');
      assert.equal(await state.get('device:1'), 'relay-b');
      await state.delete('device:1', 'relay-b');
      assert.equal(await state.get('device:1'), null);
      await state.put('short', 'x', 30);
      if (kind === 'memory') t += 31;
      else await new Promise((r) => setTimeout(r, 60)); // Redis expires keys by its own clock
      assert.equal(await state.get('short'), null);
      await state.close();
    });

    test('members are counted until they leave or their time runs out', async () => {
      let t = 9_000_000;
      const state = await openTestSharedState(kind, { now: () => t });
      assert.equal(await state.join('presence:7', 'relay-a/c1', 10_000), 1);
      assert.equal(await state.join('presence:7', 'relay-b/c2', 20_000), 2);
      assert.equal(await state.join('presence:7', 'relay-a/c1', 10_000), 2);
      assert.equal(await state.leave('presence:7', 'relay-b/c2'), 1);
      t += 10_001;
      assert.equal(await state.members('presence:7'), 0);
      await state.close();
    });

    test('two relays on one store share counters and hear each other', async () => {
      const prefix = `test:${randomBytes(6).toString('hex')}:`;
      const a = await openTestSharedState(kind, { prefix });
      const b = kind === 'memory' ? a : await openTestSharedState(kind, { prefix });
      const limit = { max: 5, windowMs: 60_000 };
      await a.limiter('code', limit).record('k');
      await b.limiter('code', limit).record('k');
      assert.equal(await a.limiter('code', limit).count('k'), 2);
      const heard: string[] = [];
      const unsubscribe = await a.subscribe('relays', (m) => heard.push(m));
      await b.publish('relays', 'device 1 moved');
      for (let i = 0; i < 100 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(heard, ['device 1 moved']);
      unsubscribe();
      await a.close();
      if (b !== a) await b.close();
    });
  });
}
