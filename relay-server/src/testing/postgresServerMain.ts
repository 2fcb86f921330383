/**
 * Runs a throwaway PostgreSQL server (PostgresServer.ts) for another process: prints its admin
 * URL on the first line of stdout, stops it and deletes its folder when stdin closes.
 * tests/run-tests.mjs uses it for the suite's PostgreSQL pass.
 */
import { startPostgresServer } from './PostgresServer.ts';

const server = await startPostgresServer();
process.stdout.write(`${server.url()}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.stop().then(() => process.exit(0));
});
