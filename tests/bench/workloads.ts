/**
 * Source pages for benchmarks, shown full screen on the X display the customer captures.
 * Each paints, on every animation frame, a 40-bit time code (epoch ms) in the top-left
 * corner as 16x16 px black/white blocks, with a complemented second row so a reader can
 * reject a frame it cannot read cleanly. The agent side reads it back after decoding.
 */
export const CODE_BITS = 40;
export const CODE_BLOCK = 16;

const paintCode = `
function paintCode(g, ms) {
  let v = Math.round(ms) % 2 ** ${CODE_BITS};
  for (let i = ${CODE_BITS} - 1; i >= 0; i--) {
    const bit = v % 2; v = Math.floor(v / 2);
    g.fillStyle = bit ? '#fff' : '#000'; g.fillRect(i * ${CODE_BLOCK}, 0, ${CODE_BLOCK}, ${CODE_BLOCK});
    g.fillStyle = bit ? '#000' : '#fff'; g.fillRect(i * ${CODE_BLOCK}, ${CODE_BLOCK}, ${CODE_BLOCK}, ${CODE_BLOCK});
  }
}`;

const LINES = Array.from({ length: 80 }, (_, i) =>
  `${String(i + 1).padStart(3, '0')}  The quick brown fox jumps over the lazy dog; remote support log line ${i * 7919 % 1000} 远程协助`,
);

/** Scrolling text, like reading a long document or log: about 90 px/s. */
export function scrollingTextPage(): string {
  return `<!doctype html><html><head><style>html,body{margin:0;overflow:hidden;background:#fff}canvas{display:block}</style></head>
<body><canvas id="c"></canvas><script>
${paintCode}
const c = document.getElementById('c');
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
  paintCode(g, now);
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
</script></body></html>`;
}

/**
 * Installed in the agent page: reads the time code from each drawn frame (via the console's
 * frame probe) and keeps latency samples. Frames whose code does not read cleanly are counted
 * but give no sample.
 */
export const AGENT_PROBE_SCRIPT = `
(() => {
  const BITS = ${CODE_BITS}, B = ${CODE_BLOCK};
  const s = window.__bench = { frames: [], unreadable: 0, mediaBytes: 0, clickAt: 0 };
  window.__beaconFrameProbe = (p) => {
    const g = p.canvas.getContext('2d');
    const img = g.getImageData(0, 0, BITS * B, 2 * B).data;
    let v = 0;
    for (let i = 0; i < BITS; i++) {
      const a = img[((B / 2) * BITS * B + i * B + B / 2) * 4 + 1];
      const b = img[((B + B / 2) * BITS * B + i * B + B / 2) * 4 + 1];
      if (!((a > 160 && b < 96) || (a < 96 && b > 160))) { s.unreadable++; s.frames.push({ at: p.drawnAt }); return; }
      v = v * 2 + (a > 160 ? 1 : 0);
    }
    const mod = 2 ** BITS;
    const latency = ((p.drawnAt % mod) - v + mod) % mod;
    s.frames.push({ at: p.drawnAt, latency });
  };
  const origCreate = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (label, init) {
    const dc = origCreate.call(this, label, init);
    if (label === 'media') dc.addEventListener('message', (e) => { s.mediaBytes += e.data.byteLength || 0; s.bytesAt = s.bytesAt || []; });
    return dc;
  };
  document.addEventListener('click', (e) => {
    if (e.target && e.target.closest && e.target.closest('[data-testid="connect-submit"]')) s.clickAt = performance.timeOrigin + performance.now();
  }, true);
})();`;

/** Installed in the customer page: consent is auto-accepted in the benchmark only. */
export const AUTO_ACCEPT_SCRIPT = `
new MutationObserver(() => {
  const b = document.querySelector('[data-testid="consent-accept"]');
  if (b) b.click();
}).observe(document, { childList: true, subtree: true });`;
