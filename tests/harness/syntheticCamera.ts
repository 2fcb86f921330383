/**
 * Video guidance's test stage parts (tests/e2e/videoGuidance.test.ts, cameraFirst.test.ts): the X
 * screen painted one flat colour, a synthetic camera the customer page hands out instead of a real
 * one, and how the agent's canvas is sampled to tell the two apart.
 */
import type { Page } from 'playwright-core';

/** The X screen, all of it: what the canvas shows while the screen is the picture. */
export const SCREEN_RGB = [200, 0, 200] as const;
export const SCREEN_HTML = `<!doctype html><html><body style="margin:0;background:rgb(${SCREEN_RGB.join(',')});overflow:hidden;width:100vw;height:100vh">
<div id="tick" style="position:fixed;left:10px;bottom:10px;font:12px sans-serif;color:rgb(190,0,190)"></div>
<script>let n = 0; setInterval(() => (document.getElementById('tick').textContent = String(n++)), 200);</script></body></html>`;

/**
 * The customer's camera: a moving pattern (blue, with a yellow block crossing it) drawn on a
 * canvas and handed out by getUserMedia, and every camera track the page opens, so a test can
 * tell whether one is (still) live. Chromium's own synthetic camera
 * (`--use-fake-device-for-media-stream`) cannot be used here: that flag also replaces the
 * screen capture with its synthetic picture, and the test must tell the X screen from the camera.
 */
export const SYNTHETIC_CAMERA = `(() => {
  const tracks = [];
  window.__cameraTracks = tracks;
  const md = navigator.mediaDevices;
  md.getUserMedia = async (c) => {
    if (!c || !c.video || c.audio) throw new DOMException('only the camera is faked', 'NotFoundError');
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    canvas.style.cssText = 'position:fixed;left:-10000px;top:0';
    document.body.appendChild(canvas);
    const g = canvas.getContext('2d');
    let x = 0;
    const draw = () => {
      g.fillStyle = 'rgb(0,120,255)';
      g.fillRect(0, 0, 640, 480);
      g.fillStyle = 'rgb(255,220,0)';
      g.fillRect(x, 140, 160, 200);
      x = (x + 12) % 640;
    };
    draw();
    const timer = setInterval(draw, 40);
    const track = canvas.captureStream(25).getVideoTracks()[0];
    track.addEventListener('ended', () => clearInterval(timer));
    const stop = track.stop.bind(track);
    track.stop = () => { clearInterval(timer); stop(); };
    tracks.push(track);
    return new MediaStream([track]);
  };
})();`;

/** The synthetic camera's background. */
export const CAMERA_RGB = [0, 120, 255] as const;

/** The state of every camera track the customer page opened (`live`, `ended`). */
export const cameraTrackStates = (customer: Page): Promise<string[]> =>
  customer.evaluate(() => (window as unknown as { __cameraTracks: MediaStreamTrack[] }).__cameraTracks.map((t) => t.readyState));

/** Share of sampled canvas pixels near `rgb` (the X screen's colour unless told), and a fingerprint of the samples. */
export async function sampleCanvas(agent: Page, rgb: readonly number[] = SCREEN_RGB): Promise<{ screenShare: number; print: string; width: number; height: number }> {
  return agent.getByTestId('session-canvas').evaluate((c: HTMLCanvasElement, rgb) => {
    const g = c.getContext('2d')!;
    const data = g.getImageData(0, 0, c.width, c.height).data;
    let near = 0;
    let n = 0;
    const print: number[] = [];
    for (let y = 0.1; y < 1; y += 0.1) {
      for (let x = 0.1; x < 1; x += 0.1) {
        const i = (Math.floor(y * c.height) * c.width + Math.floor(x * c.width)) * 4;
        const d = Math.hypot(data[i]! - rgb[0]!, data[i + 1]! - rgb[1]!, data[i + 2]! - rgb[2]!);
        if (d < 60) near++;
        n++;
        print.push(data[i]! >> 4, data[i + 1]! >> 4, data[i + 2]! >> 4);
      }
    }
    return { screenShare: near / n, print: print.join(','), width: c.width, height: c.height };
  }, rgb);
}


/** Counts the customer page's screen captures (`window.__displayCalls`): a camera-first session must make none before its own consent. */
export const DISPLAY_SPY = `(() => {
  window.__displayCalls = 0;
  const md = navigator.mediaDevices;
  const real = md.getDisplayMedia.bind(md);
  md.getDisplayMedia = (c) => {
    window.__displayCalls++;
    return real(c);
  };
})();`;

export const displayCalls = (customer: Page): Promise<number> => customer.evaluate(() => (window as unknown as { __displayCalls: number }).__displayCalls);
