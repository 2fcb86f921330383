/**
 * Sign-in, sign-out, the signed-in seat (`/api/me`) and the first-run setup that creates the
 * organisation and its owner.
 */
import { ChangePasswordRequest, SetupRequest, type MeResponse, type SetupStatusResponse } from '@beacon/shared/api';
import { ProtocolError } from '@beacon/shared/errors';
import { parseJson } from '@beacon/shared/parse';
import { LoginRequest } from '@beacon/shared/protocol';
import { RateLimiter } from '../platform/RateLimiter.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { MAX_BODY_BYTES, noContent, ok, rateLimited, readBody, readJson } from '../platform/route.ts';
import type { Accounts } from './Accounts.ts';
import type { AgentAuth } from './AgentAuth.ts';
import type { AuditLog } from './AuditLog.ts';
import type { Organisation } from './Organisation.ts';
import type { ApiRoute } from './Policy.ts';

export interface AuthRouteDeps {
  auth: AgentAuth;
  accounts: Accounts;
  organisation: Organisation;
  audit: AuditLog;
  log: Logger;
  now: Clock;
}

/** Wrong setup tokens per address: the token is unguessable, this just keeps the log quiet. */
export const SETUP_FAILURES_PER_ADDRESS = { max: 10, windowMs: 10 * 60_000 };

export function authRoutes(d: AuthRouteDeps): ApiRoute[] {
  const setupFailures = new RateLimiter(SETUP_FAILURES_PER_ADDRESS, d.now);
  const limited = (message: string, retryAt: number | null | undefined) => rateLimited(message, retryAt, d.now());
  return [
    {
      method: 'POST',
      path: /^\/api\/login$/,
      isPublic: true,
      handle: async (c) => {
        const parsed = parseJson(LoginRequest, await readBody(c.req, MAX_BODY_BYTES), 'POST /api/login');
        if (!parsed.ok) {
          d.log.warn('malformed login request', { address: c.address, detail: parsed.error.message });
          throw new ProtocolError('bad-message', parsed.error.message);
        }
        const result = await d.auth.login(parsed.value.login, parsed.value.password, c.address);
        if (result.ok) return ok(result.response);
        switch (result.error) {
          case 'rate-limited':
            throw limited('too many failed sign-ins; wait and try again', result.retryAt);
          case 'account-locked':
            throw new ProtocolError('account-locked', 'this seat is locked after too many wrong passwords; an owner or admin can unlock it');
          case 'account-disabled':
            throw new ProtocolError('account-disabled', 'this seat is disabled');
          case 'unauthorized':
            throw new ProtocolError('unauthorized', 'wrong login or password');
        }
      },
    },
    {
      method: 'POST',
      path: /^\/api\/logout$/,
      handle: async (c) => {
        await d.auth.revoke(c.tokenHash, 'signed-out');
        d.log.info('agent signed out', { agentId: c.actor.id });
        return noContent();
      },
    },
    {
      method: 'GET',
      path: /^\/api\/me$/,
      handle: async (c) => {
        const seat = await d.accounts.seat(c.actor.id);
        if (!seat) throw new ProtocolError('unauthorized', 'the seat no longer exists');
        const me: MeResponse = {
          account: {
            id: seat.id,
            login: seat.login,
            displayName: seat.displayName,
            role: seat.role,
            groups: seat.groups,
            concurrencyLimit: seat.concurrencyLimit,
          },
          organisation: d.organisation.name === undefined ? null : { name: d.organisation.name },
          expiresAt: c.expiresAt,
        };
        return ok(me);
      },
    },
    {
      method: 'POST',
      path: /^\/api\/me\/password$/,
      handle: async (c) => {
        const body = await readJson(c, ChangePasswordRequest);
        const check = await d.auth.verifyOwnPassword(c.actor.id, c.actor.login, body.currentPassword, c.address);
        if (!check.ok && check.error === 'rate-limited') throw limited('too many wrong passwords; wait and try again', check.retryAt);
        if (!check.ok) throw new ProtocolError('forbidden', 'the current password is wrong');
        await d.auth.setPassword(c.actor.id, body.newPassword, c.tokenHash);
        await d.audit.append({ actorId: c.actor.id, action: 'password-changed', target: { type: 'seat', id: c.actor.id, label: c.actor.login } });
        return noContent();
      },
    },
    {
      method: 'GET',
      path: /^\/api\/setup\/status$/,
      isPublic: true,
      handle: async () => ok({ isSetupNeeded: !d.organisation.exists } satisfies SetupStatusResponse),
    },
    {
      method: 'POST',
      path: /^\/api\/setup$/,
      isPublic: true,
      handle: async (c) => {
        if (setupFailures.isLimited(c.address)) throw new ProtocolError('rate-limited', 'too many wrong setup links from this address');
        const body = await readJson(c, SetupRequest);
        if (d.organisation.exists) throw new ProtocolError('conflict', 'this relay is already set up; sign in instead');
        // Checked before the token is spent, so a clash with an account from an older version can be retried.
        if (await d.auth.hasLogin(body.owner.login)) throw new ProtocolError('conflict', `the login "${body.owner.login}" is already taken`);
        if (!(await d.organisation.spendSetupToken(body.token))) {
          setupFailures.record(c.address);
          throw new ProtocolError('forbidden', 'this setup link is wrong or was already used; restart the relay for a new one');
        }
        if (!(await d.organisation.create(body.organisationName))) throw new ProtocolError('conflict', 'this relay is already set up');
        const ownerId = await d.accounts.create({
          login: body.owner.login,
          displayName: body.owner.displayName,
          password: body.owner.password,
          role: 'owner',
          groupIds: [],
          concurrencyLimit: d.organisation.settings?.defaultConcurrencyLimit ?? 3,
        });
        await d.audit.append({
          actorId: ownerId,
          action: 'setup',
          target: { type: 'organisation', id: 1, label: body.organisationName },
          detail: { owner: body.owner.login },
        });
        d.log.info('first-run setup done', { organisation: body.organisationName, owner: body.owner.login });
        const signIn = await d.auth.issueToken({ id: ownerId, login: body.owner.login, displayName: body.owner.displayName, role: 'owner' });
        return ok(signIn, 201);
      },
    },
  ];
}
