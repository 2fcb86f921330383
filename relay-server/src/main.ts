/**
 * The relay process: reads its configuration from the environment, seeds an account if
 * asked to, prints the first-run setup link while there is no organisation, starts
 * listening and shuts down cleanly on SIGINT/SIGTERM.
 *
 * Env: PORT (8080; 0 = any free port), BEACON_HOST (0.0.0.0; an IP address binds WebRTC's UDP to it
 * too, and only it is advertised), BEACON_DATA_DIR (./data),
 * BEACON_AGENT_LOGIN / BEACON_AGENT_PASSWORD / BEACON_AGENT_NAME / BEACON_AGENT_ROLE,
 * BEACON_ORG_NAME (Beacon), BEACON_PUBLIC_URL (for the setup link), BEACON_RTC_UDP_PORT (one UDP
 * port all WebRTC connections share; default PORT's number, 0 = a port per connection) or
 * BEACON_RTC_PORT_MIN/MAX (a range, a port per connection),
 * BEACON_LOG_LEVEL (debug|info|warn|error), BEACON_RECORDINGS_DIR (<data dir>/recordings),
 * BEACON_RECORD_SESSIONS (0|1: whether an organisation created at seeding records sessions;
 * default 1), BEACON_TRUSTED_PROXIES (IPs / CIDR blocks of reverse proxies whose
 * X-Forwarded-For names the client; default none), BEACON_RESUME_GRACE_S (the longest a running
 * session waits for a party whose link dropped: a cap on the organisation's setting, which is
 * 60 s unless an owner or admin changes it; default no cap). Several relays (README "Running several
 * relays"): BEACON_REDIS_URL (redis://, rediss:// or unix:///path: shared rate limits, lockouts,
 * device owners, events), BEACON_RELAY_ID (this relay's unique name), BEACON_PUBLIC_URL (where
 * agents reach it), BEACON_CLUSTER_SECRET (signs tickets; the same on every relay).
 * BEACON_RECORDINGS_S3 and BEACON_S3_* (recordings in an S3-compatible bucket,
 * recording/storage/s3Settings.ts). An empty variable counts as unset.
 */
import { createSocket } from 'node:dgram';
import { cleanupNative } from './platform/nativeHandles.ts';
import { z } from 'zod';
import { OrganisationName } from '@beacon/shared/api';
import { parseUnknown } from '@beacon/shared/parse';
import { AccountRole } from '@beacon/shared/protocol';
import { DEFAULT_ORG_NAME } from './accounts/createAccounts.ts';
import { ClientAddress } from './transport/ClientAddress.ts';
import { stdoutLogger, type Logger, type LogLevel } from './platform/logger.ts';
import type { RtcPorts } from './transport/PeerLink.ts';
import { startRelay, type RelayHandle } from './RelayServer.ts';
import type { ClusterOptions } from './cluster/createCluster.ts';
import { isRedisUrl } from './platform/shared/redisUrl.ts';
import { S3Env, s3SettingsFromEnv, type S3Settings } from './recording/storage/s3Settings.ts';

