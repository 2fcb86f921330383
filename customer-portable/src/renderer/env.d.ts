import type { CustomerBridge } from '@beacon/shared/ipc';

declare global {
  interface Window {
    /** Present only inside the Electron shell (exposed by the preload). */
    beaconCustomer?: CustomerBridge;
  }

  /** Chromium's MediaStreamTrackProcessor (not in TypeScript's DOM lib yet). */
  class MediaStreamTrackProcessor {
    constructor(init: { track: MediaStreamTrack; maxBufferSize?: number });
    readonly readable: ReadableStream<VideoFrame>;
  }
}
