/**
 * The console's HTTP API client: bearer token, timeout, and every reply parsed with the
 * shared schema for that endpoint. Failures become an {@link ApiRequestError} carrying an
 * error code whose message (`errors.<code>`) tells the user what to do; the relay's own
 * message text is log detail only.
 */
import type { UiErrorCode } from '@beacon/shared/i18n';
import { parseJson } from '@beacon/shared/parse';
import { ApiError } from '@beacon/shared/protocol';
import type { z } from 'zod';
import { apiUrl } from './apiUrl.ts';

const REQUEST_TIMEOUT_MS = 20_000;
/** A CSV of 100k sessions takes a while to build and send; only silence this long is an error. */
const DOWNLOAD_STALL_MS = 60_000;

export class ApiRequestError extends Error {
  constructor(
    readonly code: UiErrorCode,
    readonly status: number,
    detail: string,
  ) {
    super(detail);
    this.name = 'ApiRequestError';
  }
}

/**
 * The i18n key to show for an error an API call threw. `overrides` gives a screen its own
 * wording where the shared one would mislead (the shared `not-found` talks about sessions).
 */
export function apiErrorKey(err: unknown, overrides: Partial<Record<UiErrorCode, string>> = {}): string {
  const code: UiErrorCode = err instanceof ApiRequestError ? err.code : 'internal';
  return overrides[code] ?? `errors.${code}`;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface DownloadProgress {
  receivedBytes: number;
  /** From Content-Length; null when the relay streams without one. */
  totalBytes: number | null;
}

export class ApiClient {
  constructor(
    private readonly relayUrl: string,
    private readonly getToken: () => string | null,
    /** Called on any 401: the token expired or was revoked, so the console signs out. */
    private readonly onUnauthorized: () => void,
  ) {}

  get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    return this.request('GET', path, undefined, schema);
  }

  /** A request whose reply body is parsed with `schema`. */
  async request<S extends z.ZodType>(method: Method, path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const { res, text } = await this.fetchText(method, path, body);
    const r = parseJson(schema, text, `${method} ${path.split('?')[0]}`);
    if (r.ok) return r.value;
    console.warn('[beacon] malformed API reply', r.error.message);
    throw new ApiRequestError('bad-message', res.status, r.error.message);
  }

  /** A request whose reply body is not needed (the screen reloads what it shows). */
  async send(method: Method, path: string, body?: unknown): Promise<void> {
    await this.fetchText(method, path, body);
  }

  /** Downloads a file with the bearer token, reporting progress as it arrives. */
  async download(path: string, onProgress: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<Blob> {
    const res = await this.fetchResponse('GET', path, undefined, signal, false);
    if (!res.ok) throw await this.failure(res, await res.text().catch(() => ''), path);
    const length = Number(res.headers.get('Content-Length'));
    const totalBytes = Number.isFinite(length) && length > 0 ? length : null;
    const type = res.headers.get('Content-Type') ?? 'application/octet-stream';
    if (!res.body) {
      const blob = await res.blob();
      onProgress({ receivedBytes: blob.size, totalBytes });
      return blob;
    }
    const reader = res.body.getReader();
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let receivedBytes = 0;
    onProgress({ receivedBytes, totalBytes });
    for (;;) {
      let stall: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        stall = setTimeout(() => reject(new ApiRequestError('relay-unreachable', 0, 'download stalled')), DOWNLOAD_STALL_MS);
      });
      let step: ReadableStreamReadResult<Uint8Array<ArrayBuffer>>;
      try {
        step = await Promise.race([reader.read(), timeout]);
      } catch (err) {
        void reader.cancel().catch(() => undefined);
        throw err instanceof ApiRequestError ? err : new ApiRequestError('relay-unreachable', 0, String(err));
      } finally {
        clearTimeout(stall);
      }
      if (step.done) break;
      chunks.push(step.value);
      receivedBytes += step.value.byteLength;
      onProgress({ receivedBytes, totalBytes });
    }
    return new Blob(chunks, { type });
  }

  private async fetchText(method: Method, path: string, body: unknown): Promise<{ res: Response; text: string }> {
    const res = await this.fetchResponse(method, path, body, AbortSignal.timeout(REQUEST_TIMEOUT_MS), true);
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new ApiRequestError('relay-unreachable', res.status, String(err));
    }
    if (!res.ok) throw await this.failure(res, text, path);
    return { res, text };
  }

  private async fetchResponse(method: Method, path: string, body: unknown, signal: AbortSignal | undefined, isJson: boolean): Promise<Response> {
    const headers: Record<string, string> = {};
    const token = this.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (isJson) headers.Accept = 'application/json';
    try {
      return await fetch(apiUrl(this.relayUrl, path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        signal,
      });
    } catch (err) {
      console.warn('[beacon] API request failed', method, path.split('?')[0], err);
      throw new ApiRequestError('relay-unreachable', 0, String(err));
    }
  }

  private async failure(res: Response, text: string, path: string): Promise<ApiRequestError> {
    const where = path.split('?')[0] ?? path;
    if (res.status === 401) {
      this.onUnauthorized();
      return new ApiRequestError('unauthorized', 401, `${where}: 401`);
    }
    const e = parseJson(ApiError, text, `${where} error`);
    if (e.ok) {
      console.warn('[beacon] API refused', where, res.status, e.value.error, e.value.message);
      return new ApiRequestError(e.value.error, res.status, e.value.message);
    }
    // Not the relay answering (a proxy page, or a relay without this endpoint yet).
    console.warn('[beacon] unexpected API reply', where, res.status);
    if (res.status === 404) return new ApiRequestError('not-found', 404, `${where}: 404`);
    if (res.status === 403) return new ApiRequestError('forbidden', 403, `${where}: 403`);
    if (res.status === 429) return new ApiRequestError('rate-limited', 429, `${where}: 429`);
    return new ApiRequestError(res.status >= 500 ? 'internal' : 'relay-unreachable', res.status, `${where}: ${res.status}`);
  }
}
