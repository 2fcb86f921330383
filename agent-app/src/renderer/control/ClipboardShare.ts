/**
 * The agent's side of the clipboard in one session with control: sends the agent's clipboard
 * (text, else a PNG image) to the customer's PC, asks for the customer's and puts it on the
 * agent's clipboard, keeps the two in step by itself in the directions the session's
 * `clipboard-policy` allows (see agentClipboard.ts for what browsers allow), and says what
 * happened (an i18n key under `control.clipboard`).
 */
import { base64Size, CLIPBOARD_MAX_CHARS, type ClipboardCtlFromRelay, type ClipboardPolicy, type CtlToRelay } from '@beacon/shared/protocol';
import { ClipboardWatch, ImageAssembler, imageChunks, type ClipContent } from '@beacon/shared/client/clipboardSync';
import { onClipboardHints, readAgentClipboard, writeAgentImage, type AgentClipboardApi } from './agentClipboard.ts';

/** How long to wait for the customer's clipboard before saying it did not come. */
const FETCH_TIMEOUT_MS = 15_000;
const MB = 1024 * 1024;

export interface ClipboardNotice {
  /** Under `control.clipboard.` in the catalog. */
  key: string;
  chars?: number;
  /** An image's size, and the session's cap, in KB and MB. */
  kb?: number;
  maxMb?: number;
  /** The customer's text when this browser would not take it onto the clipboard (shown to copy by hand). */
  text?: string;
}

let clipCounter = 0;
const newClipId = () => `clip${Date.now().toString(36)}${(++clipCounter).toString(36)}`;
const kbOf = (png: string) => Math.max(1, Math.round(base64Size(png) / 1024));

export class ClipboardShare {
  notice: ClipboardNotice | null = null;
  /** The session's rules (null until the relay said, or from a relay without clipboard-sync). */
  policy: ClipboardPolicy | null = null;
  private fetchTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly incoming = new ImageAssembler();
  private readonly watch: ClipboardWatch;
  private unhint: (() => void) | null = null;

  constructor(
    private readonly sessionId: string,
    private readonly sendCtl: (msg: CtlToRelay) => boolean,
    private readonly onChange: () => void,
    private readonly clipboard: AgentClipboardApi = navigator.clipboard,
  ) {
    // Reads only while the console has focus: the browser refuses (or prompts) otherwise.
    this.watch = new ClipboardWatch(
      async () => (document.hasFocus() ? readAgentClipboard(this.clipboard) : null),
      (c) => void this.send(c, true),
    );
  }

  get isFetching(): boolean {
    return this.fetchTimer !== null;
  }

  /** Whether the agent's clipboard follows onto the customer's by itself now. */
  get isSyncing(): boolean {
    return this.watch.isRunning;
  }

  /** Puts the agent's clipboard (text, else an image) on the customer's clipboard. */
  async sendMine(): Promise<void> {
    let c: ClipContent | null;
    try {
      c = await readAgentClipboard(this.clipboard);
    } catch {
      return this.show({ key: 'agentNoAccess' });
    }
    if (!c) return this.show({ key: 'agentEmpty' });
    this.send(c, false);
  }

  /** Asks for the customer's clipboard; it arrives as {@link onCtl}. */
  fetch(): void {
    if (this.isFetching) return;
    if (!this.sendCtl({ type: 'clipboard-fetch', sessionId: this.sessionId })) return this.show({ key: 'notSent' });
    this.fetchTimer = setTimeout(() => {
      this.fetchTimer = null;
      this.show({ key: 'noAnswer' });
    }, FETCH_TIMEOUT_MS);
    this.show({ key: 'fetching' });
  }

  /** The session's rules, the customer's clipboard (asked for, or synced), or its word that a clipboard could not be used. */
  async onCtl(msg: ClipboardCtlFromRelay): Promise<void> {
    switch (msg.type) {
      case 'clipboard-policy':
        this.policy = msg;
        return this.syncWatch();
      case 'clipboard-fetch':
        return;
      case 'clipboard-unavailable':
        this.stopWaiting();
        return this.show({ key: `problem.${msg.op}.${msg.problem}` });
      case 'clipboard-send':
        this.stopWaiting();
        return this.receiveText(msg.text);
      case 'clipboard-image': {
        const png = this.incoming.take(msg);
        if (!png) return;
        this.stopWaiting();
        return this.receiveImage(png);
      }
    }
  }

  dismiss(): void {
    this.show(null);
  }

  dispose(): void {
    this.stopWaiting();
    this.watch.stop();
    this.unhint?.();
    this.unhint = null;
  }

  private syncWatch(): void {
    if (this.policy?.toCustomer) {
      this.watch.start();
      this.unhint ??= onClipboardHints(() => this.watch.poke());
    } else {
      this.watch.stop();
      this.unhint?.();
      this.unhint = null;
    }
  }

  private send(c: ClipContent, auto: boolean): void {
    const { sessionId } = this;
    if (c.kind === 'text') {
      if (c.text.length > CLIPBOARD_MAX_CHARS) return this.show({ key: 'tooLarge', chars: CLIPBOARD_MAX_CHARS });
      if (!this.sendCtl({ type: 'clipboard-send', sessionId, text: c.text, ...(auto ? { auto } : {}) })) return this.show({ key: 'notSent' });
      return this.show({ key: auto ? 'synced' : 'sent', chars: c.text.length });
    }
    if (!this.policy) return this.show({ key: 'imageUnsupported' });
    if (base64Size(c.png) > this.policy.maxImageBytes) return this.show({ key: 'imageTooLarge', kb: kbOf(c.png), maxMb: Math.floor(this.policy.maxImageBytes / MB) });
    for (const chunk of imageChunks(sessionId, newClipId(), c.png, auto)) {
      if (!this.sendCtl(chunk)) return this.show({ key: 'notSent' });
    }
    this.show({ key: auto ? 'imageSynced' : 'imageSent', kb: kbOf(c.png) });
  }

  private async receiveText(text: string): Promise<void> {
    try {
      await this.watch.putArrived({ kind: 'text', text }, () => this.clipboard.writeText(text));
      this.show({ key: 'received', chars: text.length });
    } catch {
      // This browser would not take it (the page lost focus, say): show it to copy by hand.
      this.show({ key: 'receivedShown', chars: text.length, text });
    }
  }

  private async receiveImage(png: string): Promise<void> {
    try {
      // The browser re-encodes the PNG: what it holds now is not sent back either.
      await this.watch.putArrived({ kind: 'image', png }, () => writeAgentImage(this.clipboard, png));
      this.show({ key: 'imageReceived', kb: kbOf(png) });
    } catch {
      this.show({ key: 'imageNotWritten', kb: kbOf(png) });
    }
  }

  private stopWaiting(): void {
    if (this.fetchTimer) clearTimeout(this.fetchTimer);
    this.fetchTimer = null;
  }

  private show(notice: ClipboardNotice | null): void {
    this.notice = notice;
    this.onChange();
  }
}
