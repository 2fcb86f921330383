import { z } from 'zod';
import { ErrorCode } from '../errors.ts';

/** The protocol's building blocks (IDs, roles, permissions, capabilities), sign-in over HTTP and the limits both ends share. */

export const DeviceId = z.string().regex(/^\d{9}$/, 'a device ID is 9 digits');
export const AccessCode = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{6}$/, 'a code is 6 letters or digits'));
export const SessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
export const RequestId = z.string().min(1).max(64);

export const Role = z.enum(['customer', 'agent']);
export type Role = z.infer<typeof Role>;

/**
 * What a seat account may do in its organisation (see relay-server/API.md): owner and admin
 * manage seats and settings, a manager sees everything, an agent works with their own.
 */
export const AccountRole = z.enum(['owner', 'admin', 'manager', 'agent']);
export type AccountRole = z.infer<typeof AccountRole>;
/** A customer directory record's ID (`/api/customers`). */
export const CustomerId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** What a screen session grants: the screen is seen, and maybe controlled. */
export const Permissions = z.object({ view: z.literal(true), control: z.boolean() });
export type Permissions = z.infer<typeof Permissions>;
/** A voice-only session grants nothing on the customer's PC: no screen is seen, nothing is controlled. */
export const VoicePermissions = z.object({ view: z.literal(false), control: z.literal(false) });
export type VoicePermissions = z.infer<typeof VoicePermissions>;
/** What a session grants, by its mode (see {@link SessionMode}). */
export const SessionPermissions = z.union([Permissions, VoicePermissions]);
export type SessionPermissions = z.infer<typeof SessionPermissions>;
/**
 * What a session is for. `screen`: the agent sees (and maybe controls) the screen.
 * `voice`: a voice call only (the customer's first call for help); no screen is captured.
 * Absent on the wire: `screen` (peers from before voice-only sessions).
 */
export const SessionMode = z.enum(['screen', 'voice']);
export type SessionMode = z.infer<typeof SessionMode>;
/** The one rule tying the two together: a voice session views nothing, a screen session views. */

/**
 * A feature a peer speaks beyond its protocol version's core (see `CAPABILITIES` in version.ts).
 * Unknown names are kept, not refused, so an older peer meeting a newer one degrades quietly:
 * each side uses a feature only when both listed it.
 */
export const Capability = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
export const Capabilities = z.array(Capability).max(64);

/** The seat an agent connection is signed in as. */
export const AgentIdentity = z.object({ id: z.number().int(), login: z.string(), displayName: z.string(), role: AccountRole.optional() });
export type AgentIdentity = z.infer<typeof AgentIdentity>;

/* ---------- HTTP API ---------- */

export const LoginRequest = z.object({ login: z.string().min(1).max(120), password: z.string().min(1).max(512) });
export type LoginRequest = z.infer<typeof LoginRequest>;
export const LoginResponse = z.object({
  token: z.string(),
  expiresAt: z.number(),
  agent: AgentIdentity,
});
export type LoginResponse = z.infer<typeof LoginResponse>;
export const ApiError = z.object({ error: ErrorCode, message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

/** Limits shared by both ends. */
export const LIMITS = {
  /** A WebSocket or ctl message larger than this is refused unparsed. */
  maxJsonMessageBytes: 96 * 1024,
  /** How long the customer has to answer a consent request. */
  consentTimeoutMs: 60_000,
  /** Codes rotate at least this often. */
  codeLifetimeMs: 10 * 60_000,
} as const;