const Port = z.coerce.number().int().min(0).max(65535);
const Env = z.object({
  PORT: Port.default(8080),
  BEACON_HOST: z.string().min(1).default('0.0.0.0'),
  BEACON_DATA_DIR: z.string().min(1).default('./data'),
  BEACON_AGENT_LOGIN: z.string().min(1).max(120).optional(),
  BEACON_AGENT_PASSWORD: z.string().min(8, 'BEACON_AGENT_PASSWORD must be at least 8 characters').max(512).optional(),
  BEACON_AGENT_NAME: z.string().min(1).max(120).optional(),
  BEACON_AGENT_ROLE: AccountRole.optional(),
  BEACON_ORG_NAME: OrganisationName.optional(),
  BEACON_PUBLIC_URL: z.string().url().optional(),
  BEACON_RTC_PORT_MIN: Port.optional(),
  BEACON_RTC_PORT_MAX: Port.optional(),
  BEACON_RTC_UDP_PORT: Port.optional(),
  BEACON_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  BEACON_RECORDINGS_DIR: z.string().min(1).optional(),
  BEACON_RECORD_SESSIONS: z.enum(['0', '1']).optional(),
  BEACON_TRUSTED_PROXIES: z.string().max(4000).optional(),
  BEACON_RESUME_GRACE_S: z.coerce.number().int().min(1).max(3600).optional(),
  BEACON_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//i, 'BEACON_DATABASE_URL must be a postgres:// URL').optional(),
  BEACON_REDIS_URL: z.string().refine(isRedisUrl, 'BEACON_REDIS_URL must be a redis://, rediss:// or unix:/// URL').optional(),
  BEACON_RELAY_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'BEACON_RELAY_ID: 1 to 64 letters, digits, dots, dashes or underscores').optional(),
  BEACON_CLUSTER_SECRET: z.string().min(32, 'BEACON_CLUSTER_SECRET must be at least 32 characters').max(512).optional(),
  ...S3Env.shape,
});

/** Whether `port` can be bound on UDP (libjuice binds it for every peer connection later). */
function isUdpPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

type EnvVars = z.infer<typeof Env>;

/** A configuration the relay cannot start with: says why and exits with status 2. */
function refuse(message: string): never {
  process.stderr.write(`Beacon relay: ${message}\n`);
  process.exit(2);
}

/** One UDP port for all WebRTC traffic by default (the HTTP port's number, on UDP); a range or 0 turns it off. */
async function rtcPortsOf(env: EnvVars): Promise<RtcPorts | undefined> {
  const hasRange = env.BEACON_RTC_PORT_MIN !== undefined && env.BEACON_RTC_PORT_MAX !== undefined;
  if (hasRange && (env.BEACON_RTC_PORT_MIN ?? 0) > (env.BEACON_RTC_PORT_MAX ?? 0)) refuse('BEACON_RTC_PORT_MIN must not be above BEACON_RTC_PORT_MAX');
  if (hasRange && env.BEACON_RTC_UDP_PORT) refuse('set either BEACON_RTC_UDP_PORT or BEACON_RTC_PORT_MIN/MAX, not both');
  const udpPort = env.BEACON_RTC_UDP_PORT ?? (hasRange ? 0 : env.PORT);
  if (udpPort !== 0 && !(await isUdpPortFree(env.BEACON_HOST, udpPort))) {
    refuse(`UDP port ${udpPort} (WebRTC) is in use. Free it, or set BEACON_RTC_UDP_PORT to a free port (0: a port per connection)`);
  }
  if (hasRange) return { kind: 'range', min: env.BEACON_RTC_PORT_MIN ?? 0, max: env.BEACON_RTC_PORT_MAX ?? 0 };
  return udpPort !== 0 ? { kind: 'shared', port: udpPort } : undefined;
}

/** With BEACON_REDIS_URL the relay is one of several, and needs its id, its public URL and the cluster's secret. */
function clusterOf(env: EnvVars): ClusterOptions | undefined {
  if (!env.BEACON_REDIS_URL) {
    if (env.BEACON_RELAY_ID || env.BEACON_CLUSTER_SECRET) refuse('BEACON_RELAY_ID and BEACON_CLUSTER_SECRET need BEACON_REDIS_URL');
    return undefined;
  }
  if (!env.BEACON_RELAY_ID || !env.BEACON_PUBLIC_URL || !env.BEACON_CLUSTER_SECRET) {
    refuse('with BEACON_REDIS_URL, set BEACON_RELAY_ID, BEACON_PUBLIC_URL and BEACON_CLUSTER_SECRET too (README: "Running several relays")');
  }
  return { redisUrl: env.BEACON_REDIS_URL, relayId: env.BEACON_RELAY_ID, publicUrl: env.BEACON_PUBLIC_URL, secret: env.BEACON_CLUSTER_SECRET };
}

