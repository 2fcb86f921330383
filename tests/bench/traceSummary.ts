/**
 * Where a Chromium trace (Playwright's `browser.startTracing`) spends its time: self time per
 * thread and event name, from the complete ('X') events, nested per thread by time.
 */
import { z } from 'zod';
import { parseJson } from '@beacon/shared/parse';
import type { ProfileLine } from './profileSummary.ts';

const TraceEvent = z.object({
  name: z.string(),
  ph: z.string(),
  pid: z.number(),
  tid: z.number(),
  ts: z.number().optional(),
  dur: z.number().optional(),
  args: z.record(z.string(), z.unknown()).optional(),
});
const Trace = z.object({ traceEvents: z.array(z.unknown()) });

interface Span {
  key: string;
  start: number;
  end: number;
  childUs: number;
}

export function summarizeTrace(text: string, top = 20): { totalMs: number; lines: ProfileLine[] } {
  const r = parseJson(Trace, text, 'chromium trace');
  if (!r.ok) throw r.error;
  const threadNames = new Map<string, string>();
  const byThread = new Map<string, z.infer<typeof TraceEvent>[]>();
  for (const raw of r.value.traceEvents) {
    const e = TraceEvent.safeParse(raw);
    if (!e.success) continue;
    const thread = `${e.data.pid}:${e.data.tid}`;
    if (e.data.ph === 'M' && e.data.name === 'thread_name') {
      const name = e.data.args?.name;
      if (typeof name === 'string') threadNames.set(thread, name.replace(/\d+$/, ''));
      continue;
    }
    if (e.data.ph !== 'X' || e.data.ts === undefined || e.data.dur === undefined) continue;
    const list = byThread.get(thread) ?? [];
    list.push(e.data);
    byThread.set(thread, list);
  }
  const self = new Map<string, number>();
  let totalUs = 0;
  for (const [thread, events] of byThread) {
    const threadName = threadNames.get(thread) ?? 'thread';
    events.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0) || (b.dur ?? 0) - (a.dur ?? 0));
    const stack: Span[] = [];
    const pop = (until: number) => {
      while (stack.length && stack[stack.length - 1]!.end <= until) {
        const s = stack.pop() as Span;
        const own = Math.max(0, s.end - s.start - s.childUs);
        self.set(s.key, (self.get(s.key) ?? 0) + own);
        const parent = stack[stack.length - 1];
        if (parent) parent.childUs += s.end - s.start;
        else totalUs += s.end - s.start;
      }
    };
    for (const e of events) {
      const start = e.ts ?? 0;
      pop(start);
      stack.push({ key: `${threadName}: ${e.name}`, start, end: start + (e.dur ?? 0), childUs: 0 });
    }
    pop(Infinity);
  }
  const lines = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), share: totalUs ? Math.round((us / totalUs) * 1000) / 10 : 0 }));
  return { totalMs: Math.round(totalUs / 1000), lines };
}
