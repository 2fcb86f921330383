/**
 * What the customer's app answers when the agent asks for the clipboard: the text, or why it
 * sends none (text first; an image when there is no text). Shared by the Electron shell (its `clipboard` module) and the test bridge (the
 * X clipboard through xclip), so both answer alike.
 */
import { CLIPBOARD_MAX_CHARS } from '@beacon/shared/protocol';
import type { ClipboardReadResult } from '@beacon/shared/ipc';

/** The text when there is some, else the image (`png`: base64, '' for none), else `empty`. */
export function clipboardReadResult(text: string, png = ''): ClipboardReadResult {
  if (text.length === 0) return png ? { ok: true, png } : { ok: false, problem: 'empty' };
  if (text.length > CLIPBOARD_MAX_CHARS) return { ok: false, problem: 'too-large' };
  return { ok: true, text };
}
