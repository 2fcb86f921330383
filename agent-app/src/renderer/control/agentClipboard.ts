/**
 * The agent browser's clipboard as the clipboard feature carries it (text, else a PNG in
 * base64), through the async Clipboard API. Browsers let a page read the clipboard only with
 * the user's permission and while it has focus (Chromium: the `clipboard-read` permission,
 * asked on first use; Firefox and Safari: only inside a paste gesture), so the automatic sync
 * reads on a timer only while the console has focus, and again on focus and copy events; what
 * the agent copies in another window goes when they come back to the console.
 */
import type { ClipContent } from '@beacon/shared/client/clipboardSync';

/** The part of the async Clipboard API used here. */
export type AgentClipboardApi = Pick<Clipboard, 'readText' | 'writeText'> & Partial<Pick<Clipboard, 'read' | 'write'>>;

async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function base64ToBlob(b64: string, type: string): Blob {
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}

/** The clipboard's text, else its PNG image, else null (empty). Throws when the browser refuses. */
export async function readAgentClipboard(clipboard: AgentClipboardApi): Promise<ClipContent | null> {
  const text = await clipboard.readText();
  if (text) return { kind: 'text', text };
  if (!clipboard.read) return null;
  for (const item of await clipboard.read()) {
    if (item.types.includes('image/png')) return { kind: 'image', png: await blobToBase64(await item.getType('image/png')) };
  }
  return null;
}

/** Puts a PNG (base64) on the clipboard. Throws when the browser refuses. */
export async function writeAgentImage(clipboard: AgentClipboardApi, png: string): Promise<void> {
  if (!clipboard.write || typeof ClipboardItem === 'undefined') throw new Error('this browser cannot put images on the clipboard');
  await clipboard.write([new ClipboardItem({ 'image/png': base64ToBlob(png, 'image/png') })]);
}

/** Calls `poke` when the console gets focus or the agent copies in it; returns the unsubscribe. */
export function onClipboardHints(poke: () => void): () => void {
  const later = () => setTimeout(poke, 50);
  window.addEventListener('focus', poke);
  document.addEventListener('copy', later);
  document.addEventListener('cut', later);
  return () => {
    window.removeEventListener('focus', poke);
    document.removeEventListener('copy', later);
    document.removeEventListener('cut', later);
  };
}
