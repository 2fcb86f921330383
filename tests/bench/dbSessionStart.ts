/**
 * What PostgreSQL costs a session start, against SQLite: one in-process relay per engine, one
 * agent and one customer (node-datachannel), then N sessions opened (request, consent, started
 * on both sides) and ended one after another; prints the median and p90 per engine and the ratio.
 *
 *   node --import tsx tests/bench/dbSessionStart.ts [N]     (needs Debian's postgresql)
 */
import { performance } from 'node:perf_hooks';
import { cleanupNative } from '../../relay-server/src/platform/nativeHandles.ts';
import { openSession } from '../../relay-server/src/testing/NdcClient.ts';
import { NdcClient } from '../../relay-server/src/testing/NdcClient.ts';
import { createTestPostgresDatabase } from '../../relay-server/src/testing/testDatabase.ts';
import { startTestRelay } from '../../relay-server/src/testing/testRelay.ts';
import { percentile } from './stats.ts';

const N = Number(process.argv[2] ?? 40);

async function measure(databaseUrl?: string): Promise<number[]> {
  const t = await startTestRelay(databaseUrl ? { databaseUrl } : {});
  const agent = await NdcClient.open({ relayUrl: t.relay.url, role: 'agent', token: await t.token() });
  const customer = await NdcClient.open({ relayUrl: t.relay.url, role: 'customer' });
  const times: number[] = [];
  try {
    for (let i = 0; i < N + 3; i++) {
      const started = performance.now();
      const s = await openSession(agent, customer, { view: true, control: true }, 15_000);
      if (i >= 3) times.push(performance.now() - started); // the first ones warm up
      agent.send({ type: 'session-end', sessionId: s.sessionId });
      await customer.next('session-ended', 15_000, (m) => m.sessionId === s.sessionId);
      await t.relay.flush();
    }
  } finally {
    agent.close();
    customer.close();
    await t.relay.close();
  }
  return times;
}

const sqlite = await measure();
const pg = await createTestPostgresDatabase();
const postgres = await measure(pg.url);
await pg.drop();
const row = (name: string, v: number[]) => `${name.padEnd(10)} median ${percentile(v, 50).toFixed(1)} ms  p90 ${percentile(v, 90).toFixed(1)} ms  (n=${v.length})`;
console.log(row('sqlite', sqlite));
console.log(row('postgres', postgres));
console.log(`ratio (postgres / sqlite, medians): ${(percentile(postgres, 50) / percentile(sqlite, 50)).toFixed(2)}`);
await cleanupNative();
process.exit(0);
