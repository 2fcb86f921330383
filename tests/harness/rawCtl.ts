/**
 * A way around the console for tests that send what it never would: an init script keeps the
 * agent page's `ctl` data channel reachable and collects the relay's `error` replies on it.
 */
import type { Page } from 'playwright-core';

/** Add with `page.addInitScript(CTL_HOOK)` before the console connects. */
export const CTL_HOOK = `(() => {
  const create = RTCPeerConnection.prototype.createDataChannel;
  window.__ctlErrors = [];
  RTCPeerConnection.prototype.createDataChannel = function (label, opts) {
    const dc = create.call(this, label, opts);
    if (label === 'ctl') {
      window.__ctl = dc;
      dc.addEventListener('message', (ev) => {
        const m = typeof ev.data === 'string' ? JSON.parse(ev.data) : null;
        if (m && m.type === 'error') window.__ctlErrors.push(m);
      });
    }
    return dc;
  };
})();`;

interface CtlWindow {
  __ctl: RTCDataChannel;
  __ctlErrors: { code: string }[];
}

/** Sends one raw ctl message and resolves with the relay's error reply to it (5 s at most). */
export async function sendRawCtl(page: Page, msg: unknown): Promise<{ code: string }> {
  return page.evaluate(async (m) => {
    const w = window as unknown as CtlWindow;
    const before = w.__ctlErrors.length;
    w.__ctl.send(JSON.stringify(m));
    const end = Date.now() + 5000;
    while (w.__ctlErrors.length === before && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const e = w.__ctlErrors[before];
    if (!e) throw new Error('no error reply');
    return e;
  }, msg);
}

/** Sends raw ctl messages without waiting; `ctlErrors` reads what came back so far. */
export async function sendRawCtlMessages(page: Page, msgs: readonly unknown[]): Promise<void> {
  for (const msg of msgs) await page.evaluate((m) => (window as unknown as CtlWindow).__ctl.send(JSON.stringify(m)), msg);
}

export async function ctlErrors(page: Page): Promise<{ code: string }[]> {
  return page.evaluate(() => (window as unknown as CtlWindow).__ctlErrors);
}
