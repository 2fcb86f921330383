import type { AgentBridge } from '@beacon/shared/ipc';

/** What a benchmark or test learns about each frame the console draws. */
export interface FrameProbe {
  sessionId: string;
  canvas: HTMLCanvasElement;
  /** The frame's sequence number and capture time (customer's epoch ms) from the media header. */
  seq: number;
  captureTs: number;
  /** When it was drawn, epoch ms with sub-ms precision. */
  drawnAt: number;
}

declare global {
  interface Window {
    /** Present only inside the Electron shell (see src/preload/preload.ts). */
    beaconAgent?: AgentBridge;
    /** Set by benchmarks and tests; called after every drawn frame. */
    __beaconFrameProbe?: (probe: FrameProbe) => void;
  }
}
