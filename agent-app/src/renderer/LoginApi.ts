/** `POST /api/login`: the one HTTP call of the console. The reply is parsed, never trusted. */
import type { UiErrorCode } from '@beacon/shared/i18n';
import { parseJson } from '@beacon/shared/parse';
import { ApiError, LoginResponse, type LoginRequest } from '@beacon/shared/protocol';
import { apiUrl } from './apiUrl.ts';

export type LoginResult = { ok: true; value: LoginResponse } | { ok: false; code: UiErrorCode };

const LOGIN_TIMEOUT_MS = 15_000;

export async function login(relayUrl: string, req: LoginRequest): Promise<LoginResult> {
  let res: Response;
  let body: string;
  try {
    res = await fetch(apiUrl(relayUrl, '/api/login'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(req),
      credentials: 'omit',
      signal: AbortSignal.timeout(LOGIN_TIMEOUT_MS),
    });
    body = await res.text();
  } catch (err) {
    console.warn('[beacon] login request failed', err);
    return { ok: false, code: 'relay-unreachable' };
  }
  if (res.status === 401) return { ok: false, code: 'login-failed' };
  if (res.status === 429) return { ok: false, code: 'rate-limited' };
  if (res.ok) {
    const r = parseJson(LoginResponse, body, 'POST /api/login');
    if (r.ok) return { ok: true, value: r.value };
    console.warn('[beacon] malformed login response', r.error.message);
    return { ok: false, code: 'bad-message' };
  }
  const e = parseJson(ApiError, body, 'POST /api/login error');
  if (e.ok) return { ok: false, code: e.value.error };
  // Not our relay answering (a proxy page, a 404 from some other server).
  console.warn('[beacon] unexpected login reply', res.status);
  return { ok: false, code: res.status >= 500 ? 'internal' : 'relay-unreachable' };
}
