/**
 * The Electron shell of the agent console, kept thin: one sandboxed window showing the
 * renderer build, locked down (no navigation, no new windows, few permissions), and one
 * IPC call that hands the renderer its config. Everything else lives in the renderer.
 */
import { AGENT_IPC, type RendererConfig } from '@beacon/shared/ipc';
import { BrowserWindow, app, dialog, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { resolveRelayUrl } from '@beacon/shared/client/relayUrl';
import { trustedPageOf } from '@beacon/shared/client/ValidatedIpc';
import { createValidatedIpc } from './validatedIpc.ts';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self' ws: wss: http: https:; object-src 'none'; base-uri 'none'";
const ALLOWED_PERMISSIONS = new Set<string>(['clipboard-read', 'clipboard-sanitized-write', 'notifications']);

// Bundled to dist/electron/main.cjs; the renderer build sits next to it.
const RENDERER_HTML = path.join(__dirname, '../renderer/index.html');
const RENDERER_URL = pathToFileURL(RENDERER_HTML).toString();
const PRELOAD = path.join(__dirname, 'preload.cjs');

app.enableSandbox();

let mainWindow: BrowserWindow | null = null;

function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  console[level](JSON.stringify({ level, msg, ...fields }));
}

function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function lockDown(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  ses.setPermissionRequestHandler((_wc, permission, callback) => {
    const isAllowed = ALLOWED_PERMISSIONS.has(permission);
    if (!isAllowed) log('warn', 'permission denied', { permission });
    callback(isAllowed);
  });
  ses.setPermissionCheckHandler((_wc, permission) => ALLOWED_PERMISSIONS.has(permission));
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      event.preventDefault();
      log('warn', 'navigation refused', { url });
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isHttpUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'Beacon Agent',
    backgroundColor: '#111a24',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadFile(RENDERER_HTML);
  return win;
}

function main(): void {
  const relay = resolveRelayUrl(process.argv, process.env);
  // A bad address is refused, not replaced: a typo in a shortcut must not connect elsewhere.
  const rejected = relay.rejected[0];
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });

  const ipc = createValidatedIpc(() => trustedPageOf(mainWindow, RENDERER_URL));
  ipc.handle(AGENT_IPC.getConfig, z.undefined(), (): RendererConfig => ({
    relayUrl: rejected ? '' : relay.url,
    locales: app.getPreferredSystemLanguages().slice(0, 10),
  }));

  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(() => {
    if (rejected) {
      dialog.showErrorBox(
        'Beacon Agent',
        `The relay address "${rejected.value}" (from ${rejected.where}) is not an http(s) URL.\n` +
          'Start the console with --relay=https://your-relay, or fix BEACON_RELAY_URL.',
      );
      app.quit();
      return;
    }
    log('info', 'agent console starting', { relay: relay.url, source: relay.source });
    lockDown();
    mainWindow = createWindow();
  });
}

main();
