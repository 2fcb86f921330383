/** The relay's JSON API from a test, as one seat (or none): answers parsed with the given schema; anything but 2xx fails the test. */
import assert from 'node:assert/strict';

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
