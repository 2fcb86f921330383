/**
 * Row IDs given without a database round trip each, and unique across relays on one database:
 * each relay reserves a block of IDs at a time (one atomic UPDATE … RETURNING on `id_blocks`,
 * which both engines run as one statement) and hands them out in call order. A relay that
 * stops leaves the rest of its block unused (gaps, never duplicates).
 *
 * IDs grow in call order within one relay; across relays they do not follow time, so lists of
 * rows written by several relays (a session that moved to another relay) sort by time first.
 */
import { z } from 'zod';
import { parseUnknown } from '@beacon/shared/parse';
import type { Database } from './Database.ts';

export const ID_BLOCK_SIZE = 1000;

const NextRow = z.object({ next_id: z.number().int() });

export class IdBlocks {
  private next = 0;
  private end = -1;
  private reserving: Promise<void> | null = null;

  /** `name`: the block row; `table`: whose highest `id` the first block starts after (rows written before blocks existed). */
  constructor(
    private readonly db: Database,
    private readonly name: string,
    private readonly table: string,
    private readonly size = ID_BLOCK_SIZE,
  ) {}

  async take(): Promise<number> {
    while (this.next > this.end) {
      this.reserving ??= this.reserve().finally(() => {
        this.reserving = null;
      });
      await this.reserving;
    }
    return this.next++;
  }

  private async reserve(): Promise<void> {
    // The first relay ever to ask starts the row after the table's highest ID (a no-op later).
    await this.db.run(`INSERT OR IGNORE INTO id_blocks (name, next_id) SELECT ?, COALESCE(MAX(id), 0) + 1 FROM ${this.table}`, [this.name]);
    const row = await this.db.get('UPDATE id_blocks SET next_id = next_id + ? WHERE name = ? RETURNING next_id', [this.size, this.name]);
    const r = parseUnknown(NextRow, row, `id_blocks ${this.name}`);
    if (!r.ok) throw r.error;
    this.end = r.value.next_id - 1;
    this.next = r.value.next_id - this.size;
  }
}
