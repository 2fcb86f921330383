/**
 * What the customer's app answers when the agent asks for the clipboard: the text, or why it
 * sends none. Shared by the Electron shell (its `clipboard` module) and the test bridge (the
 * X clipboard through xclip), so both answer alike.
 */
import { CLIPBOARD_MAX_CHARS } from '@beacon/shared/protocol';
import type { ClipboardReadResult } from '@beacon/shared/ipc';

export function clipboardReadResult(text: string): ClipboardReadResult {
  if (text.length === 0) return { ok: false, problem: 'empty' };
  if (text.length > CLIPBOARD_MAX_CHARS) return { ok: false, problem: 'too-large' };
  return { ok: true, text };
}
