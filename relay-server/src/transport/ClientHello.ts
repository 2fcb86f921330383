/**
 * A client's hello: the version check, the capabilities both sides speak, the agent's token
 * or the customer's registration, and `hello.resume` (a party that comes back within its grace
 * period is carried by the new connection instead of a new one: same device ID, same sessions).
 */
import { z } from 'zod';
import { ProtocolError } from '@beacon/shared/errors';
import { parseJson } from '@beacon/shared/parse';
import type { Hello, RelayToClient, SuperviseScope, TakeScope } from '@beacon/shared/protocol';
import { KNOWN_CAPABILITIES, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, negotiateVersion, sharedCapabilities } from '@beacon/shared/version';
import type { TokenGrant } from '../accounts/AgentAuth.ts';
import type { AgentParty, CustomerParty, Party } from '../sessions/Session.ts';
import type { ResumeOutcome } from '../sessions/Resume.ts';
import type { ConnectionContext } from './ClientConnection.ts';

/** Just enough of a hello to tell a newer client it speaks another version, whatever else changed. */
const VersionProbe = z.object({ type: z.literal('hello'), v: z.number() });

/** What the hello needs of the connection it arrived on. */
export interface HelloHost {
  readonly ctx: ConnectionContext;
  readonly address: string;
  connId(): string;
  isClosed(): boolean;
  send(msg: RelayToClient): void;
  /** Refuses the client: says why (if `error`) and closes with a policy close code. */
  refuse(reason: string, error?: RelayToClient): void;
  /** The version and capabilities both sides speak from now on. */
  agree(v: number, spokenByBoth: ReadonlySet<string>): void;
  /** A new party carried by this connection. */
  newParty(): Party;
  /** This connection carries a party that came back (its old connection is closed). */
  adopt<P extends AgentParty | CustomerParty>(party: P): P;
  /** The party is set: the connection takes ctl and signalling from now on. */
  ready(party: AgentParty | CustomerParty): void;
  /** An agent signed in: presence, the token's revocation watch, its expiry (with a relay ticket: the one device it may ask for). */
  signedIn(grant: TokenGrant & { deviceId?: string; supervise?: SuperviseScope; take?: TakeScope }): void;
}

/** What this relay speaks beyond the core: everything it knows, but voice only with an audio forwarder (desk only with a desk, relay-cluster only in a cluster). */
export function relayCapabilities(ctx: Pick<ConnectionContext, 'voice' | 'desk' | 'cluster' | 'supervision'>): string[] {
  return KNOWN_CAPABILITIES.filter(
    (c) =>
      ((c !== 'voice' && c !== 'remote-sound' && c !== 'voice-multi') || ctx.voice !== undefined) &&
      ((c !== 'desk' && c !== 'desk-live' && c !== 'desk-multi' && c !== 'desk-alerts') || ctx.desk !== undefined) &&
      (c !== 'relay-cluster' || ctx.cluster !== undefined) &&
      (c !== 'relay-failover' || ctx.cluster !== undefined) &&
      ((c !== 'desk-cluster' && c !== 'desk-cluster-offers') || ctx.supervision !== undefined),
  );
}

/** A first frame from a client of another protocol version: it is told so and refused (true). */
export function refusedVersion(host: HelloHost, text: string): boolean {
  const probe = parseJson(VersionProbe, text, 'ws hello');
  if (!probe.ok || negotiateVersion(probe.value.v) !== null) return false;
  host.ctx.log.warn('protocol version mismatch', { connId: host.connId(), clientVersion: probe.value.v });
  host.refuse('version-mismatch', {
    type: 'error',
    code: 'version-mismatch',
    message: `the relay speaks protocol versions ${MIN_PROTOCOL_VERSION} to ${PROTOCOL_VERSION}; this client speaks version ${probe.value.v}`,
  });
  return true;
}

