/**
 * A small HTTP client for API tests: bearer token, JSON bodies, and every reply parsed with
 * the shared schema the endpoint promises (or `ApiError` when it refuses), so a test that
 * reads a field also proves the relay answered in the documented shape.
 */
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { parseJson } from '@beacon/shared/parse';
import { ApiError } from '@beacon/shared/protocol';

export interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

export class TestApi {
  constructor(
    private readonly relayUrl: string,
    readonly token: string | null = null,
  ) {}

  as(token: string): TestApi {
    return new TestApi(this.relayUrl, token);
  }

  async call(method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(new URL(path, this.relayUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  /** Expects `status` and parses the body with `schema`. */
  async ok<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown, status = 200): Promise<z.infer<S>> {
    const a = await this.call(method, path, body);
    assert.equal(a.status, status, `${method} ${path}: ${a.text.slice(0, 300)}`);
    const r = parseJson(schema, a.text, `${method} ${path}`);
    if (!r.ok) assert.fail(r.error.message);
    return r.value;
  }

  /** Expects a refusal with this status; returns the ApiError body. */
  async refused(method: string, path: string, status: number, body?: unknown): Promise<ApiError> {
    const a = await this.call(method, path, body);
    assert.equal(a.status, status, `${method} ${path} should be refused with ${status}: ${a.text.slice(0, 300)}`);
    const r = parseJson(ApiError, a.text, `${method} ${path} error`);
    if (!r.ok) assert.fail(`the refusal is not an ApiError: ${a.text.slice(0, 200)}`);
    return r.value;
  }
}
