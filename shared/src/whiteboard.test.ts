import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLLAB_LIMITS, Stroke, type Point } from './collab.ts';
import { BoardModel, arrowHead, prepareStrokePoints, simplify } from './whiteboard.ts';

const stroke = (id: string, isFading = false): Stroke => ({ id, tool: 'pen', color: '#ff0000', width: 4, points: [[1, 1], [5, 5]], isFading });

test('a straight line of many points simplifies to its two ends', () => {
  const pts: Point[] = Array.from({ length: 500 }, (_, i) => [i, 2 * i]);
  assert.deepEqual(simplify(pts, 0.5), [[0, 0], [499, 998]]);
});

test('corners survive simplification and small wobble does not', () => {
  const pts: Point[] = [];
  for (let i = 0; i <= 100; i++) pts.push([i, i % 2 === 0 ? 0 : 0.4]); // wobbly horizontal
  for (let i = 1; i <= 100; i++) pts.push([100, i]); // then straight down
  const out = simplify(pts, 1);
  assert.deepEqual(out, [[0, 0], [100, 0], [100, 100]]);
  // With a tolerance smaller than the wobble, the wobble is kept.
  assert.ok(simplify(pts, 0.1).length > 50);
});

test('every point of the original lies within epsilon of the simplified path', () => {
  const pts: Point[] = Array.from({ length: 400 }, (_, i) => [i * 2, 100 + 80 * Math.sin(i / 20)]);
  const out = simplify(pts, 2);
  assert.ok(out.length < 60, `kept ${out.length}`);
  for (const p of pts) {
    let best = Infinity;
    for (let i = 1; i < out.length; i++) {
      const a = out[i - 1]!;
      const b = out[i]!;
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
      best = Math.min(best, Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy));
    }
    assert.ok(best <= 2 + 1e-9, `point ${p} is ${best} px off`);
  }
});

test('prepareStrokePoints rounds, drops duplicates and always fits the wire limit', () => {
  assert.deepEqual(prepareStrokePoints([[1.4, 1.6], [1.2, 2.4], [3, 3]]), [[1, 2], [3, 3]]);
  const noisy: Point[] = Array.from({ length: 20_000 }, (_, i) => [(i * 7919) % 1280, (i * 104729) % 720]);
  const out = prepareStrokePoints(noisy);
  assert.ok(out.length <= COLLAB_LIMITS.maxStrokePoints);
  assert.ok(Stroke.safeParse({ ...stroke('a'), points: out }).success);
});

test('arrow barbs sit behind the tip on both sides', () => {
  const [l, r] = arrowHead([0, 0], [100, 0], 4);
  assert.ok(l[0] < 100 && r[0] < 100);
  assert.ok(l[1] * r[1] < 0, 'one barb above, one below');
});

test('board: undo removes the named stroke, clear removes all, fading strokes go away', () => {
  const b = new BoardModel();
  b.add(stroke('a'), 0);
  b.add(stroke('b', true), 0);
  assert.equal(b.last()?.id, 'b');
  assert.equal(b.visible(COLLAB_LIMITS.fadeMs / 2).find((v) => v.stroke.id === 'b')?.opacity, 0.5);
  assert.deepEqual(b.visible(COLLAB_LIMITS.fadeMs + 1).map((v) => v.stroke.id), ['a']);
  b.add(stroke('c'), 0);
  assert.equal(b.undo('a'), true);
  assert.equal(b.undo('a'), false);
  assert.deepEqual(b.visible(0).map((v) => v.stroke.id), ['c']);
  b.clear();
  assert.equal(b.size, 0);
});
