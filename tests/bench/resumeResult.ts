/** What the resume bench (ResumeBench.ts) records, and its section of the report. */
import { z } from 'zod';

export const ResumeResult = z.object({
  cut_ms: z.number(),
  /** Link-up -> picture back, ms, one per cut (null: it did not come back in time). */
  back_ms: z.array(z.number().nullable()),
  /** Link-up -> the customer's new link open and carrying the session (its data channels open), ms, one per cut. */
  linked_ms: z.array(z.number().nullable()).default([]),
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
    '| median | p95 | max | target |',
    '|---:|---:|---:|---:|',
    `| ${fmt(r.median_ms)} | ${fmt(r.p95_ms)} | ${fmt(r.max_ms)} | ≤ 3000 ms |`,
    '',
    `<sub>Each cut, picture back: ${r.back_ms.map((v) => (v === null ? 'never' : v)).join(', ')} ms; of which the customer's new link (WebSocket, WebRTC, data channels) took ${r.linked_ms.map((v) => (v === null ? '–' : v)).join(', ')} ms.${r.notes.length ? ` ${r.notes.join('; ')}.` : ''}</sub>`,
    '',
  ];
}