async function seedFromEnv(relay: RelayHandle, env: EnvVars, log: Logger): Promise<void> {
  if (env.BEACON_AGENT_LOGIN && env.BEACON_AGENT_PASSWORD) {
    await relay.seedAccount({
      login: env.BEACON_AGENT_LOGIN,
      password: env.BEACON_AGENT_PASSWORD,
      displayName: env.BEACON_AGENT_NAME ?? env.BEACON_AGENT_LOGIN,
      role: env.BEACON_AGENT_ROLE,
      orgName: env.BEACON_ORG_NAME ?? DEFAULT_ORG_NAME,
      recordSessions: env.BEACON_RECORD_SESSIONS === undefined ? undefined : env.BEACON_RECORD_SESSIONS === '1',
    });
    log.info('account configured from the environment', { login: env.BEACON_AGENT_LOGIN, role: env.BEACON_AGENT_ROLE ?? 'unchanged' });
  } else if (env.BEACON_AGENT_LOGIN || env.BEACON_AGENT_PASSWORD) {
    log.warn('set both BEACON_AGENT_LOGIN and BEACON_AGENT_PASSWORD to configure an account');
  }
}

/** Every start without an organisation prints a new link; the previous one stops working. */
async function printSetupLink(relay: RelayHandle, env: EnvVars, log: Logger): Promise<void> {
  const token = await relay.issueSetupToken();
  if (!token) return;
  const base = (env.BEACON_PUBLIC_URL ?? relay.url).replace(/\/+$/, '');
  const link = `${base}/#/setup?token=${token}`;
  log.info('first-run setup link issued', { link });
  process.stdout.write(`Beacon first-run setup: open ${link}\n`);
}

function stopOnSignals(relay: RelayHandle, log: Logger): void {
  let isStopping = false;
  const stop = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    log.info('shutting down', { signal });
    relay
      .close()
      .catch((err: unknown) => log.error('shutdown failed', { err }))
      // Stops libdatachannel's threads once the channels have closed; without it the process would not exit.
      .finally(() => cleanupNative(1000))
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function main(): Promise<void> {
  const vars = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ''));
  const parsed = parseUnknown(Env, vars, 'environment');
  if (!parsed.ok) refuse(`bad configuration: ${parsed.error.message}`);
  const env = parsed.value;
  const log = stdoutLogger(env.BEACON_LOG_LEVEL satisfies LogLevel);
  const rtcPorts = await rtcPortsOf(env);
  let clientAddress: ClientAddress;
  let recordingsS3: S3Settings | undefined;
  try {
    clientAddress = ClientAddress.fromEnv(env.BEACON_TRUSTED_PROXIES);
    recordingsS3 = s3SettingsFromEnv(env);
  } catch (err) {
    refuse(`bad configuration: ${err instanceof Error ? err.message : String(err)}`);
  }
  const relay = await startRelay({
    clientAddress,
    port: env.PORT,
    host: env.BEACON_HOST,
    dataDir: env.BEACON_DATA_DIR,
    databaseUrl: env.BEACON_DATABASE_URL,
    logger: log,
    rtcPorts,
    recordingsDir: env.BEACON_RECORDINGS_DIR,
    cluster: clusterOf(env),
    recordingsS3,
    ...(env.BEACON_RESUME_GRACE_S ? { resumeGraceMs: env.BEACON_RESUME_GRACE_S * 1000 } : {}),
  });
  await seedFromEnv(relay, env, log);
  process.stdout.write(`Beacon relay listening on ${relay.url}\n`);
  log.info('webrtc ports', rtcPorts?.kind === 'shared' ? { udpPort: rtcPorts.port, shared: true } : rtcPorts ? { min: rtcPorts.min, max: rtcPorts.max } : { any: true });
  await printSetupLink(relay, env, log);
  stopOnSignals(relay, log);
}

main().catch((err: unknown) => {
  process.stderr.write(`Beacon relay failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
