import { BrowserWindow, screen } from 'electron';
import { secureWebPreferences } from './secureWindow.ts';

/** Messages held while the overlay page loads (a burst of strokes at most). */
const MAX_QUEUED = 200;

/**
 * The whiteboard overlay over the customer's primary screen during a session: transparent,
 * frameless, always on top, click-through and never focused, so the customer sees where the
 * agent points and still uses the PC underneath. Sandboxed, with its own preload that only
 * listens for stroke, undo and clear.
 */
export class OverlayWindow {
  readonly win: BrowserWindow;
  private isLoaded = false;
  private isClosed = false;
  private readonly queue: { channel: string; payload: unknown }[] = [];

  constructor(overlayHtml: string, preloadPath: string) {
    const { bounds } = screen.getPrimaryDisplay();
    this.win = new BrowserWindow({
      ...bounds,
      show: false,
      frame: false,
      transparent: true,
      backgroundColor: '#00000000',
      hasShadow: false,
      resizable: false,
      movable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      focusable: false,
      skipTaskbar: true,
      alwaysOnTop: true,
      title: 'Beacon',
      webPreferences: secureWebPreferences(preloadPath),
    });
    // Clicks and keys go to whatever is underneath.
    this.win.setIgnoreMouseEvents(true);
    this.win.setAlwaysOnTop(true, 'screen-saver');
    this.win.setVisibleOnAllWorkspaces(true);
    // Kept out of the screen capture where the OS allows it (Windows, macOS): the agent
    // already draws the strokes over the video, and would otherwise see them twice.
    this.win.setContentProtection(true);
    const contents = this.win.webContents;
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.once('did-finish-load', () => {
      this.isLoaded = true;
      for (const m of this.queue.splice(0)) this.send(m.channel, m.payload);
      if (!this.win.isDestroyed()) this.win.showInactive();
    });
    void this.win.loadFile(overlayHtml);
  }

  /** Forwards one parsed message to the overlay page. */
  send(channel: string, payload?: unknown): void {
    if (this.isClosed || this.win.isDestroyed()) return;
    if (!this.isLoaded) {
      if (this.queue.length < MAX_QUEUED) this.queue.push({ channel, payload });
      return;
    }
    this.win.webContents.send(channel, payload);
  }

  /** Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.queue.length = 0;
    if (!this.win.isDestroyed()) this.win.destroy();
  }
}
