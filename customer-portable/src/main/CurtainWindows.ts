import { BrowserWindow, screen } from 'electron';
import type { RaiseCurtainRequest } from '@beacon/shared/ipc';
import { curtainQuery } from '../common/curtainPage.ts';
import { planCurtain, type CurtainWindow } from '../common/curtainPlan.ts';
import { secureWebPreferences } from './secureWindow.ts';

/**
 * The privacy curtain's windows: one per monitor, as common/curtainPlan.ts plans them
 * (on the monitor's bounds, above everything, kept out of screen capture, never focused, clicks
 * through to the desktop where the agent's input lands). Only the primary monitor's window has
 * the Stop button: while the pointer is over it (the page tells main), that window takes clicks,
 * so the customer can press it; everywhere else clicks go through.
 *
 * The shell decides nothing else: main/curtain.ts raises and lowers it, and hears Stop.
 */
export class CurtainWindows {
  private windows: BrowserWindow[] = [];
  private stopWindow: BrowserWindow | null = null;
  private isLowering = false;

  constructor(
    private readonly html: string,
    private readonly preloadPath: string,
    /** A curtain window closed by itself (the OS, a crash): the curtain is no longer whole. */
    private readonly onBroken: () => void,
  ) {}

  get isUp(): boolean {
    return this.windows.length > 0;
  }

  /** The window whose page may send Stop (for main's sender check), or null. */
  get stopContents(): Electron.WebContents | null {
    return this.stopWindow && !this.stopWindow.isDestroyed() ? this.stopWindow.webContents : null;
  }

  /** Raises the curtain on every monitor; false when there is no monitor. Raising it again changes nothing. */
  raise(req: RaiseCurtainRequest): boolean {
    if (this.isUp) return true;
    const plan = planCurtain(screen.getAllDisplays(), screen.getPrimaryDisplay().id);
    for (const w of plan) {
      const win = this.open(w, req);
      this.windows.push(win);
      if (w.hasStopButton) this.stopWindow = win;
    }
    return this.isUp;
  }

  /** The pointer entered or left the Stop button: only then does its window take the click. */
  pointerOverStop(isOver: boolean): void {
    if (this.stopWindow && !this.stopWindow.isDestroyed()) this.stopWindow.setIgnoreMouseEvents(!isOver, { forward: true });
  }

  /** Idempotent. Every curtain window closes. */
  lower(): void {
    this.isLowering = true;
    for (const w of this.windows.splice(0)) if (!w.isDestroyed()) w.destroy();
    this.stopWindow = null;
    this.isLowering = false;
  }

  private open(w: CurtainWindow, req: RaiseCurtainRequest): BrowserWindow {
    const win = new BrowserWindow({
      ...w.bounds,
      show: false,
      frame: w.frame,
      focusable: w.focusable,
      skipTaskbar: w.skipTaskbar,
      movable: w.movable,
      resizable: w.resizable,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      closable: false,
      hasShadow: false,
      backgroundColor: '#0f2a44',
      title: 'Beacon',
      webPreferences: secureWebPreferences(this.preloadPath),
    });
    // Kept out of the capture first, before anything is shown: the agent never sees a frame of it.
    win.setContentProtection(w.contentProtection);
    win.setAlwaysOnTop(true, w.alwaysOnTop);
    win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    // `forward`: the page still hears the pointer move, so it can tell main when it is over Stop.
    win.setIgnoreMouseEvents(w.ignoreMouseEvents, { forward: true });
    const contents = win.webContents;
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    win.once('ready-to-show', () => {
      if (!win.isDestroyed()) win.showInactive();
    });
    win.on('closed', () => {
      if (!this.isLowering && this.windows.includes(win)) this.onBroken();
    });
    void win.loadFile(this.html, { query: curtainQuery({ orgName: req.orgName, locale: req.locale, hasStopButton: w.hasStopButton }) });
    return win;
  }
}
