import { z } from 'zod';
import { SessionId } from './core.ts';
import { ctlGuard } from './parts.ts';

/**
 * Link probes (capability `link-probe`): how a client measures its own link to the relay before
 * its stream has told it anything. A probe is a train of `link-probe` pieces sent back to back
 * (padding, cut to about a media fragment's size so other channels get their turns between
 * them); the relay answers the last piece of each probe with `link-probe-ack` to the sender
 * alone. The time from handing the first piece to the channel to the acknowledgement is an
 * upper bound of the probe's transfer time, so `bytes / time` is a lower bound of what the link
 * carries. The customer sends a few probes of doubling size when its stream starts (see
 * customer-portable's LinkProbe): a shaper's burst passes small frames at once, which says
 * nothing of a 20 kB/s link behind it.
 *
 * A probe measures the sender's link, not a session: `sessionId` names the session whose stream
 * is starting (for logs), the relay answers any connected party within a budget of its own
 * (padding bytes per second), and echoes the ID.
 */

/** The most padding one piece carries. */
export const MAX_PROBE_PIECE_BYTES = 16 * 1024;
/** The most pieces one probe is cut into. */
export const MAX_PROBE_PIECES = 64;

export const ProbeId = z.number().int().min(0).max(0xffff_ffff);

/** Client -> relay. */
export const LinkProbeCtlToRelay = z.discriminatedUnion('type', [
  /** One piece of probe `id`: piece `piece` (0-based) of `pieces`; `pad` is padding, ignored. */
  z
    .object({
      type: z.literal('link-probe'),
      sessionId: SessionId,
      id: ProbeId,
      piece: z.number().int().min(0).max(MAX_PROBE_PIECES - 1),
      pieces: z.number().int().min(1).max(MAX_PROBE_PIECES),
      pad: z.string().max(MAX_PROBE_PIECE_BYTES),
    })
    .refine((m) => m.piece < m.pieces, { message: 'piece must be less than pieces', path: ['piece'] }),
]);
/** Relay -> the probe's sender: the last piece of probe `id` arrived. */
export const LinkProbeCtlFromRelay = z.discriminatedUnion('type', [z.object({ type: z.literal('link-probe-ack'), sessionId: SessionId, id: ProbeId })]);
export type LinkProbeCtlToRelay = z.infer<typeof LinkProbeCtlToRelay>;
export type LinkProbeCtlFromRelay = z.infer<typeof LinkProbeCtlFromRelay>;
export type LinkProbeCtlType = LinkProbeCtlToRelay['type'] | LinkProbeCtlFromRelay['type'];
export const isLinkProbeCtl = ctlGuard<LinkProbeCtlType>(LinkProbeCtlToRelay, LinkProbeCtlFromRelay);
