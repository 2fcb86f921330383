import { z } from 'zod';

/** Building blocks of the HTTP API schemas: times, query values, cursors, names of seats and groups. */

/* ---------- building blocks ---------- */

export const EpochMs = z.number().int().nonnegative();
/** Query values arrive as strings; an empty one counts as absent. */
export const blankToUndefined = (v: unknown): unknown => (v === '' ? undefined : v);
export const QueryInt = (min: number, max: number) => z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).optional());
export const QueryBool = z.preprocess(
  blankToUndefined,
  z
    .enum(['1', '0', 'true', 'false'])
    .transform((v) => v === '1' || v === 'true')
    .optional(),
);
export const QueryText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
export const Cursor = z.string().max(200);
export const QueryCursor = z.preprocess(blankToUndefined, Cursor.optional());

/** Sign-in names: no spaces and no `~` (the relay frees a deleted seat's login with it). */
export const AccountLogin = z
  .string()
  .trim()
  .regex(/^[^\s~]{2,64}$/u, 'a login is 2 to 64 characters without spaces or ~');
export const Password = z.string().min(8, 'a password has at least 8 characters').max(512);
export const DisplayName = z.string().trim().min(1).max(120);
export const OrganisationName = z.string().trim().min(1).max(120);
export const GroupId = z.number().int().positive();
export const AccountId = z.number().int().positive();
/** How many sessions (pending or active) one seat may have at once. */
export const ConcurrencyLimit = z.number().int().min(1).max(50);
/** UTC offset of the viewer's time zone in minutes east of UTC (China: 480); days and CSV times use it. */
export const TzOffsetMinutes = z.number().int().min(-14 * 60).max(14 * 60);

export const GroupRef = z.object({ id: GroupId, name: z.string() });
export type GroupRef = z.infer<typeof GroupRef>;
/** A seat as other records name it; `isDeleted` seats keep their name in history. */
export const SeatRef = z.object({ id: AccountId, login: z.string(), displayName: z.string(), isDeleted: z.boolean() });
export type SeatRef = z.infer<typeof SeatRef>;
