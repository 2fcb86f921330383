import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeTrace } from './traceSummary.ts';

test('self time excludes nested events and is grouped by thread and event', () => {
  const trace = {
    traceEvents: [
      { name: 'thread_name', ph: 'M', pid: 1, tid: 7, args: { name: 'CrRendererMain' } },
      { name: 'RunTask', ph: 'X', pid: 1, tid: 7, ts: 0, dur: 10_000 },
      { name: 'Decode', ph: 'X', pid: 1, tid: 7, ts: 1000, dur: 7000 },
      { name: 'RunTask', ph: 'X', pid: 1, tid: 7, ts: 20_000, dur: 2000 },
      { name: 'instant', ph: 'i', pid: 1, tid: 7, ts: 5 },
      'not an event',
    ],
  };
  const s = summarizeTrace(JSON.stringify(trace));
  assert.equal(s.totalMs, 12);
  assert.deepEqual(
    s.lines.map((l) => [l.name, l.selfMs]),
    [
      ['CrRendererMain: Decode', 7],
      ['CrRendererMain: RunTask', 5],
    ],
  );
  assert.equal(s.lines[0]!.share, 58.3);
});
