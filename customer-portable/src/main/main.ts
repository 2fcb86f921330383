import { app, desktopCapturer, globalShortcut, Menu, screen, session, type BrowserWindow } from 'electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { InjectInputRequest, OverlayStrokeRequest, OverlayUndoRequest, SessionStateRequest, type RendererConfig } from '@beacon/shared/ipc';
import { CUSTOMER_IPC, OVERLAY_IPC, STOP_HOTKEY } from '@beacon/shared/ipcChannels';
import { RENDERER_CSP } from '../common/csp.ts';
import { resolveRelayUrl } from '../common/relayUrl.ts';
import { pickCaptureSource } from '../node/captureSource.ts';
import type { Injector } from '../node/Injector.ts';
import { TempProfile } from '../node/TempProfile.ts';
import { CustomerWindow } from './CustomerWindow.ts';
import { OverlayWindow } from './OverlayWindow.ts';
import { ValidatedIpc } from './validatedIpc.ts';

/**
 * Electron main for the portable customer client. Thin on purpose: window, screen source,
 * robotjs, temp profile. Everything else runs (and is tested) in the renderer or src/node.
 * Bundled to dist/electron/main.cjs; the renderer build sits in dist/renderer.
 */
const RENDERER_HTML = join(__dirname, '../renderer/index.html');
const PRELOAD = join(__dirname, 'preload.cjs');
/** The whiteboard overlay page (a second page of the renderer build) and its own preload. */
const OVERLAY_HTML = join(__dirname, '../renderer/overlay.html');
const OVERLAY_PRELOAD = join(__dirname, 'overlayPreload.cjs');
/**
 * Electron keys its single-instance lock on the userData folder, which is new on every
 * run; so the lock is taken on this fixed folder first. Not named like the profiles, so
 * the sweep never touches it.
 */
const INSTANCE_LOCK_DIR = 'beacon-instance-lock-customer';

function main(): void {
  app.enableSandbox();
  const relayUrl = resolveRelayUrl(process.argv, process.env, (m) => console.warn(`[beacon] ${m}`));

  const temp = app.getPath('temp');
  const lockDir = join(temp, INSTANCE_LOCK_DIR);
  mkdirSync(lockDir, { recursive: true });
  app.setPath('userData', lockDir);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  const profile = TempProfile.create({ root: temp });
  app.setPath('userData', profile.dir);
  app.setPath('sessionData', profile.dir);
  void TempProfile.sweepStale({ root: temp, keep: profile.dir });
  process.on('exit', () => profile.disposeSync());

  let window: CustomerWindow | null = null;
  /** Exists only during a session. */
  let overlay: OverlayWindow | null = null;
  let isInSession = false;
  // robotjs loads on the first input event (a dynamic import, kept lazy by the bundler), so a
  // machine where the native module cannot load still starts and shares its screen view-only.
  let injector: Promise<Injector | null> | null = null;
  const getInjector = (): Promise<Injector | null> =>
    (injector ??= import('../node/Injector.ts').then(
      (m) => new m.Injector(),
      (err: unknown) => {
        console.error('[beacon] robotjs could not load; remote control is unavailable', err);
        return null;
      },
    ));

  const ipc = new ValidatedIpc(() => window?.win ?? null, pathToFileURL(RENDERER_HTML).href);

  ipc.handle(CUSTOMER_IPC.getConfig, z.undefined(), (): RendererConfig => ({
    relayUrl,
    locales: app.getPreferredSystemLanguages().slice(0, 10).filter((l) => l.length <= 35),
  }));

  ipc.handle(CUSTOMER_IPC.injectInput, InjectInputRequest, async (req) => {
    // Input only while the customer sees the session bar; the renderer also drops input
    // for view-only sessions.
    if (!isInSession) return;
    (await getInjector())?.inject(req);
  });

  ipc.handle(CUSTOMER_IPC.setSessionState, SessionStateRequest, (req) => {
    if (!window) return;
    if (req.active && isInSession) {
      window.setExpanded(req.isExpanded ?? false);
      return;
    }
    if (req.active === isInSession) return;
    isInSession = req.active;
    if (req.active) {
      window.enterSessionBar(req.isExpanded ?? false);
      overlay ??= new OverlayWindow(OVERLAY_HTML, OVERLAY_PRELOAD);
      const ok = globalShortcut.register(STOP_HOTKEY, () => window?.send(CUSTOMER_IPC.stopHotkey));
      if (!ok) console.warn(`[beacon] the Stop hotkey ${STOP_HOTKEY} is taken by another program`);
    } else {
      globalShortcut.unregister(STOP_HOTKEY);
      overlay?.close();
      overlay = null;
      window.exitSessionBar();
    }
  });

  // The customer page forwards the agent's screen strokes; main passes them to the overlay
  // window only during a session (the overlay page parses them again).
  ipc.handle(CUSTOMER_IPC.overlayStroke, OverlayStrokeRequest, (req) => overlay?.send(OVERLAY_IPC.stroke, req));
  ipc.handle(CUSTOMER_IPC.overlayUndo, OverlayUndoRequest, (req) => overlay?.send(OVERLAY_IPC.undo, req));
  ipc.handle(CUSTOMER_IPC.overlayClear, z.undefined(), () => overlay?.send(OVERLAY_IPC.clear));

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('second-instance', () => window?.focus());
  app.on('window-all-closed', () => app.quit());

  let isProfileRemoved = false;
  app.on('will-quit', (e) => {
    globalShortcut.unregisterAll();
    overlay?.close();
    overlay = null;
    ipc.dispose();
    if (isProfileRemoved) return;
    // Hold the quit until the profile is gone (retrying while Chromium releases files).
    e.preventDefault();
    void profile.dispose().finally(() => {
      isProfileRemoved = true;
      app.quit();
    });
  });

  void app.whenReady().then(() => {
    // No menu: no reload, no dev tools, nothing a customer could trip over.
    Menu.setApplicationMenu(null);
    lockDownSession(() => window?.win ?? null);
    window = new CustomerWindow(RENDERER_HTML, PRELOAD);
    window.win.on('closed', () => (window = null));
  });
}

function lockDownSession(getWindow: () => BrowserWindow | null): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permission === 'display-capture' || permission === 'clipboard-sanitized-write');
  });
  ses.setPermissionCheckHandler((_contents, permission) => permission === 'clipboard-sanitized-write');
  // getDisplayMedia in the renderer gets the primary screen without a picker: the customer
  // already consented in our own dialog.
  ses.setDisplayMediaRequestHandler((request, callback) => {
    const win = getWindow();
    if (!win || win.isDestroyed() || request.frame !== win.webContents.mainFrame) {
      console.warn('[beacon] refused screen capture for a frame that is not our page');
      callback({});
      return;
    }
    desktopCapturer.getSources({ types: ['screen'], thumbnailSize: { width: 0, height: 0 } }).then(
      (sources) => {
        const source = pickCaptureSource(sources, screen.getPrimaryDisplay().id);
        if (!source) console.error('[beacon] no screen to capture');
        callback(source ? { video: source } : {});
      },
      (err: unknown) => {
        console.error('[beacon] could not list screens', err);
        callback({});
      },
    );
  });
}

main();
