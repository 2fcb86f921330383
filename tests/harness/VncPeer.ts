/**
 * The VNC stack support teams use today, as a benchmark peer: x11vnc serving an X display,
 * websockify bridging it to WebSocket, and noVNC in a browser page viewing it. All three are
 * Debian packages (`x11vnc`, `websockify`, `novnc`); this module installs nothing and says
 * clearly which ones are missing.
 *
 * The viewer page is ours (so a probe can watch noVNC's canvas) and loads noVNC's own ES
 * modules, served with it from a small HTTP server on loopback.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createConnection, createServer as createTcpServer } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** Where Debian's `novnc` package puts noVNC; NOVNC_DIR overrides it. */
export const NOVNC_DIR = process.env.NOVNC_DIR ?? '/usr/share/novnc';

/** Names of the peer's parts that are not installed (empty when all are there). */
export function missingVncTools(): string[] {
  const missing: string[] = [];
  for (const tool of ['x11vnc', 'websockify']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missing.push(tool);
  }
  if (!existsSync(join(NOVNC_DIR, 'core', 'rfb.js'))) missing.push(`novnc (no core/rfb.js under ${NOVNC_DIR})`);
  return missing;
}

export interface VncPeer {
  /** The viewer page; it connects as soon as it loads. */
  viewerUrl: string;
  x11vncPid: number;
  websockifyPid: number;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createTcpServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, proc: ChildProcess, what: string, timeoutMs = 10_000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const isOpen = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host, port });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (isOpen) return;
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

const MIME: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.css': 'text/css', '.svg': 'image/svg+xml' };

function viewerHtml(wsPort: number): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
html,body{margin:0;height:100%;background:#333;overflow:hidden}#screen{width:100vw;height:100vh}
</style></head><body><div id="screen"></div><script type="module">
import RFB from '/novnc/core/rfb.js';
window.__bench.clickAt = performance.timeOrigin + performance.now();
const rfb = new RFB(document.getElementById('screen'), 'ws://127.0.0.1:${wsPort}/');
rfb.scaleViewport = true;
window.__rfb = rfb;
if (window.__probeDisplay) window.__probeDisplay(rfb._display);
if (window.__probeRfb) window.__probeRfb(rfb);
rfb.addEventListener('disconnect', (e) => { window.__vncDisconnected = e.detail; });
</script></body></html>`;
}

/** Serves the viewer page at `/` and noVNC's files under `/novnc/`, loopback only. */
async function startViewerServer(wsPort: number): Promise<{ server: Server; url: string }> {
  const root = normalize(NOVNC_DIR);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(viewerHtml(wsPort));
      return;
    }
    if (!path.startsWith('/novnc/')) {
      res.writeHead(404).end();
      return;
    }
    const file = normalize(join(root, decodeURIComponent(path.slice('/novnc/'.length))));
    if (!file.startsWith(root + sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  // `localhost`, not 127.0.0.1: the page then counts as a secure context, like the console.
  return { server, url: `http://localhost:${port}/` };
}

/** Where x11vnc runs: in a network namespace (the screen's side of a shaped link), listening on `ip` there. */
export interface VncServerPlace {
  netns: string;
  ip: string;
}

/**
 * Starts x11vnc on `display` with its defaults (polling with X DAMAGE hints, tight/zrle
 * encodings as noVNC asks), websockify in front of it, and the viewer page's server. With
 * `place`, x11vnc runs inside that network namespace and websockify (on this side) reaches it
 * across the link, so the picture crosses the link as Beacon's customer -> relay media does.
 */
export async function startVncPeer(display: string, place?: VncServerPlace): Promise<VncPeer> {
  const missing = missingVncTools();
  if (missing.length) throw new Error(`the VNC peer needs: ${missing.join(', ')}`);
  const rfbPort = await freePort();
  const rfbHost = place?.ip ?? '127.0.0.1';
  const args = ['-display', display, '-rfbport', String(rfbPort), ...(place ? ['-listen', place.ip] : ['-localhost']), '-nopw', '-forever', '-shared', '-quiet'];
  // `ip netns exec` execs x11vnc in place, so the pid is x11vnc's.
  const x11vnc = place ? spawn('ip', ['netns', 'exec', place.netns, 'x11vnc', ...args], { stdio: 'ignore' }) : spawn('x11vnc', args, { stdio: 'ignore' });
  let websockify: ChildProcess | null = null;
  let viewer: { server: Server; url: string } | null = null;
  try {
    await waitForPort(rfbPort, x11vnc, 'x11vnc', 10_000, rfbHost);
    const wsPort = await freePort();
    websockify = spawn('websockify', [`127.0.0.1:${wsPort}`, `${rfbHost}:${rfbPort}`], { stdio: 'ignore' });
    await waitForPort(wsPort, websockify, 'websockify');
    viewer = await startViewerServer(wsPort);
  } catch (err) {
    if (websockify) await stopProcess(websockify);
    await stopProcess(x11vnc);
    throw err;
  }
  const ws = websockify;
  const server = viewer.server;
  let isClosed = false;
  return {
    viewerUrl: viewer.url,
    x11vncPid: x11vnc.pid ?? 0,
    websockifyPid: ws.pid ?? 0,
    close: async () => {
      if (isClosed) return;
      isClosed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopProcess(ws);
      await stopProcess(x11vnc);
    },
  };
}
