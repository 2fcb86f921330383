import { BrowserWindow, screen, shell, type Rectangle } from 'electron';
import { BAR_SIZE, NORMAL_MIN_SIZE, NORMAL_SIZE, PANEL_SIZE, sessionBarBounds } from '../common/windowLayout.ts';
import { secureWebPreferences } from './secureWindow.ts';

/**
 * The one window of the customer app, locked down: sandboxed, isolated, no Node, no
 * navigation away from our page, no new windows. During a session it becomes a compact
 * always-on-top bar so the customer always sees who is connected and where Stop is.
 */
export class CustomerWindow {
  readonly win: BrowserWindow;
  private normalBounds: Rectangle | null = null;

  constructor(rendererHtml: string, preloadPath: string) {
    this.win = new BrowserWindow({
      ...NORMAL_SIZE,
      minWidth: NORMAL_MIN_SIZE.width,
      minHeight: NORMAL_MIN_SIZE.height,
      show: false,
      title: 'Beacon',
      backgroundColor: '#f3f5f9',
      autoHideMenuBar: true,
      webPreferences: secureWebPreferences(preloadPath),
    });
    const contents = this.win.webContents;
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    this.win.once('ready-to-show', () => this.win.show());
    void this.win.loadFile(rendererHtml);
  }

  /** Shrinks to the session bar at the top centre of the primary screen, above everything. */
  enterSessionBar(isExpanded = false): void {
    if (this.win.isDestroyed() || this.normalBounds) return;
    this.normalBounds = this.win.getBounds();
    if (this.win.isMinimized()) this.win.restore();
    this.placeBar(isExpanded);
    this.win.setResizable(false);
    this.win.setAlwaysOnTop(true, 'screen-saver');
    this.win.setVisibleOnAllWorkspaces(true);
    this.win.showInactive();
  }

  /** Opens the bar into its panel (chat, blank board) or closes it back to the bar. */
  setExpanded(isExpanded: boolean): void {
    if (this.win.isDestroyed() || !this.normalBounds) return;
    this.placeBar(isExpanded);
  }

  private placeBar(isExpanded: boolean): void {
    const size = isExpanded ? PANEL_SIZE : BAR_SIZE;
    // The bar is the page's content; the window's own frame (title bar) comes on top of it.
    const frameHeight = Math.max(0, this.win.getBounds().height - this.win.getContentBounds().height);
    const bounds = sessionBarBounds(screen.getPrimaryDisplay().workArea, { width: size.width, height: size.height + frameHeight });
    this.win.setMinimumSize(bounds.width, bounds.height);
    this.win.setBounds(bounds);
  }

  exitSessionBar(): void {
    if (this.win.isDestroyed() || !this.normalBounds) return;
    this.win.setAlwaysOnTop(false);
    this.win.setVisibleOnAllWorkspaces(false);
    this.win.setResizable(true);
    this.win.setMinimumSize(NORMAL_MIN_SIZE.width, NORMAL_MIN_SIZE.height);
    this.win.setBounds(this.normalBounds);
    this.normalBounds = null;
  }

  focus(): void {
    if (this.win.isDestroyed()) return;
    if (this.win.isMinimized()) this.win.restore();
    this.win.focus();
  }

  send(channel: string, payload?: unknown): void {
    if (!this.win.isDestroyed()) this.win.webContents.send(channel, payload);
  }
}
