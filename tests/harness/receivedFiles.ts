/**
 * The customer's file writer as the Electron preload offers it, for end-to-end tests: every file
 * in page memory, each write optionally slowed (a disk), so a transfer is seen moving; and what
 * it holds, read back with its SHA-256.
 */
import type { Page } from 'playwright-core';

/**
 * The customer's file writer, as the Electron preload offers it: every file in page memory,
 * each write a little slow (a disk), so a transfer is seen moving.
 */
export const RECEIVED_FILES_BRIDGE = `
  (() => {
    const files = (window.__received = {});
    const b = window.beaconCustomer;
    b.openReceivedFile = async ({ transferId, name, size }) => {
      files[transferId] = { name, size, parts: [], finished: false, aborted: false };
      return { ok: true, label: 'Test folder/' + name };
    };
    b.writeReceivedFile = async ({ transferId, offset, data }) => {
      if (window.__writeDelayMs) await new Promise((r) => setTimeout(r, window.__writeDelayMs));
      const f = files[transferId];
      f.parts.push({ offset, data: data.slice() });
    };
    b.finishReceivedFile = async ({ transferId }) => void (files[transferId].finished = true);
    b.abortReceivedFile = async ({ transferId }) => void (files[transferId].aborted = true);
  })();
`;

export interface Received {
  name: string;
  size: number;
  length: number;
  inOrder: boolean;
  sha256: string;
  finished: boolean;
  aborted: boolean;
}

/** What the customer's writer holds: for each file (of this name, if given) its length, order and SHA-256. */
function inspect(page: Page, name: string | null): Promise<Received[]> {
  return page.evaluate(async (wanted) => {
    const files = (window as unknown as { __received: Record<string, { name: string; size: number; parts: { offset: number; data: Uint8Array }[]; finished: boolean; aborted: boolean }> }).__received;
    const out: Received[] = [];
    for (const f of Object.values(files)) {
      if (wanted !== null && f.name !== wanted) continue;
      const all = new Uint8Array(f.parts.reduce((n, p) => n + p.data.byteLength, 0));
      let at = 0;
      let inOrder = true;
      for (const p of f.parts) {
        if (p.offset !== at) inOrder = false;
        all.set(p.data, at);
        at += p.data.byteLength;
      }
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
      const sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
      out.push({ name: f.name, size: f.size, length: at, inOrder, sha256, finished: f.finished, aborted: f.aborted });
    }
    return out;
  }, name);
}

/** The file of this name the customer's writer holds, or null. */
export async function received(page: Page, name: string): Promise<Received | null> {
  return (await inspect(page, name))[0] ?? null;
}

/** Every file the customer's writer finished. */
export async function receivedAll(page: Page): Promise<Received[]> {
  return (await inspect(page, null)).filter((f) => f.finished);
}

/** Slows each write of the customer's writer by `ms` (0: as fast as it goes). */
export async function setWriteDelay(customer: Page, ms: number): Promise<void> {
  await customer.evaluate((d) => void ((window as unknown as { __writeDelayMs: number }).__writeDelayMs = d), ms);
}

/** Drops what the writer holds (a large file is checked and then let go, so the page does not keep it). */
export async function forgetReceived(customer: Page): Promise<void> {
  await customer.evaluate(() => {
    const files = (window as unknown as { __received: Record<string, unknown> }).__received;
    for (const k of Object.keys(files)) delete files[k];
  });
}
