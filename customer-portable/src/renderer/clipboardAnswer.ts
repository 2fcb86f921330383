/**
 * The customer's side of the agent's clipboard requests: `clipboard-send` puts the agent's
 * text on this PC's clipboard, `clipboard-fetch` answers with this PC's clipboard text. Only
 * in a session with control and through the app's bridge (the browser build has none, and
 * says so); what could not be done is answered with `clipboard-unavailable`.
 */
import type { CustomerBridge } from '@beacon/shared/ipc';
import type { ClipboardCtl, CtlToRelay } from '@beacon/shared/protocol';

export async function answerClipboard(
  msg: Extract<ClipboardCtl, { type: 'clipboard-send' | 'clipboard-fetch' }>,
  hasControl: boolean,
  bridge: CustomerBridge | undefined,
  sendCtl: (msg: CtlToRelay) => void,
  /** The clipboard was written or read (for the session bar's notice). */
  onUsed: (op: 'read' | 'write', chars: number) => void = () => undefined,
): Promise<void> {
  const { sessionId } = msg;
  const op = msg.type === 'clipboard-send' ? 'write' : 'read';
  if (!hasControl || !bridge?.readClipboard || !bridge.writeClipboard) {
    sendCtl({ type: 'clipboard-unavailable', sessionId, op, problem: 'no-access' });
    return;
  }
  try {
    if (msg.type === 'clipboard-send') {
      await bridge.writeClipboard({ text: msg.text });
      onUsed(op, msg.text.length);
      return;
    }
    const r = await bridge.readClipboard();
    if (r.ok) onUsed(op, r.text.length);
    sendCtl(r.ok ? { type: 'clipboard-send', sessionId, text: r.text } : { type: 'clipboard-unavailable', sessionId, op, problem: r.problem });
  } catch (err) {
    console.warn('[beacon] clipboard request failed', err);
    sendCtl({ type: 'clipboard-unavailable', sessionId, op, problem: 'no-access' });
  }
}
