/**
 * The stage of the back-office story (BackOffice.test.ts): the seats and names it uses, a real
 * relay started unconfigured, Chromium, and the steps several tests take (sign in, add a seat,
 * sign in over the API, screenshots).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startRelay, type RelayProcess } from '../../tests/harness/Relay.ts';
import { ensureConsoleBuilt } from './consoleBuild.ts';
import type { ScriptedCustomer } from './ScriptedPeers.ts';

const CHROMIUM = process.env.BEACON_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = process.env.BEACON_SCREENSHOT_DIR ?? '';
export const SIG = { timeout: 90_000 };
export const TZ = 'Asia/Shanghai';
export const ORG = 'Acme AV Support';
export const OWNER = { login: 'wangfang', name: 'Wang Fang', password: 'owner password 1' };
export const AGENT = { login: 'lilei', name: 'Li Lei', password: 'agent password 1' };
export const MANAGER = { login: 'zhaomin', name: 'Zhao Min', password: 'manager password 1' };
export const HAN = { login: 'hanmeimei', name: 'Han Meimei', password: 'han password 1' };
export const GROUP = 'Live shows';

export const seatRow = (p: Page, login: string) => p.locator(`[data-testid="seat-row"][data-login="${login}"]`);
export const todayInTz = () => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());

/** Adds a directory customer from the Customers page; resolves with its id. */
export async function createCustomer(page: Page, fields: Record<string, string>, isStarred: boolean): Promise<number> {
  await page.getByTestId('customer-new').click();
  for (const [k, v] of Object.entries(fields)) await page.getByTestId(`customer-${k}-input`).fill(v);
  if (isStarred) await page.getByTestId('customer-starred-checkbox').check();
  await page.getByTestId('customer-save').click();
  await page.waitForURL(/#\/customers\/\d+$/);
  return Number(/(\d+)$/.exec(page.url())?.[1]);
}

/** Types the scripted customer's ID and current code into the connect form. */
export async function fillDevice(page: Page, customer: ScriptedCustomer): Promise<void> {
  await page.getByTestId('device-id-input').fill(customer.deviceId);
  await page.getByTestId('code-input').fill(customer.currentCode());
}

/** Sends the connect form; resolves with the consent request the scripted customer got for it. */
export async function submitConnect(page: Page, customer: ScriptedCustomer) {
  const from = customer.received.length;
  await page.getByTestId('connect-submit').click();
  return customer.consentRequest(from);
}

export class BackOfficeStage {
  private readonly contexts: BrowserContext[] = [];

  private constructor(
    readonly relay: RelayProcess,
    private readonly browser: Browser,
  ) {}

  static async start(): Promise<BackOfficeStage> {
    await ensureConsoleBuilt();
    // No seeded account: the relay starts unconfigured and prints its setup link.
    const relay = await startRelay({ BEACON_AGENT_LOGIN: '', BEACON_AGENT_PASSWORD: '', BEACON_AGENT_NAME: '' });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    return new BackOfficeStage(relay, browser);
  }

  async newPage(locale: 'en-US' | 'zh-CN' = 'en-US'): Promise<Page> {
    const context = await this.browser.newContext({ locale, timezoneId: TZ, viewport: { width: 1360, height: 900 }, acceptDownloads: true });
    this.contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('[page error]', err));
    return page;
  }

  async shot(page: Page, name: string): Promise<void> {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    // The console scrolls inside its page area: let the document grow instead, for a full-page picture.
    const style = await page.addStyleTag({ content: '.console { height: auto !important; min-height: 100%; } .page-scroll { overflow: visible !important; }' });
    await page.waitForTimeout(300); // let charts measure their width and lists settle
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    await style.evaluate((el) => el.parentNode?.removeChild(el));
  }

  /** With BEACON_SCREENSHOT_DIR: the other back-office pages, a customer and the connect form, in Chinese. */
  async shotChinesePages(zh: Page, customerId: number): Promise<void> {
    if (!SHOTS) return;
    for (const [nav, name] of [['nav-admin-seats', 'zh-seats'], ['nav-admin-audit', 'zh-audit'], ['nav-admin-settings', 'zh-settings'], ['nav-customers', 'zh-customers-list']] as const) {
      await zh.getByTestId(nav).click();
      await this.shot(zh, name);
    }
    await zh.goto(`${this.relay.url}/#/customers/${customerId}`);
    await zh.getByTestId('customer-history-row').first().waitFor();
    await this.shot(zh, 'zh-customers');
    await zh.getByTestId('nav-sessions').click();
    await this.shot(zh, 'zh-connect');
  }

  async signIn(page: Page, who: { login: string; password: string }): Promise<void> {
    await page.goto(`${this.relay.url}/`);
    await page.getByTestId('login-input').fill(who.login);
    await page.getByTestId('password-input').fill(who.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('sign-out').waitFor();
  }

  async createSeat(page: Page, seat: { login: string; name: string; password: string }, role: string, limit: string): Promise<void> {
    await page.getByTestId('seat-create-open').click();
    await page.getByTestId('seat-create-name').fill(seat.name);
    await page.getByTestId('seat-create-login').fill(seat.login);
    await page.getByTestId('seat-create-role').selectOption(role);
    await page.locator(`[data-testid="seat-create-group"][data-group-name="${GROUP}"]`).check();
    await page.getByTestId('seat-create-limit').fill(limit);
    await page.getByTestId('seat-create-password').fill(seat.password);
    await page.getByTestId('seat-create-submit').click();
    await seatRow(page, seat.login).waitFor();
  }

  /** A sign-in straight against the API, as another browser or computer of the seat would. */
  async apiLogin(login: string, password: string): Promise<{ status: number; token: string | null }> {
    const res = await fetch(`${this.relay.url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }) });
    const body = (await res.json()) as { token?: string };
    return { status: res.status, token: body.token ?? null };
  }

  async close(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
    await this.browser.close();
    await this.relay.stop();
  }
}
