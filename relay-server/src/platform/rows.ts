/** SQLite rows become typed values only through a schema (a bad row throws, naming where). */
import type { z } from 'zod';
import { parseUnknown } from '@beacon/shared/parse';

export function parseRows<S extends z.ZodType>(schema: S, rows: unknown[], where: string): z.infer<S>[] {
  return rows.map((raw) => {
    const r = parseUnknown(schema, raw, where);
    if (!r.ok) throw r.error;
    return r.value;
  });
}
