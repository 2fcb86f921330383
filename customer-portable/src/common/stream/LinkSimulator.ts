/**
 * A link for tests and traces: a bottleneck of a given rate (changing over time) with a FIFO
 * in front of it, a fixed base round trip, and an agent that reports what arrived every
 * REPORT_MS. The StreamController drives a 30 fps capture of a busy screen (scrolling)
 * through it; frame sizes follow the encoder's bitrate as a real encoder's rate control
 * roughly does (the bits of the time since the previous frame; the first frame, a keyframe,
 * several times more).
 */
import type { QualityMode } from '@beacon/shared/protocol';
import { StreamController } from './StreamController.ts';

const CAPTURE_MS = 1000 / 30;
const REPORT_MS = 100;
const STEP_MS = 5;

export interface TracePoint {
  t: number;
  targetBps: number;
  fps: number;
  scale: number;
  /** Capture -> arrival of the newest delivered frame, ms. */
  delayMs: number;
  framesDelivered: number;
}

export interface SimOptions {
  mode?: QualityMode;
  /** Link rate in bytes per second at time t (ms). */
  rateAt: (t: number) => number;
  durationMs: number;
  baseRttMs?: number;
  maxBps?: number;
  /** Key frames are this many times an average frame. */
  keyFactor?: number;
  /**
   * What the screen's changes need, bits per second (absent: a busy screen that fills any
   * budget). Less than the budget makes the stream app-limited, like typing.
   */
  demandBps?: number;
  /**
   * The shaper's burst in bytes (a token bucket, as `tc ... tbf burst`): after an idle moment
   * this much passes at once. Absent: none (the link never runs faster than its rate).
   */
  burstBytes?: number;
  /** The sender sends start-up probes (see LinkProbe), acknowledged by the far end a round trip later. */
  probe?: boolean;
}

interface InFlight {
  seq: number;
  bytes: number;
  left: number;
  capturedAt: number;
  /** A start-up probe's ID (not a frame). */
  probeId?: number;
}

export function simulate(o: SimOptions): TracePoint[] {
  const rtt = o.baseRttMs ?? 20;
  const ctl = new StreamController(o.mode ?? 'balanced', o.maxBps ?? 2_000_000, 0, undefined, o.probe ?? false);
  const probeAcks: { id: number; at: number }[] = [];
  let tokens = 0;
  const queue: InFlight[] = [];
  const delivered: { seq: number; at: number; capturedAt: number }[] = [];
  const trace: TracePoint[] = [];
  let seq = 0;
  let nextCapture = 0;
  let nextReport = REPORT_MS;
  let framesDelivered = 0;
  let lastDelay = 0;
  let lastEncodedAt = 0;
  for (let t = 0; t <= o.durationMs; t += STEP_MS) {
    // The bottleneck drains the queue head first, from its bucket of tokens.
    const perStep = (o.rateAt(t) * STEP_MS) / 1000;
    // Without a burst, what a step does not use is lost (the link never runs faster than its rate).
    tokens = o.burstBytes === undefined ? perStep : Math.min(Math.max(o.burstBytes, perStep), tokens + perStep);
    while (tokens > 0 && queue.length) {
      const head = queue[0] as InFlight;
      const n = Math.min(tokens, head.left);
      head.left -= n;
      tokens -= n;
      if (head.left <= 0) {
        queue.shift();
        if (head.probeId !== undefined) probeAcks.push({ id: head.probeId, at: t + rtt });
        else delivered.push({ seq: head.seq, at: t + rtt / 2, capturedAt: head.capturedAt });
      }
    }
    while (probeAcks.length && (probeAcks[0]?.at ?? Infinity) <= t) ctl.onProbeAck((probeAcks.shift() as { id: number }).id, t);
    const probeBytes = ctl.probeDue(t);
    if (probeBytes > 0) {
      const probeId = ctl.onProbeSent(probeBytes, t);
      queue.push({ seq: -1, bytes: probeBytes, left: probeBytes, capturedAt: t, probeId });
    }
    if (t >= nextReport) {
      nextReport += REPORT_MS;
      const arrived = delivered.filter((d) => d.at <= t);
      const last = arrived.at(-1);
      if (last) {
        delivered.splice(0, arrived.length);
        framesDelivered += arrived.length;
        lastDelay = last.at - last.capturedAt;
        // The report itself takes half a round trip back.
        ctl.onReport({ lastSeq: last.seq, heldMs: t - last.at + rtt / 2, bytes: 0 }, t + rtt / 2);
      }
    }
    if (t >= nextCapture) {
      nextCapture += CAPTURE_MS;
      ctl.onBuffered(0, t);
      if (ctl.admits(t)) {
        ctl.onEncoding(t);
        const plan = ctl.plan();
        const average = plan.encoderBps / 8 / plan.fps;
        const spent = ((plan.encoderBps / 8) * Math.min(1000, t - lastEncodedAt)) / 1000;
        const wanted = Math.max(average, spent);
        const needed = o.demandBps === undefined ? wanted : Math.min(wanted, o.demandBps / 8 / plan.fps);
        const bytes = Math.round(seq === 0 ? average * (o.keyFactor ?? 8) : needed);
        lastEncodedAt = t;
        queue.push({ seq, bytes, left: bytes, capturedAt: t });
        ctl.onFrameSent(seq, bytes, seq === 0, t);
        seq++;
      }
    }
    if (t % 100 === 0) {
      const plan = ctl.plan();
      trace.push({ t, targetBps: plan.targetBps, fps: plan.fps, scale: plan.scale, delayMs: lastDelay, framesDelivered });
    }
  }
  return trace;
}
