/**
 * Counts the consent dialogs a customer page ever shows: a resumed session must show none.
 * Give COUNT_CONSENT_DIALOGS to the page as an init script (openCustomer's `initScripts`).
 */
import type { Page } from 'playwright-core';

export const COUNT_CONSENT_DIALOGS = `(() => {
  window.__consentDialogs = 0;
  let shown = false;
  new MutationObserver(() => {
    const now = document.querySelector('[data-testid="consent-dialog"]') !== null;
    if (now && !shown) window.__consentDialogs++;
    shown = now;
  }).observe(document, { childList: true, subtree: true });
})();`;

/** How many consent dialogs the page has shown since it loaded. */
export function consentDialogsShown(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __consentDialogs: number }).__consentDialogs);
}
