/**
 * Where a V8 CPU profile (`node --cpu-prof`) spends its time: self time per function,
 * grouped by function and file, biggest first.
 *
 * `node --import tsx tests/bench/profileSummary.ts FILE.cpuprofile [--top 25]`
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseJson } from '@beacon/shared/parse';

const CpuProfile = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export interface ProfileLine {
  name: string;
  selfMs: number;
  share: number;
}

/** Self time per function (ms and share of all samples), biggest first. */
export function summarizeProfile(text: string, top = 25): { totalMs: number; lines: ProfileLine[] } {
  const r = parseJson(CpuProfile, text, 'cpu profile');
  if (!r.ok) throw r.error;
  const p = r.value;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    const n = byId.get(id);
    if (!n) return;
    const file = n.callFrame.url.replace(/^.*\/(node_modules\/[^/]+|[^/]+\/src)\//, '$1/');
    const key = `${n.callFrame.functionName || '(anonymous)'} ${file ? `(${file}:${n.callFrame.lineNumber + 1})` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  const lines = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => ({ name, selfMs: Math.round(ms), share: Math.round((ms / total) * 1000) / 10 }));
  return { totalMs: Math.round(total), lines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  const file = positionals[0];
  if (!file) throw new Error('usage: profileSummary.ts FILE.cpuprofile [--top N]');
  const s = summarizeProfile(readFileSync(file, 'utf8'), Number(values.top));
  console.log(`${s.totalMs} ms sampled`);
  for (const l of s.lines) console.log(`${String(l.share).padStart(5)}%  ${String(l.selfMs).padStart(7)} ms  ${l.name}`);
}
