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
}

interface InFlight {
  seq: number;
  bytes: number;
  left: number;
  capturedAt: number;
}

export function simulate(o: SimOptions): TracePoint[] {
  const rtt = o.baseRttMs ?? 20;
  const ctl = new StreamController(o.mode ?? 'balanced', o.maxBps ?? 2_000_000, 0);
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
    // The bottleneck drains the queue head first.
    let budget = (o.rateAt(t) * STEP_MS) / 1000;
    while (budget > 0 && queue.length) {
      const head = queue[0] as InFlight;
      const n = Math.min(budget, head.left);
      head.left -= n;
      budget -= n;
      if (head.left <= 0) {
        queue.shift();
        delivered.push({ seq: head.seq, at: t + rtt / 2, capturedAt: head.capturedAt });
      }
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
