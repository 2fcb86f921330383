/**
 * Who may call our IPC handlers, kept free of Electron so it is tested in plain Node: only
 * our own window's top frame, showing our own renderer page.
 */

/** The parts of an IpcMainInvokeEvent that the check reads. */
export interface InvokeEventLike {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}

export interface TrustedPage {
  /** Our window's webContents; calls from any other are refused. */
  webContents: unknown;
  /** The file:// URL of our renderer's index.html. */
  pageUrl: string;
}

/** Compares URLs without query or fragment (the page may add `?relay=` in development). */
function samePage(a: string, b: string): boolean {
  try {
    const ua = new URL(a);
    const ub = new URL(b);
    return ua.protocol === 'file:' && ua.protocol === ub.protocol && ua.host === ub.host && ua.pathname === ub.pathname;
  } catch {
    return false;
  }
}

/** Null if the caller is trusted, else why it is not (for the log line). */
export function checkSender(event: InvokeEventLike, trusted: TrustedPage | null): string | null {
  if (!trusted) return 'no window';
  if (event.sender !== trusted.webContents) return 'not our window';
  const frame = event.senderFrame;
  if (!frame) return 'frame gone';
  if (frame.parent !== null) return 'not the top frame';
  if (!samePage(frame.url, trusted.pageUrl)) return `unexpected page ${frame.url}`;
  return null;
}
