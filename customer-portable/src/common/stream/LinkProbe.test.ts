import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PROBE_PIECE_BYTES, MAX_PROBE_PIECES, LinkProbeCtlToRelay } from '@beacon/shared/protocol';
import { FIRST_PROBE_BYTES, LinkProbe, probePieces, PROBE_TIMEOUT_MS, type ProbeVerdict } from './LinkProbe.ts';

/** Runs a probe train over a link of `rate` bytes/s with a `burst` and a round trip of `rttMs`; the stream sends nothing meanwhile. */
function train(probe: LinkProbe, rate: number, burst: number, rttMs: number): number[] {
  const sizes: number[] = [];
  let now = 0;
  let tokens = burst;
  for (let i = 0; i < 10 && !probe.isDone; i++) {
    const bytes = probe.due(now, true);
    if (bytes === 0) break;
    sizes.push(bytes);
    const id = probe.onSent(bytes, now, 0);
    const fromBurst = Math.min(tokens, bytes);
    const ms = ((bytes - fromBurst) * 1000) / rate + rttMs;
    now += ms;
    tokens = Math.min(burst, tokens - fromBurst + (rate * rttMs) / 1000);
    probe.onAck(id, now, 0);
  }
  return sizes;
}

test('on a fast link the first probe proves the full rate: start-up is not held back', () => {
  const probe = new LinkProbe(2_000_000);
  assert.equal(probe.ceilingBps(), 0, 'start-up holds until the first answer');
  const sizes = train(probe, 100e6 / 8, 0, 5);
  assert.deepEqual(sizes, [FIRST_PROBE_BYTES]);
  assert.deepEqual(probe.verdict, { kind: 'fast' });
  assert.equal(probe.ceilingBps(), null);
});

test('a slow round trip (a busy machine) makes the probes grow until they prove the rate', () => {
  const probe = new LinkProbe(2_000_000);
  const sizes = train(probe, 100e6 / 8, 0, 120);
  assert.ok(sizes.length > 1 && sizes.length <= 6, `${sizes.length} probes`);
  assert.deepEqual(probe.verdict, { kind: 'fast' });
});

test('behind a 160 kbit/s shaper with a 4 kB burst the link is measured near its rate, not at the burst', () => {
  const probe = new LinkProbe(2_000_000);
  const sizes = train(probe, 20_000, 4096, 20);
  const v = probe.verdict;
  assert.equal(v?.kind, 'measured', JSON.stringify(v));
  assert.ok(v.kind === 'measured' && v.bytesPerSec >= 15_000 && v.bytesPerSec <= 30_000, `measured ${JSON.stringify(v)}`);
  assert.ok(sizes.reduce((a, b) => a + b, 0) <= 32 * 1024, `probes cost ${sizes.join('+')} bytes`);
  const ceiling = probe.ceilingBps();
  assert.ok(ceiling !== null && ceiling <= 240_000, `start-up may grow to ${ceiling} bit/s`);
});

test('frames acknowledged while a probe crossed the link count: the probe measures the link, not its share of it', () => {
  const probe = new LinkProbe(2_000_000);
  // Two probes, each sharing a 20 kB/s link half and half with frames.
  let id = probe.onSent(probe.due(0, true), 0, 0);
  probe.onAck(id, 410, 4096);
  id = probe.onSent(probe.due(410, true), 410, 4096);
  probe.onAck(id, 1230, 4096 + 8192);
  const v = probe.verdict;
  assert.ok(v?.kind === 'measured' && v.bytesPerSec > 19_000 && v.bytesPerSec < 21_000, JSON.stringify(v));
});

test('no probe before the first frame was acknowledged, one at a time, and a lost answer ends the train', () => {
  const probe = new LinkProbe(2_000_000);
  assert.equal(probe.due(0, false), 0);
  const id = probe.onSent(probe.due(10, true), 10, 0);
  assert.equal(probe.due(20, true), 0, 'the next waits for the answer');
  probe.onAck(id + 7, 30, 0);
  assert.equal(probe.verdict, null, 'an answer to another probe is ignored');
  probe.due(10 + PROBE_TIMEOUT_MS, true);
  const v = probe.verdict as ProbeVerdict | null;
  assert.equal(v?.kind, 'measured', 'at most what it could have carried');
  assert.ok(probe.isDone);
});

test('a relay that cannot answer probes: start-up is not held', () => {
  const probe = new LinkProbe(2_000_000);
  probe.turnOff();
  assert.equal(probe.due(0, true), 0);
  assert.equal(probe.ceilingBps(), null);
  assert.equal(new LinkProbe(2_000_000, false).ceilingBps(), null);
});

test('a probe is cut into valid pieces of about the fragment size', () => {
  for (const [bytes, piece] of [[4096, 1000], [128 * 1024, 1000], [8192, 64 * 1024], [5, 1000]] as const) {
    const pieces = probePieces('session-1', 3, bytes, piece);
    assert.equal(pieces.reduce((a, p) => a + p.pad.length, 0), bytes);
    assert.ok(pieces.length <= MAX_PROBE_PIECES);
    pieces.forEach((p, i) => {
      assert.equal(p.piece, i);
      assert.equal(p.pieces, pieces.length);
      assert.ok(p.pad.length <= MAX_PROBE_PIECE_BYTES);
      assert.ok(LinkProbeCtlToRelay.safeParse(p).success);
    });
  }
  assert.equal(LinkProbeCtlToRelay.safeParse({ type: 'link-probe', sessionId: 'session-1', id: 1, piece: 2, pieces: 2, pad: '' }).success, false, 'a piece past the count');
  assert.equal(LinkProbeCtlToRelay.safeParse({ type: 'link-probe', sessionId: 'session-1', id: 1, piece: 0, pieces: 1, pad: 'x'.repeat(MAX_PROBE_PIECE_BYTES + 1) }).success, false, 'too much padding');
});
