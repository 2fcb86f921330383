import { z } from 'zod';
import { SessionId } from './core.ts';

/**
 * The customer's monitors (capability `monitors`): the customer lists them to the agent
 * (`monitor-list`, again whenever the list or the shown monitor changes), and the agent picks
 * one, or all of them as one picture (`monitor-select`). The customer sends one picture per
 * session, so the choice is the session's: every viewer of the session sees the monitor its
 * agent picked.
 *
 * Geometry is in desktop pixels, the units the customer's input injection uses: the origin is
 * the primary monitor's top-left corner, so a monitor left of or above it has a negative
 * `x` or `y`.
 */

/** At most this many monitors are listed. */
export const MAX_MONITORS = 16;
/** The choice that shows every monitor, stitched into one picture as they are arranged. */
export const ALL_MONITORS = 'all';

export const MonitorId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/).refine((id) => id !== ALL_MONITORS, 'reserved monitor id');
export const MonitorChoice = z.union([z.literal(ALL_MONITORS), MonitorId]);
export type MonitorChoice = z.infer<typeof MonitorChoice>;

const Coord = z.number().int().min(-65_536).max(65_536);
const Extent = z.number().int().min(1).max(65_536);

export const Monitor = z.object({
  id: MonitorId,
  /** What the OS calls it (may be empty). */
  name: z.string().max(128),
  x: Coord,
  y: Coord,
  width: Extent,
  height: Extent,
  /** The OS's scale factor for it (1 = 100 %). */
  scaleFactor: z.number().min(0.25).max(8),
  primary: z.boolean(),
});
export type Monitor = z.infer<typeof Monitor>;

export const MonitorList = z.array(Monitor).min(1).max(MAX_MONITORS);

/** Customer -> relay -> agent: its monitors, and which one the picture shows now. */
const MonitorListMsg = z.object({ type: z.literal('monitor-list'), sessionId: SessionId, monitors: MonitorList, shown: MonitorChoice });
/** Agent -> relay -> customer: show this monitor (or all) from now on. */
const MonitorSelect = z.object({ type: z.literal('monitor-select'), sessionId: SessionId, monitor: MonitorChoice });

export const MonitorCtlToRelay = z.discriminatedUnion('type', [MonitorListMsg, MonitorSelect]);
export const MonitorCtlFromRelay = MonitorCtlToRelay;
export type MonitorCtl = z.infer<typeof MonitorCtlToRelay>;
