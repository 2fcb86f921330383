/**
 * Opaque keyset cursors: the sort key of the last row of a page, as base64url JSON. Clients
 * pass them back unchanged; the relay parses them like any other outside data, so a forged
 * or stale cursor is a `bad-message`, never a crash.
 */
import type { z } from 'zod';
import { ProtocolError } from '@beacon/shared/errors';
import { parseUnknown } from '@beacon/shared/parse';

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string): z.infer<S> {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ProtocolError('bad-message', 'the cursor is not one this relay handed out');
  }
  const r = parseUnknown(schema, data, 'cursor');
  if (!r.ok) throw new ProtocolError('bad-message', 'the cursor is not one this relay handed out');
  return r.value;
}