export async function acceptHello(host: HelloHost, msg: Hello): Promise<void> {
  const { ctx } = host;
  const spoken = { v: negotiateVersion(msg.v) ?? PROTOCOL_VERSION, capabilities: relayCapabilities(ctx) };
  // A ctl message this client did not say it speaks is never sent to it (an older client would refuse it).
  const spokenByBoth = sharedCapabilities(spoken.capabilities, msg.capabilities);
  host.agree(spoken.v, spokenByBoth);
  const claims = (agentId: number | null): ResumeOutcome =>
    spokenByBoth.has('resume') ? ctx.sessions.resumeClaims(msg.role, msg.resume ?? [], agentId) : { party: null, resumed: [], replies: [] };
  if (msg.role === 'agent') {
    const grant = msg.token ? await ctx.auth.verifyToken(msg.token) : msg.ticket && ctx.cluster ? await ctx.cluster.grantOf(msg.ticket) : null;
    if (host.isClosed()) return;
    if (!grant) {
      ctx.log.warn('agent hello without a valid token', { connId: host.connId(), address: host.address });
      host.refuse('unauthorized', { type: 'error', code: 'unauthorized', message: 'sign in again: the token is missing, expired or revoked' });
      return;
    }
    if (await movedElsewhere(host, msg, grant, spokenByBoth)) return;
    const back = claims(grant.agent.id);
    const party = back.party && 'agent' in back.party ? host.adopt(back.party) : { ...host.newParty(), agent: grant.agent };
    host.ready(party);
    host.signedIn(grant);
    host.send({ type: 'welcome', ...spoken, role: 'agent', agent: grant.agent });
    // A ticket's connection carries one redirected session, never the agent's desk (that stays on its home relay).
    if (spokenByBoth.has('desk') && !msg.ticket) ctx.desk?.attach(party, spokenByBoth.has('desk-live'), spokenByBoth.has('desk-multi'), spokenByBoth.has('desk-alerts'), spokenByBoth.has('desk-cluster-offers'));
    // A ticket's connection hears its session's desk messages (participants, hand-overs), without the desk's offers and queue.
    else if (spokenByBoth.has('desk')) ctx.desk?.attachTicketed(party, spokenByBoth.has('desk-live'), spokenByBoth.has('desk-multi'));
    ctx.log.info('agent connected', { connId: host.connId(), agentId: grant.agent.id, address: host.address, isResumed: back.party !== null });
    ctx.sessions.partyReturned(party, back);
    return;
  }
  if (await movedElsewhere(host, msg, null, spokenByBoth)) return;
  const back = claims(null);
  if (back.party && 'deviceId' in back.party) return customerReturned(host, host.adopt(back.party), back, spoken);
  return registerCustomer(host, back, spoken, spokenByBoth);
}

type Spoken = { v: number; capabilities: string[] };

/**
 * In a cluster, resume claims for sessions this relay does not run are taken over here if their
 * relay died (cluster/SessionFailover.ts); true when the client was sent to the relay that holds
 * them instead (`resume-redirect`) and this connection is done.
 */
async function movedElsewhere(host: HelloHost, msg: Hello, grant: TokenGrant | null, spokenByBoth: ReadonlySet<string>): Promise<boolean> {
  const { cluster } = host.ctx;
  if (!cluster || !spokenByBoth.has('resume') || !msg.resume?.length) return false;
  const redirect = await cluster.takeOver(msg.role, msg.resume, grant, spokenByBoth.has('relay-failover'));
  if (host.isClosed()) return true;
  if (!redirect) return false;
  host.ctx.log.info('resume sent to the relay that holds the session', { connId: host.connId(), role: msg.role });
  host.refuse('resume-elsewhere', redirect);
  return true;
}

async function registerCustomer(host: HelloHost, back: ResumeOutcome, spoken: Spoken, spokenByBoth: ReadonlySet<string>): Promise<void> {
  const { ctx } = host;
  let device;
  try {
    device = await ctx.registry.register(host.address);
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    // Too many new IDs from this address: say so and hang up (a loop of hellos gets nothing more).
    ctx.log.warn('customer registration refused', { connId: host.connId(), address: host.address, code: err.code });
    host.refuse(`registration-${err.code}`, { type: 'error', code: err.code, message: err.message });
    return;
  }
  if (host.isClosed()) {
    ctx.registry.unregister(device.deviceId);
    return;
  }
  const party: CustomerParty = { ...host.newParty(), deviceId: device.deviceId };
  host.ready(party);
  ctx.sessions.addCustomer(party);
  host.send({ type: 'welcome', ...spoken, role: 'customer', deviceId: device.deviceId, code: device.code, codeExpiresAt: device.codeExpiresAt });
  if (spokenByBoth.has('desk')) ctx.desk?.attach(party, spokenByBoth.has('desk-live'), spokenByBoth.has('desk-multi'));
  ctx.log.info('customer registered', { connId: host.connId(), deviceId: device.deviceId, address: host.address });
  ctx.sessions.partyReturned(party, back); // a refused resume: the client hears why
}

/** A customer back on a new connection: same device ID and current code, no new registration. */
function customerReturned(host: HelloHost, party: CustomerParty, back: ResumeOutcome, spoken: Spoken): void {
  const { ctx } = host;
  host.ready(party);
  const device = ctx.registry.current(party.deviceId);
  if (!device) throw new Error('a resumed customer must still be registered');
  host.send({ type: 'welcome', ...spoken, role: 'customer', deviceId: device.deviceId, code: device.code, codeExpiresAt: device.codeExpiresAt });
  ctx.log.info('customer resumed', { connId: host.connId(), deviceId: party.deviceId, address: host.address });
  ctx.sessions.partyReturned(party, back);
}
