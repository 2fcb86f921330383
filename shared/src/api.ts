/**
 * The relay's HTTP API beyond sign-in: accounts and roles, the customer directory and the
 * back-office (remote-control log, statistics, audit log, settings) and the service desk. Every request body and
 * query is parsed with these schemas on the relay, and every response can be parsed with
 * them by a client. relay-server/API.md lists which endpoint uses which schema and which
 * role it needs. Errors are always `ApiError` (shared/src/protocol.ts).
 *
 * Times are epoch milliseconds (UTC). IDs of accounts, groups and customers are integers;
 * session IDs are strings. Lists page with an opaque `cursor`: pass back `nextCursor`
 * until it is null.
 *
 * The schemas live in `api/`, one file per area; this module is the one place to import them from.
 */
export * from './api/common.ts';
export * from './api/accounts.ts';
export * from './api/directory.ts';
export * from './api/history.ts';
export * from './api/recording.ts';
export * from './api/desk.ts';
