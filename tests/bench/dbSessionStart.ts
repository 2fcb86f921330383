/**
 * What PostgreSQL costs a session start, against SQLite: one in-process relay per engine, one
 * agent and one customer (node-datachannel), then N sessions opened (request, consent, started
 * on both sides) and ended one after another; prints the median and p90 per engine and the ratio.
 *
 *   node --import tsx tests/bench/dbSessionStart.ts [N]     (needs Debian's postgresql)
 */
import { cleanupNative } from '../../relay-server/src/platform/nativeHandles.ts';
import { createTestPostgresDatabase } from '../../relay-server/src/testing/testDatabase.ts';
import { sessionStarts } from './clusterBench.ts';
import { percentile } from './stats.ts';

const N = Number(process.argv[2] ?? 40);

const measure = (databaseUrl?: string) => sessionStarts(N, databaseUrl ? { databaseUrl } : {});

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
