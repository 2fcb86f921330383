/**
 * The customer's side of the clipboard: the agent's requests (`clipboard-send` and
 * `clipboard-image` put the agent's text or image on this PC's clipboard, `clipboard-fetch` is
 * answered with this PC's clipboard text, else its image), and the automatic sync to the agent
 * where the session's `clipboard-policy` allows it, while control is on. Only through the app's
 * bridge: the browser build has none, and says so (`clipboard-unavailable`); it cannot watch
 * its clipboard either (a page may not read it unasked), so it never syncs by itself.
 */
import type { ClipboardReadResult, CustomerBridge } from '@beacon/shared/ipc';
import { base64Size, type ClipboardCtl, type ClipboardCtlFromRelay, type ClipboardPolicy, type CtlToRelay } from '@beacon/shared/protocol';
import { ClipboardWatch, ImageAssembler, imageChunks, type ClipContent } from '@beacon/shared/client/clipboardSync';

/** The clipboard was written or read (for the session bar's notice): characters of text, or bytes of an image. */
export type ClipboardUsed = (op: 'read' | 'write', size: number, kind: 'text' | 'image') => void;

let clipCounter = 0;
const newClipId = () => `clip${Date.now().toString(36)}${(++clipCounter).toString(36)}`;

export function contentOf(r: ClipboardReadResult): ClipContent | null {
  if (!r.ok) return null;
  return 'text' in r ? { kind: 'text', text: r.text } : { kind: 'image', png: r.png };
}

export class CustomerClipboard {
  private policy: ClipboardPolicy | null = null;
  private readonly incoming = new ImageAssembler();
  private readonly watch: ClipboardWatch;

  /** Whether the running session has control (set when it starts; the policy may come first). */
  private hasControl = false;

  constructor(
    private readonly sessionId: string,
    private readonly bridge: CustomerBridge | undefined,
    private readonly sendCtl: (msg: CtlToRelay) => void,
    private readonly onUsed: ClipboardUsed = () => undefined,
  ) {
    this.watch = new ClipboardWatch(
      async () => (this.bridge?.readClipboard ? contentOf(await this.bridge.readClipboard()) : null),
      (c) => this.sendContent(c, true),
    );
  }

  /** Whether this PC's clipboard follows onto the agent's by itself now. */
  get isSyncing(): boolean {
    return this.watch.isRunning;
  }

  onCtl(msg: ClipboardCtlFromRelay): void {
    switch (msg.type) {
      case 'clipboard-policy':
        this.policy = msg;
        return this.syncWatch();
      case 'clipboard-send':
      case 'clipboard-fetch':
        void this.answer(msg);
        return;
      case 'clipboard-image': {
        const png = this.incoming.take(msg);
        if (png) void this.write({ kind: 'image', png });
        return;
      }
      default:
        return;
    }
  }

  /** The session runs, with or without control. */
  controlChanged(hasControl: boolean): void {
    this.hasControl = hasControl;
    this.syncWatch();
  }

  dispose(): void {
    this.watch.stop();
  }

  /** The automatic sync runs while control is on and the session's policy allows it (and the app can read its clipboard). */
  private syncWatch(): void {
    if (this.policy?.toAgent && this.hasControl && this.bridge?.readClipboard) this.watch.start();
    else this.watch.stop();
  }

  private async answer(msg: Extract<ClipboardCtl, { type: 'clipboard-send' | 'clipboard-fetch' }>): Promise<void> {
    if (msg.type === 'clipboard-send') return this.write({ kind: 'text', text: msg.text });
    if (!this.mayUse()) return this.unavailable('read', 'no-access');
    try {
      const r = await this.bridge!.readClipboard!();
      const c = contentOf(r);
      if (!c) return this.unavailable('read', r.ok ? 'empty' : r.problem);
      this.sendContent(c, false);
    } catch (err) {
      console.warn('[beacon] clipboard request failed', err);
      this.unavailable('read', 'no-access');
    }
  }

  private async write(c: ClipContent): Promise<void> {
    if (!this.mayUse()) return this.unavailable('write', 'no-access');
    try {
      // The OS clipboard may re-encode an image (Electron's does): what it holds now is not sent back either.
      await this.watch.putArrived(c, () => this.bridge!.writeClipboard!(c.kind === 'text' ? { text: c.text } : { png: c.png }));
      this.onUsed('write', c.kind === 'text' ? c.text.length : base64Size(c.png), c.kind);
    } catch (err) {
      console.warn('[beacon] clipboard write failed', err);
      this.unavailable('write', 'no-access');
    }
  }

  /** Sends text or an image (over the session's cap: `too-large`, the agent is told to send it as a file). */
  private sendContent(c: ClipContent, auto: boolean): void {
    const { sessionId } = this;
    if (c.kind === 'text') {
      this.sendCtl({ type: 'clipboard-send', sessionId, text: c.text, ...(auto ? { auto } : {}) });
    } else {
      // Without clipboard-sync (an older relay, no policy) an image cannot go.
      if (!this.policy || base64Size(c.png) > this.policy.maxImageBytes) {
        if (!auto) this.unavailable('read', 'too-large');
        return;
      }
      for (const chunk of imageChunks(sessionId, newClipId(), c.png, auto)) this.sendCtl(chunk);
    }
    if (!auto) this.onUsed('read', c.kind === 'text' ? c.text.length : base64Size(c.png), c.kind);
  }

  private mayUse(): boolean {
    return this.hasControl && !!this.bridge?.readClipboard && !!this.bridge.writeClipboard;
  }

  private unavailable(op: 'read' | 'write', problem: 'no-access' | 'empty' | 'too-large'): void {
    this.sendCtl({ type: 'clipboard-unavailable', sessionId: this.sessionId, op, problem });
  }
}
