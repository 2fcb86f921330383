/**
 * The recording player's timeline, as pure data: which events can be placed in the video,
 * key presses merged into typing bursts (one row per burst, not per key), the kinds a
 * viewer can filter by, where markers sit on the seek bar, and which entry is current.
 */
import type { TimelineEvent } from '@beacon/shared/api';

/** Keys closer together than this are one burst of typing. */
export const KEY_BURST_GAP_MS = 2000;

export interface TimelineEntry {
  /** The first event's ID (stable React key). */
  id: number;
  kind: string;
  /** Where it starts in the recording; null if it happened before recording began. */
  mediaMs: number | null;
  at: number;
  actor: string;
  detail: Record<string, unknown>;
  /** Key bursts: how many key events, and the text typed if the organisation keeps it. */
  keyCount: number;
  typed: string | null;
}

function typedOf(detail: Record<string, unknown>): string | null {
  if (typeof detail.text === 'string') return detail.text;
  if (typeof detail.key === 'string') {
    const mods = Array.isArray(detail.modifiers) ? detail.modifiers.filter((m): m is string => typeof m === 'string') : [];
    return `[${[...mods, detail.key].join('+')}]`;
  }
  return null;
}

function keysIn(detail: Record<string, unknown>): number {
  return typeof detail.chars === 'number' && detail.chars > 0 ? detail.chars : typeof detail.text === 'string' ? [...detail.text].length : 1;
}

/** Events in recording order, with consecutive key activity merged into bursts. */
export function buildTimeline(events: readonly TimelineEvent[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  /** Media time of the last key in the burst at the end of `out`. */
  let burstEndMs: number | null = null;
  for (const e of events) {
    const last = out.at(-1);
    const isBurst = e.kind === 'key' && last?.kind === 'key' && burstEndMs !== null && e.mediaMs !== null && e.mediaMs - burstEndMs <= KEY_BURST_GAP_MS;
    if (isBurst && last) {
      last.keyCount += keysIn(e.detail);
      const typed = typedOf(e.detail);
      last.typed = last.typed !== null && typed !== null ? last.typed + typed : null;
      burstEndMs = e.mediaMs;
      continue;
    }
    burstEndMs = e.kind === 'key' ? e.mediaMs : null;
    out.push({
      id: e.id,
      kind: e.kind,
      mediaMs: e.mediaMs,
      at: e.at,
      actor: e.actor,
      detail: e.detail,
      keyCount: e.kind === 'key' ? keysIn(e.detail) : 0,
      typed: e.kind === 'key' ? typedOf(e.detail) : null,
    });
  }
  return out;
}

/** The kinds present, in order of first appearance (the filter's options). */
export function kindsOf(entries: readonly TimelineEntry[]): string[] {
  return [...new Set(entries.map((e) => e.kind))];
}

export function visibleEntries(entries: readonly TimelineEntry[], hidden: ReadonlySet<string>): TimelineEntry[] {
  return entries.filter((e) => !hidden.has(e.kind));
}

/** A marker's position on the seek bar, 0..1; null if it cannot be placed. */
export function markerPosition(mediaMs: number | null, durationMs: number | null): number | null {
  if (mediaMs === null || durationMs === null || durationMs <= 0) return null;
  return Math.min(1, Math.max(0, mediaMs / durationMs));
}

/** The entry the playhead is at: the last one that started at or before it. */
export function currentEntryId(entries: readonly TimelineEntry[], playheadMs: number): number | null {
  let id: number | null = null;
  for (const e of entries) {
    if (e.mediaMs === null) continue;
    if (e.mediaMs <= playheadMs) id = e.id;
    else break;
  }
  return id;
}

/** `m:ss` (or `h:mm:ss`) for a position in the recording. */
export function formatMediaTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Playback speeds the player offers. */
export const PLAYBACK_SPEEDS = [1, 2, 4] as const;

/**
 * Near-live: after reloading a newer snapshot, where to continue. A viewer who was watching
 * the live edge (within `edgeMs` of the old end) follows it to the new end; anyone who had
 * gone back stays where they were.
 */
export function resumePosition(currentMs: number, oldDurationMs: number | null, newDurationMs: number, edgeMs = 2500): number {
  if (oldDurationMs === null || oldDurationMs - currentMs <= edgeMs) return Math.max(0, newDurationMs - 500);
  return Math.min(currentMs, newDurationMs);
}

/** A voice `<audio>` further than this from the video's time is moved back to it (seconds). */
export const MAX_DRIFT_S = 0.2;

/** Where `audio` should be for the video at `videoS`: null while it is close enough, or past its end. */
export function resyncTarget(videoS: number, audioS: number, audioDurationS: number): number | null {
  if (Number.isFinite(audioDurationS) && videoS >= audioDurationS) return null;
  return Math.abs(videoS - audioS) > MAX_DRIFT_S ? videoS : null;
}
