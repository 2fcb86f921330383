/**
 * Source pages for benchmarks, shown full screen on the X display that is captured (by the
 * Beacon customer, or by x11vnc for the peer). Every page paints, on every animation frame,
 * a time code (epoch ms) in the top-left corner as 16x16 px black/white blocks, with a
 * complemented second row so a reader can reject a block it cannot read cleanly. The viewer
 * side reads it back after decoding.
 *
 * The code is 40 bits of time plus a 12-bit check (time mod 4093; 52 bits still fit a
 * double exactly). VNC updates arrive rectangle by rectangle, so a viewer can show a code
 * half from one moment and half from another; the check rejects such a mixed reading
 * instead of turning it into a wrong latency.
 *
 * The time code sits on its own small canvas so the pages that change little (typing) stay
 * little-changing for the capturers: only what really changes is repainted.
 */
export const CODE_BITS = 40;
const CHECK_BITS = 12;
const CHECK_MOD = 4093;
export const CODE_BLOCK = 16;
const CODE_BLOCKS = CODE_BITS + CHECK_BITS;
/** The screen area the time code covers; input wandering keeps away from it. */
export const CODE_AREA = { width: CODE_BLOCKS * CODE_BLOCK, height: 2 * CODE_BLOCK } as const;

export const WORKLOAD_NAMES = ['typing', 'scroll-text', 'moving-window', 'full-motion', 'still-clock', 'still'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** How often the still screen's clock (its time code) changes. */
export const STILL_CLOCK_TICK_MS = 50;

/**
 * The time code painter; `tickMs` 0 repaints it on every animation frame, a negative value
 * paints it once (the page then carries no time code for the viewer to follow), otherwise that often.
 */
const paintCodeScript = (tickMs: number) => `
function paintCode(g, ms) {
  const t = Math.round(ms) % 2 ** ${CODE_BITS};
  let v = t * 2 ** ${CHECK_BITS} + (t % ${CHECK_MOD});
  for (let i = ${CODE_BLOCKS} - 1; i >= 0; i--) {
    const bit = v % 2; v = Math.floor(v / 2);
    g.fillStyle = bit ? '#fff' : '#000'; g.fillRect(i * ${CODE_BLOCK}, 0, ${CODE_BLOCK}, ${CODE_BLOCK});
    g.fillStyle = bit ? '#000' : '#fff'; g.fillRect(i * ${CODE_BLOCK}, ${CODE_BLOCK}, ${CODE_BLOCK}, ${CODE_BLOCK});
  }
}
const codeCanvas = document.getElementById('code');
codeCanvas.width = ${CODE_AREA.width}; codeCanvas.height = ${CODE_AREA.height};
const codeG = codeCanvas.getContext('2d');
function codeFrame() {
  paintCode(codeG, performance.timeOrigin + performance.now());
  requestAnimationFrame(codeFrame);
}
if (${tickMs} > 0) setInterval(() => paintCode(codeG, performance.timeOrigin + performance.now()), ${tickMs});
else if (${tickMs} < 0) paintCode(codeG, performance.timeOrigin + performance.now());
else requestAnimationFrame(codeFrame);
// Where the X pointer went, as an X client on this display saw it (input latency for both
// Beacon and the VNC peer). timeStamp is the platform event's time, before Chromium aligns
// mouse events to animation frames.
window.__moves = [];
addEventListener('mousemove', (e) => window.__moves.push({ t: performance.timeOrigin + e.timeStamp, x: e.screenX, y: e.screenY }), true);
`;

const LINES = Array.from({ length: 80 }, (_, i) =>
  `${String(i + 1).padStart(3, '0')}  The quick brown fox jumps over the lazy dog; remote support log line ${(i * 7919) % 1000} 远程协助`,
);

function shell(style: string, body: string, script: string, codeTickMs = 0): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
html,body{margin:0;overflow:hidden;width:100vw;height:100vh}
#code{position:fixed;left:0;top:0;z-index:10;display:block}
${style}</style></head>
<body><canvas id="code"></canvas>${body}<script>
${paintCodeScript(codeTickMs)}
${script}
</script></body></html>`;
}

/** Static text with a blinking caret while someone types about 8 characters a second. */
export function typingPage(): string {
  return shell(
    `body{background:#fff;font:18px/26px monospace;color:#222}
#doc{position:absolute;left:24px;top:48px;right:24px;white-space:pre-wrap}
#caret{display:inline-block;width:2px;height:20px;background:#000;vertical-align:-4px;animation:blink 1.06s steps(1) infinite}
@keyframes blink{50%{opacity:0}}`,
    `<div id="doc"><span id="done"></span><span id="typed"></span><span id="caret"></span></div>`,
    `const lines = ${JSON.stringify(LINES.slice(0, 12))};
document.getElementById('done').textContent = lines.join('\\n') + '\\n';
const typed = document.getElementById('typed');
const sentence = 'Dear customer, we restarted the audio service and the delay is gone. ';
let n = 0;
setInterval(() => {
  n++;
  typed.textContent = sentence.repeat(4).slice(0, n % (sentence.length * 4));
}, 125);`,
  );
}

/** Scrolling text, like reading a long document or log: about 90 px/s. */
export function scrollingTextPage(): string {
  return shell(
    `body{background:#fff}canvas#c{display:block}`,
    `<canvas id="c"></canvas>`,
    `const c = document.getElementById('c');
c.width = screen.width; c.height = screen.height;
const g = c.getContext('2d');
const lines = ${JSON.stringify(LINES)};
const LINE = 26;
function frame() {
  const now = performance.timeOrigin + performance.now();
  g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
  g.fillStyle = '#222'; g.font = '18px monospace';
  const off = (now / 1000 * 90) % (LINE * lines.length);
  for (let i = 0; i < Math.ceil(c.height / LINE) + 2; i++) {
    const y = 48 + i * LINE - (off % LINE);
    const idx = (Math.floor(off / LINE) + i) % lines.length;
    g.fillText(lines[idx], 24, y + 18);
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);`,
  );
}

/** A 480x320 window with text dragged around a static desktop at about 250 px/s. */
export function movingWindowPage(): string {
  return shell(
    `body{background:#2d5f8b;font:15px/22px sans-serif}
.icon{position:absolute;width:64px;height:64px;border-radius:10px;background:#e8eef5;opacity:.85}
#win{position:absolute;left:0;top:0;width:480px;height:320px;background:#fafafa;border:1px solid #666;box-shadow:0 8px 24px rgba(0,0,0,.4);will-change:transform}
#bar{height:28px;background:linear-gradient(#dde3ea,#c5ced8);border-bottom:1px solid #999;font-weight:bold;padding-left:10px;line-height:28px}
#txt{padding:8px 12px;white-space:pre-wrap;color:#222;font:14px/20px monospace}`,
    `${Array.from({ length: 12 }, (_, i) => `<div class="icon" style="left:${24 + (i % 2) * 90}px;top:${60 + Math.floor(i / 2) * 96}px"></div>`).join('')}
<div id="win"><div id="bar">Audio settings — 音频设置</div><div id="txt">${LINES.slice(0, 13).join('\n')}</div></div>`,
    `const win = document.getElementById('win');
const W = innerWidth - 482, H = innerHeight - 322 - 40;
function frame() {
  const t = (performance.timeOrigin + performance.now()) / 1000;
  // A Lissajous path: smooth, never still, covering most of the screen.
  const x = Math.round(W * (0.5 + 0.5 * Math.sin(t * 0.61)));
  const y = Math.round(40 + H * (0.5 + 0.5 * Math.sin(t * 0.83 + 1)));
  win.style.transform = 'translate(' + x + 'px,' + y + 'px)';
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);`,
  );
}

/** Full-screen motion, like a video: a textured scene panning under moving bright shapes. */
export function motionPage(): string {
  return shell(
    `body{background:#000}canvas#c{display:block}`,
    `<canvas id="c"></canvas>`,
    `const c = document.getElementById('c');
c.width = screen.width; c.height = screen.height;
const g = c.getContext('2d');
// The scene is drawn once (seeded, so every run shows the same pictures) and panned.
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const scene = document.createElement('canvas');
scene.width = c.width * 2; scene.height = c.height * 2;
const s = scene.getContext('2d');
s.fillStyle = '#203040'; s.fillRect(0, 0, scene.width, scene.height);
for (let i = 0; i < 1400; i++) {
  const x = rnd() * scene.width, y = rnd() * scene.height, r = 10 + rnd() * 90;
  const grad = s.createRadialGradient(x, y, 0, x, y, r);
  grad.addColorStop(0, 'hsla(' + Math.floor(rnd() * 360) + ',80%,60%,0.9)');
  grad.addColorStop(1, 'hsla(' + Math.floor(rnd() * 360) + ',70%,30%,0)');
  s.fillStyle = grad; s.fillRect(x - r, y - r, 2 * r, 2 * r);
}
function frame() {
  const t = (performance.timeOrigin + performance.now()) / 1000;
  const ox = (0.5 + 0.5 * Math.sin(t * 0.37)) * c.width, oy = (0.5 + 0.5 * Math.cos(t * 0.29)) * c.height;
  g.drawImage(scene, ox, oy, c.width, c.height, 0, 0, c.width, c.height);
  for (let i = 0; i < 6; i++) {
    const a = t * (0.8 + i * 0.3) + i;
    g.fillStyle = 'hsl(' + ((i * 60 + t * 40) % 360) + ',90%,60%)';
    g.beginPath();
    g.arc(c.width * (0.5 + 0.4 * Math.sin(a)), c.height * (0.5 + 0.4 * Math.cos(a * 1.3)), 40 + 20 * i, 0, 2 * Math.PI);
    g.fill();
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);`,
  );
}

/**
 * A still page of text with a taskbar-like clock (HH:MM:SS, changing once a second); the
 * time code is painted every `codeTickMs` ms (negative: once).
 */
function clockPage(codeTickMs: number): string {
  return shell(
    `body{background:#f4f4f4;font:16px/24px sans-serif;color:#222}
#doc{position:absolute;left:24px;top:60px;right:320px;white-space:pre-wrap;font:15px/22px monospace}
#clock{position:absolute;right:24px;top:8px;font:20px monospace;background:#222;color:#fff;padding:2px 10px}`,
    `<div id="doc">${LINES.slice(0, 14).join('\n')}</div><div id="clock"></div>`,
    `const clock = document.getElementById('clock');
const showClock = () => { clock.textContent = new Date().toTimeString().slice(0, 8); };
showClock();
setInterval(showClock, 1000);`,
    codeTickMs,
  );
}

/**
 * A still screen with only a small clock changing, measurable: the time code is the clock's
 * fast hand, changing every {@link STILL_CLOCK_TICK_MS} ms instead of on every animation
 * frame, so the screen changes 20 times a second in an 832x32 px corner and once a second in
 * the clock, and nowhere else.
 */
export function stillClockPage(): string {
  return clockPage(STILL_CLOCK_TICK_MS);
}

/**
 * The same page as a user leaves it: only the clock changes, once a second. No time code
 * follows it (fps and latency are not read); it is what a still screen costs in bytes.
 */
export function stillPage(): string {
  return clockPage(-1);
}

export const WORKLOAD_PAGES: Record<WorkloadName, () => string> = {
  typing: typingPage,
  'scroll-text': scrollingTextPage,
  'moving-window': movingWindowPage,
  'full-motion': motionPage,
  'still-clock': stillClockPage,
  still: stillPage,
};

/**
 * Reads the time code from a 2D context showing the screen at `scale` (canvas pixels per
 * screen pixel: the picture may arrive scaled). Returns the epoch-ms value modulo 2^40, or
 * -1 if any block or the check does not read cleanly. Only the two pixel rows through the
 * middle of the blocks are read back.
 */
const READ_CODE = `
function __readTimeCode(g, scale) {
  const N = ${CODE_BLOCKS}, B = ${CODE_BLOCK};
  const w = Math.ceil(N * B * scale);
  const top = g.getImageData(0, Math.floor((B / 2) * scale), w, 1).data;
  const bottom = g.getImageData(0, Math.floor((B + B / 2) * scale), w, 1).data;
  let v = 0;
  for (let i = 0; i < N; i++) {
    const x = Math.floor((i * B + B / 2) * scale);
    const a = top[x * 4 + 1];
    const b = bottom[x * 4 + 1];
    if (!((a > 160 && b < 96) || (a < 96 && b > 160))) return -1;
    v = v * 2 + (a > 160 ? 1 : 0);
  }
  const t = Math.floor(v / 2 ** ${CHECK_BITS});
  return v % 2 ** ${CHECK_BITS} === t % ${CHECK_MOD} ? t : -1;
}
function __latencyOf(t, drawnAt) {
  const mod = 2 ** ${CODE_BITS};
  const d = ((drawnAt % mod) - t + mod) % mod;
  // A code from "the future" means the two browsers' clocks disagree; keep it visible as negative.
  return d > mod / 2 ? d - mod : d;
}`;

/** What viewer pages collect in `window.__bench`. */
export interface BenchFrame {
  /** When the frame was drawn, epoch ms. */
  at: number;
  latency?: number;
  session?: string;
  /** Beacon: capture time (media header) -> drawn, i.e. encode + network + decode + draw. */
  pipe?: number;
}
export interface SentMove {
  /** The viewer's event time (epoch ms) and its position in the viewer page. */
  t: number;
  x: number;
  y: number;
}
export interface ViewerState {
  frames: BenchFrame[];
  unreadable: number;
  mediaBytes: number;
  /** Beacon: keyframes received (a keyframe costs many deltas; requests for them show up here). */
  keyframes: number;
  clickAt: number;
  /**
   * When the whole screen had been drawn at least once, epoch ms (0: not yet). Beacon: its
   * first frame; noVNC: the first update drawn once the pixel rectangles received so far
   * (their bounding box) cover the screen.
   */
  fullAt: number;
  moves: SentMove[];
}

const VIEWER_STATE = `
  const s = window.__bench = { frames: [], unreadable: 0, mediaBytes: 0, keyframes: 0, clickAt: 0, fullAt: 0, moves: [] };
  addEventListener('mousemove', (e) => s.moves.push({ t: performance.timeOrigin + e.timeStamp, x: e.clientX, y: e.clientY }), true);`;

/**
 * Installed in the agent page: reads the time code from each drawn frame (via the console's
 * frame probe) and keeps latency samples. Frames whose code does not read cleanly are counted
 * but give no sample. Also counts the bytes arriving on the media channel.
 */
export function agentProbeScript(screenWidth: number): string {
  return `
(() => {
  ${READ_CODE}
  ${VIEWER_STATE}
  window.__beaconFrameProbe = (p) => {
    const v = __readTimeCode(p.canvas.getContext('2d'), p.canvas.width / ${screenWidth});
    const pipe = p.drawnAt - p.captureTs;
    if (!s.fullAt) s.fullAt = p.drawnAt;
    if (v < 0) { s.unreadable++; s.frames.push({ at: p.drawnAt, session: p.sessionId, pipe }); return; }
    s.frames.push({ at: p.drawnAt, latency: __latencyOf(v, p.drawnAt), session: p.sessionId, pipe });
  };
  const origCreate = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (label, init) {
    const dc = origCreate.call(this, label, init);
    if (label === 'media') {
      dc.addEventListener('message', (e) => {
        s.mediaBytes += e.data.byteLength || 0;
        // First fragment of a keyframe: magic 0xB7, flags bit 0, fragment index 0 (framing.ts).
        const h = new Uint8Array(e.data, 0, 4);
        if (h[0] === 0xb7 && (h[1] & 1) === 1 && h[2] === 0 && h[3] === 0) s.keyframes++;
      });
    }
    return dc;
  };
  document.addEventListener('click', (e) => {
    if (e.target && e.target.closest && e.target.closest('[data-testid="connect-submit"]')) s.clickAt = performance.timeOrigin + performance.now();
  }, true);
})();`;
}

/**
 * Installed in the noVNC viewer page (see VncPeer.ts): the same reader, run after every
 * framebuffer update noVNC puts on its canvas that touched the time code, plus the bytes
 * arriving on the WebSocket and the encodings the server chose.
 */
export function vncProbeScript(screenWidth: number): string {
  return `
(() => {
  ${READ_CODE}
  ${VIEWER_STATE}
  // The bounding box of the pixel rectangles received so far (not the canvas's own redraws, such as its first resize).
  let cover = null;
  window.__probeDisplay = (display) => {
    const flip = display.flip.bind(display);
    const canvas = display._target;
    const g = canvas.getContext('2d');
    display.flip = (fromQueue) => {
      const willDraw = fromQueue || display._renderQ.length === 0;
      const d = { ...display._damageBounds };
      const touchesCode = d.left < ${CODE_AREA.width} && d.top < ${CODE_AREA.height} && d.right > d.left && d.bottom > d.top;
      const hasDamage = d.right > d.left && d.bottom > d.top;
      flip(fromQueue);
      if (!willDraw || !hasDamage) return;
      const at = performance.timeOrigin + performance.now();
      if (!s.fullAt && cover && cover.left <= 0 && cover.top <= 0 && cover.right >= display.width && cover.bottom >= display.height) s.fullAt = at;
      if (!touchesCode) { s.frames.push({ at }); return; }
      const v = __readTimeCode(g, canvas.width / ${screenWidth});
      if (v < 0) { s.unreadable++; s.frames.push({ at }); return; }
      s.frames.push({ at, latency: __latencyOf(v, at) });
    };
  };
  // Which RFB encodings the server chose, by rectangle count (noVNC's numbers).
  const NAMES = { 0: 'raw', 1: 'copyrect', 2: 'rre', 5: 'hextile', 7: 'tight', 16: 'zrle', '-260': 'tightpng' };
  window.__encodings = {};
  window.__probeRfb = (rfb) => {
    const handle = rfb._handleRect.bind(rfb);
    rfb._handleRect = () => {
      const enc = rfb._FBU.encoding;
      const done = handle();
      if (done && (enc >= 0 || enc === -260)) {
        const f = rfb._FBU;
        const r = { left: f.x, top: f.y, right: f.x + f.width, bottom: f.y + f.height };
        cover = cover ? { left: Math.min(cover.left, r.left), top: Math.min(cover.top, r.top), right: Math.max(cover.right, r.right), bottom: Math.max(cover.bottom, r.bottom) } : r;
        const name = NAMES[enc] || String(enc);
        window.__encodings[name] = (window.__encodings[name] || 0) + 1;
      }
      return done;
    };
  };
  // A wrapper, not a subclass: noVNC checks the socket's direct prototype for its methods.
  const Orig = WebSocket;
  function Counted(...a) {
    const ws = new Orig(...a);
    ws.addEventListener('message', (e) => { s.mediaBytes += e.data.byteLength || e.data.size || 0; });
    return ws;
  }
  Counted.prototype = Orig.prototype;
  Object.assign(Counted, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = Counted;
})();`;
}

/** Installed in the customer page: consent is auto-accepted in the benchmark only. */
export const AUTO_ACCEPT_SCRIPT = `
new MutationObserver(() => {
  const b = document.querySelector('[data-testid="consent-accept"]');
  if (b) b.click();
}).observe(document, { childList: true, subtree: true });`;
