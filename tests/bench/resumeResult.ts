/** What the resume bench (ResumeBench.ts) records, and its section of the report. */
import { z } from 'zod';

export const ResumeResult = z.object({
  cut_ms: z.number(),
  /** Link-up -> picture back, ms, one per cut (null: it did not come back in time). */
  back_ms: z.array(z.number().nullable()),
  /** Link-up -> the customer's new link open and carrying the session (on the WebSocket when bridged, else its data channels), ms, one per cut. */
  linked_ms: z.array(z.number().nullable()).default([]),
  /** Link-up -> a bridged link's ctl and media moved to its data channels (ws-upgrade), ms, one per cut (null: not bridged, or they stayed). */
  channels_ms: z.array(z.number().nullable()).default([]),
  /** Cuts whose picture came back later than 3 s (or never). */
  over_3s: z.number().default(0),
  median_ms: z.number().nullable(),
  p95_ms: z.number().nullable(),
  max_ms: z.number().nullable(),
  load_avg_start: z.array(z.number()),
  load_avg_end: z.array(z.number()),
  notes: z.array(z.string()),
});
export type ResumeResult = z.infer<typeof ResumeResult>;

/** The report's section. */
export function resumeSection(r: ResumeResult | null): string[] {
  if (!r) return [];
  const fmt = (v: number | null) => (v === null ? '–' : `${v} ms`);
  return [
    '## Resume after a network cut',
    '',
    `${r.back_ms.length} cuts of ${r.cut_ms / 1000} s of the customer's link (veth down), one session; link-up → the change made during the cut on the agent's canvas. ` +
      `Load average ${r.load_avg_start.join(' / ')} at the start, ${r.load_avg_end.join(' / ')} at the end.`,
    '',
    '| median | p95 | max | cuts over 3 s | target |',
    '|---:|---:|---:|---:|---:|',
    `| ${fmt(r.median_ms)} | ${fmt(r.p95_ms)} | ${fmt(r.max_ms)} | ${r.over_3s} of ${r.back_ms.length} | ≤ 3000 ms |`,
    '',
    `<sub>Each cut, picture back: ${r.back_ms.map((v) => (v === null ? 'never' : v)).join(', ')} ms; of which the customer's new link (WebSocket, WebRTC, data channels) took ${r.linked_ms.map((v) => (v === null ? '–' : v)).join(', ')} ms; its data channels took over after ${r.channels_ms.map((v) => (v === null ? '–' : v)).join(', ')} ms.${r.notes.length ? ` ${r.notes.join('; ')}.` : ''}</sub>`,
    '',
  ];
}
