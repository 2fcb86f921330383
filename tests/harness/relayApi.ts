/** The relay's JSON API from a test, as one seat (or none): answers parsed with the given schema; anything but 2xx fails the test. */
import assert from 'node:assert/strict';
import { OrgSettings, type UpdateSettingsRequest } from '@beacon/shared/api';
import { LoginResponse } from '@beacon/shared/protocol';

export type RelayApi = <T>(method: string, path: string, schema: { parse(v: unknown): T }, body?: unknown) => Promise<T>;

/** `token()` is read at each call, so a test can sign in after making the client. */
export function relayApi(relayUrl: () => string, token: () => string): RelayApi {
  return async (method, path, schema, body) => {
    const bearer = token();
    const res = await fetch(`${relayUrl()}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return schema.parse(JSON.parse(text));
  };
}

/**
 * Changes the organisation's settings as the back-office's settings page does (`PATCH /api/settings`,
 * by an owner or admin): for a test that needs them before a session starts. Answers the settings now.
 */
export async function setOrgSettings(api: RelayApi, patch: UpdateSettingsRequest): Promise<OrgSettings> {
  return api('PATCH', '/api/settings', OrgSettings, patch);
}

/** The client of {@link relayApi} signed in as `creds`, for a test that only needs the API as that seat. */
export async function signedInApi(relayUrl: string, creds: { login: string; password: string }): Promise<RelayApi> {
  let token = '';
  const api = relayApi(() => relayUrl, () => token);
  token = (await api('POST', '/api/login', LoginResponse, creds)).token;
  return api;
}
