import type { z } from 'zod';

/** Thrown (and only ever caught inside a boundary) when outside data does not match its schema. */
export class SchemaMismatchError extends Error {
  readonly code = 'bad-message' as const;
  constructor(
    readonly where: string,
    readonly issues: readonly string[],
  ) {
    super(`${where}: ${issues.join('; ')}`);
    this.name = 'SchemaMismatchError';
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: SchemaMismatchError };

function describe(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/**
 * The one way outside data becomes typed data. Takes `unknown`, never throws, and says
 * which paths were wrong. `where` names the boundary for the log line.
 */
export function parseUnknown<S extends z.ZodType>(schema: S, data: unknown, where: string): ParseResult<z.infer<S>> {
  const r = schema.safeParse(data);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, error: new SchemaMismatchError(where, describe(r.error.issues)) };
}

/** Text frames: JSON.parse that reports instead of throwing, followed by {@link parseUnknown}. */
export function parseJson<S extends z.ZodType>(schema: S, text: string, where: string): ParseResult<z.infer<S>> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: new SchemaMismatchError(where, ['not valid JSON']) };
  }
  return parseUnknown(schema, data, where);
}

/**
 * Handles one inbound message at a boundary: parses it, hands the typed value on, and turns
 * every failure (bad shape, or a handler that throws) into a reply and a log line. Nothing
 * escapes to the caller, so a bad peer can never crash the process.
 */
export function handleAtBoundary<S extends z.ZodType>(
  schema: S,
  raw: string,
  where: string,
  handle: (msg: z.infer<S>) => void | Promise<void>,
  fail: (err: Error & { code?: string }) => void,
): void {
  const r = parseJson(schema, raw, where);
  if (!r.ok) {
    fail(r.error);
    return;
  }
  try {
    const p = handle(r.value);
    if (p && typeof p.then === 'function') p.catch((err: unknown) => fail(asError(err)));
  } catch (err) {
    fail(asError(err));
  }
}

function asError(err: unknown): Error & { code?: string } {
  return err instanceof Error ? err : new Error(String(err));
}
