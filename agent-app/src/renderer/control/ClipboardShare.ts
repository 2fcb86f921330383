/**
 * The agent's side of clipboard sharing in one session with control: sends the agent's
 * clipboard text to the customer's PC, asks for the customer's and puts it on the agent's
 * clipboard, and says what happened (an i18n key under `control.clipboard`).
 */
import { CLIPBOARD_MAX_CHARS, type ClipboardCtl, type CtlToRelay } from '@beacon/shared/protocol';

/** How long to wait for the customer's clipboard before saying it did not come. */
const FETCH_TIMEOUT_MS = 15_000;

export interface ClipboardNotice {
  /** Under `control.clipboard.` in the catalog. */
  key: string;
  chars?: number;
  /** The customer's text when this browser would not take it onto the clipboard (shown to copy by hand). */
  text?: string;
}

/** The part of the async Clipboard API used here. */
export type TextClipboard = Pick<Clipboard, 'readText' | 'writeText'>;

export class ClipboardShare {
  notice: ClipboardNotice | null = null;
  private fetchTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly sessionId: string,
    private readonly sendCtl: (msg: CtlToRelay) => boolean,
    private readonly onChange: () => void,
    private readonly clipboard: TextClipboard = navigator.clipboard,
  ) {}

  get isFetching(): boolean {
    return this.fetchTimer !== null;
  }

  /** Puts the agent's clipboard text on the customer's clipboard. */
  async sendMine(): Promise<void> {
    let text: string;
    try {
      text = await this.clipboard.readText();
    } catch {
      return this.show({ key: 'agentNoAccess' });
    }
    if (text.length === 0) return this.show({ key: 'agentEmpty' });
    if (text.length > CLIPBOARD_MAX_CHARS) return this.show({ key: 'tooLarge', chars: CLIPBOARD_MAX_CHARS });
    if (!this.sendCtl({ type: 'clipboard-send', sessionId: this.sessionId, text })) return this.show({ key: 'notSent' });
    this.show({ key: 'sent', chars: text.length });
  }

  /** Asks for the customer's clipboard text; it arrives as {@link onCtl}. */
  fetch(): void {
    if (this.isFetching) return;
    if (!this.sendCtl({ type: 'clipboard-fetch', sessionId: this.sessionId })) return this.show({ key: 'notSent' });
    this.fetchTimer = setTimeout(() => {
      this.fetchTimer = null;
      this.show({ key: 'noAnswer' });
    }, FETCH_TIMEOUT_MS);
    this.show({ key: 'fetching' });
  }

  /** The customer's answer to a fetch, or its word that a clipboard could not be used. */
  async onCtl(msg: ClipboardCtl): Promise<void> {
    if (msg.type === 'clipboard-fetch') return;
    this.stopWaiting();
    if (msg.type === 'clipboard-unavailable') return this.show({ key: `problem.${msg.op}.${msg.problem}` });
    try {
      await this.clipboard.writeText(msg.text);
      this.show({ key: 'received', chars: msg.text.length });
    } catch {
      // This browser would not take it (the page lost focus, say): show it to copy by hand.
      this.show({ key: 'receivedShown', chars: msg.text.length, text: msg.text });
    }
  }

  dismiss(): void {
    this.show(null);
  }

  dispose(): void {
    this.stopWaiting();
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
