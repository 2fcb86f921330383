import { app, clipboard, desktopCapturer, globalShortcut, Menu, screen, session, type BrowserWindow, type Rectangle } from 'electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { CameraAllowedRequest, InjectInputRequest, OverlayStrokeRequest, OverlayUndoRequest, SessionStateRequest, WriteClipboardRequest, type ClipboardReadResult, type MonitorsResult, type RendererConfig } from '@beacon/shared/ipc';
import { clipboardReadResult } from '../common/clipboard.ts';
import { registerReceivedFiles } from './receivedFiles.ts';
import { hasLoopbackAudio, registerRemoteSound } from './remoteSound.ts';
import { monitorsFromDisplays } from '../common/monitors.ts';
import { CUSTOMER_IPC, OVERLAY_IPC, STOP_HOTKEY } from '@beacon/shared/ipcChannels';
import { RENDERER_CSP } from '../common/csp.ts';
import { mayGrant } from '../common/permissions.ts';
import { resolveRelayUrl } from '@beacon/shared/client/relayUrl';
import { trustedPageOf, type ValidatedIpc } from '@beacon/shared/client/ValidatedIpc';
import { pickCaptureSource } from '../node/captureSource.ts';
import type { Injector } from '../node/Injector.ts';
import { TempProfile } from '../node/TempProfile.ts';
import { CustomerWindow } from './CustomerWindow.ts';
import { registerCurtain, type CurtainControl } from './curtain.ts';
import { OverlayWindow } from './OverlayWindow.ts';
import { createValidatedIpc } from './validatedIpc.ts';

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
/** The privacy curtain page (one window per monitor) and its own preload. */
const CURTAIN_FILES = { html: join(__dirname, '../renderer/curtain.html'), preload: join(__dirname, 'curtainPreload.cjs') };
/**
 * Electron keys its single-instance lock on the userData folder, which is new on every
 * run; so the lock is taken on this fixed folder first. Not named like the profiles, so
 * the sweep never touches it.
 */
const INSTANCE_LOCK_DIR = 'beacon-instance-lock-customer';

/** What main keeps while it runs; the windows come and go. */
interface Shell {
  window: CustomerWindow | null;
  /** Exists only during a session. */
  overlay: OverlayWindow | null;
  isInSession: boolean;
  /** The customer agreed to show the camera (video guidance) and it has not gone off since. */
  isCameraAllowed: boolean;
  /** The privacy curtain's windows (main/curtain.ts); down whenever no session runs. */
  curtain: CurtainControl | null;
}

/** Takes the single-instance lock and a fresh temp profile; null when another instance runs. */
function openProfile(): TempProfile | null {
  const temp = app.getPath('temp');
  const lockDir = join(temp, INSTANCE_LOCK_DIR);
  mkdirSync(lockDir, { recursive: true });
  app.setPath('userData', lockDir);
  if (!app.requestSingleInstanceLock()) return null;
  const profile = TempProfile.create({ root: temp });
  app.setPath('userData', profile.dir);
  app.setPath('sessionData', profile.dir);
  void TempProfile.sweepStale({ root: temp, keep: profile.dir });
  process.on('exit', () => profile.disposeSync());
  return profile;
}

// robotjs loads on the first input event (a dynamic import, kept lazy by the bundler), so a
// machine where the native module cannot load still starts and shares its screen view-only.
let injector: Promise<Injector | null> | null = null;
function getInjector(): Promise<Injector | null> {
  return (injector ??= import('../node/Injector.ts').then(
    (m) => new m.Injector(),
    (err: unknown) => {
      console.error('[beacon] robotjs could not load; remote control is unavailable', err);
      return null;
    },
  ));
}

/** The session bar, the overlay and the Stop hotkey follow what the renderer says about the session. */
function setSessionState(shell: Shell, req: SessionStateRequest): void {
  const window = shell.window;
  if (!window) return;
  if (req.active && shell.isInSession) {
    window.setExpanded(req.isExpanded ?? false);
    return;
  }
  if (req.active === shell.isInSession) return;
  shell.isInSession = req.active;
  if (req.active) {
    window.enterSessionBar(req.isExpanded ?? false);
    shell.overlay ??= new OverlayWindow(OVERLAY_HTML, OVERLAY_PRELOAD);
    const ok = globalShortcut.register(STOP_HOTKEY, () => shell.window?.send(CUSTOMER_IPC.stopHotkey));
    if (!ok) console.warn(`[beacon] the Stop hotkey ${STOP_HOTKEY} is taken by another program`);
  } else {
    globalShortcut.unregister(STOP_HOTKEY);
    shell.isCameraAllowed = false;
    // The curtain comes down with the session, however it ends.
    shell.curtain?.lower();
    shell.overlay?.close();
    shell.overlay = null;
    window.exitSessionBar();
  }
}

