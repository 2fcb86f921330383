import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TimelineEvent } from '@beacon/shared/api';
import { buildTimeline, currentEntryId, formatMediaTime, kindsOf, markerPosition, MAX_DRIFT_S, resumePosition, resyncTarget, visibleEntries } from './timeline.ts';

let id = 0;
const ev = (kind: string, mediaMs: number | null, detail: Record<string, unknown> = {}): TimelineEvent => ({ id: ++id, at: 1000 + (mediaMs ?? 0), mediaMs, kind, actor: 'agent:alice', detail });

test('masked keys typed in a burst become one entry with the number of keys', () => {
  const entries = buildTimeline([
    ev('connect-requested', null),
    ev('consent-granted', 0),
    ev('key', 1000, { isMasked: true, chars: 5 }),
    ev('key', 1500, { isMasked: true }),
    ev('key', 3400, { isMasked: true }),
    ev('click', 4000, { x: 1, y: 2, button: 'left' }),
    ev('key', 9000, { isMasked: true }),
  ]);
  assert.deepEqual(entries.map((e) => [e.kind, e.mediaMs, e.keyCount]), [
    ['connect-requested', null, 0],
    ['consent-granted', 0, 0],
    ['key', 1000, 7],
    ['click', 4000, 0],
    ['key', 9000, 1],
  ]);
  assert.equal(entries[2]?.typed, null, 'masked keys reveal nothing');
});

test('kept keystrokes show what was typed, special keys in brackets', () => {
  const [burst] = buildTimeline([ev('key', 100, { text: 'hello' }), ev('key', 300, { key: 'a', modifiers: ['control'] }), ev('key', 400, { key: 'enter', modifiers: [] })]);
  assert.equal(burst?.typed, 'hello[control+a][enter]');
  assert.equal(burst?.keyCount, 7);
});

test('filters hide kinds; kinds are listed in order of appearance', () => {
  const entries = buildTimeline([ev('consent-granted', 0), ev('click', 10), ev('chat', 20), ev('click', 30)]);
  assert.deepEqual(kindsOf(entries), ['consent-granted', 'click', 'chat']);
  assert.deepEqual(visibleEntries(entries, new Set(['click'])).map((e) => e.kind), ['consent-granted', 'chat']);
});

test('markers sit proportionally on the seek bar; unplaceable ones get none', () => {
  assert.equal(markerPosition(2500, 10_000), 0.25);
  assert.equal(markerPosition(12_000, 10_000), 1);
  assert.equal(markerPosition(null, 10_000), null);
  assert.equal(markerPosition(100, null), null);
});

test('the current entry is the last that started at or before the playhead', () => {
  const entries = buildTimeline([ev('connect-requested', null), ev('consent-granted', 0), ev('click', 5000), ev('disconnected', 9000)]);
  assert.equal(currentEntryId(entries, 4999), entries[1]?.id);
  assert.equal(currentEntryId(entries, 5000), entries[2]?.id);
  assert.equal(currentEntryId(entries, 60_000), entries[3]?.id);
});

test('media times read as m:ss or h:mm:ss', () => {
  assert.equal(formatMediaTime(0), '0:00');
  assert.equal(formatMediaTime(65_400), '1:05');
  assert.equal(formatMediaTime(3_725_000), '1:02:05');
});

test('near-live reloads follow the live edge, or keep a viewer who went back where they were', () => {
  assert.equal(resumePosition(9_000, 10_000, 14_000), 13_500);
  assert.equal(resumePosition(3_000, 10_000, 14_000), 3_000);
  assert.equal(resumePosition(0, null, 14_000), 13_500);
});

test('a voice beside the video is moved back only when it drifts, and left alone past its end', () => {
  assert.equal(resyncTarget(10, 10 + MAX_DRIFT_S / 2, 30), null);
  assert.equal(resyncTarget(10, 10 - MAX_DRIFT_S * 2, 30), 10);
  assert.equal(resyncTarget(12, 3, 30), 12, 'after a seek the voice jumps too');
  assert.equal(resyncTarget(31, 29, 30), null, 'the customer stopped talking before the video ends');
  assert.equal(resyncTarget(5, 0, Number.NaN), 5, 'a voice whose length is not known yet still follows');
});