function registerIpc(ipc: ValidatedIpc, shell: Shell, relayUrl: string): void {
  ipc.handle(CUSTOMER_IPC.getConfig, z.undefined(), (): RendererConfig => ({
    relayUrl,
    locales: app.getPreferredSystemLanguages().slice(0, 10).filter((l) => l.length <= 35),
  }));
  ipc.handle(CUSTOMER_IPC.injectInput, InjectInputRequest, async (req) => {
    // Input only while the customer sees the session bar; the renderer also drops input
    // for view-only sessions.
    if (!shell.isInSession) return;
    (await getInjector())?.inject(req);
  });
  ipc.handle(CUSTOMER_IPC.setSessionState, SessionStateRequest, (req) => setSessionState(shell, req));
  // The customer page forwards the agent's screen strokes; main passes them to the overlay
  // window only during a session (the overlay page parses them again).
  ipc.handle(CUSTOMER_IPC.overlayStroke, OverlayStrokeRequest, (req) => shell.overlay?.send(OVERLAY_IPC.stroke, req));
  ipc.handle(CUSTOMER_IPC.overlayUndo, OverlayUndoRequest, (req) => shell.overlay?.send(OVERLAY_IPC.undo, req));
  ipc.handle(CUSTOMER_IPC.overlayClear, z.undefined(), () => shell.overlay?.send(OVERLAY_IPC.clear));
  // The clipboard only during a session (the renderer also checks the control permission).
  ipc.handle(CUSTOMER_IPC.readClipboard, z.undefined(), (): ClipboardReadResult => (shell.isInSession ? clipboardReadResult(clipboard.readText()) : { ok: false, problem: 'no-access' }));
  ipc.handle(CUSTOMER_IPC.writeClipboard, WriteClipboardRequest, (req) => {
    if (shell.isInSession) clipboard.writeText(req.text);
  });
  ipc.handle(CUSTOMER_IPC.listMonitors, z.undefined(), (): MonitorsResult => listMonitors());
  ipc.handle(CUSTOMER_IPC.setCameraAllowed, CameraAllowedRequest, (req) => {
    shell.isCameraAllowed = req.allowed && shell.isInSession;
  });
  registerReceivedFiles(ipc, () => shell.isInSession);
}

/**
 * The displays, in the injector's pixels. The capture is the primary display's screen source
 * (see setDisplayMediaRequestHandler), so that is what the picture can show.
 */
function listMonitors(): MonitorsResult {
  const primary = screen.getPrimaryDisplay();
  const toScreenRect = process.platform === 'win32' ? (r: Rectangle) => screen.dipToScreenRect(null, r) : undefined;
  const monitors = monitorsFromDisplays(screen.getAllDisplays(), primary.id, process.platform, toScreenRect);
  const shown = monitors.find((m) => m.primary) ?? monitors[0]!;
  return { monitors, captured: { x: shown.x, y: shown.y, width: shown.width, height: shown.height } };
}

function main(): void {
  app.enableSandbox();
  // A malformed address is reported and skipped: the portable client still starts against the next source.
  const { url: relayUrl, rejected } = resolveRelayUrl(process.argv, process.env);
  for (const r of rejected) console.warn(`[beacon] ignoring ${r.where}: "${r.value}" is not an http(s) or ws(s) URL`);
  const profile = openProfile();
  if (!profile) {
    app.quit();
    return;
  }
  const shell: Shell = { window: null, overlay: null, isInSession: false, isCameraAllowed: false, curtain: null };
  const ipc = createValidatedIpc(() => trustedPageOf(shell.window?.win ?? null, pathToFileURL(RENDERER_HTML).href));
  registerIpc(ipc, shell, relayUrl);
  const releaseSound = registerRemoteSound(ipc, () => shell.isInSession);
  shell.curtain = registerCurtain(ipc, { isInSession: () => shell.isInSession, tellPage: (channel, payload) => shell.window?.send(channel, payload) }, CURTAIN_FILES);

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('second-instance', () => shell.window?.focus());
  app.on('window-all-closed', () => app.quit());

  let isProfileRemoved = false;
  app.on('will-quit', (e) => {
    shell.curtain?.dispose();
    globalShortcut.unregisterAll();
    shell.overlay?.close();
    shell.overlay = null;
    ipc.dispose();
    if (isProfileRemoved) return;
    // Hold the quit until the profile is gone (retrying while Chromium releases files) and the sound source is removed.
    e.preventDefault();
    void Promise.all([profile.dispose(), releaseSound()]).finally(() => {
      isProfileRemoved = true;
      app.quit();
    });
  });

  void app.whenReady().then(() => {
    // No menu: no reload, no dev tools, nothing a customer could trip over.
    Menu.setApplicationMenu(null);
    lockDownSession(() => shell.window?.win ?? null, shell);
    const window = new CustomerWindow(RENDERER_HTML, PRELOAD);
    shell.window = window;
    window.win.on('closed', () => (shell.window = null));
  });
}

function lockDownSession(getWindow: () => BrowserWindow | null, shell: Shell): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  // Audio inputs during a session; the camera only between the customer's yes and its going off (permissions.ts).
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(mayGrant({ permission, ...(mediaTypes ? { mediaTypes } : {}) }, shell));
  });
  // `media` for audio: the input labels that remote sound picks its source by (remoteSound.ts).
  ses.setPermissionCheckHandler((_contents, permission, _origin, details) => permission === 'clipboard-sanitized-write' || (permission === 'media' && details.mediaType === 'audio'));
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
        // Remote sound (remoteSound.ts): the system's loopback audio where the OS gives it.
        const audio = request.audioRequested && hasLoopbackAudio() ? { audio: 'loopback' as const } : {};
        callback(source ? { video: source, ...audio } : {});
      },
      (err: unknown) => {
        console.error('[beacon] could not list screens', err);
        callback({});
      },
    );
  });
}

main();
