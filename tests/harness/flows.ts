import type { Browser, Page } from 'playwright-core';
import { newPage } from './Browsers.ts';
import { installCustomerBridge, type CustomerBridgeLog, type InjectorLike } from './CustomerBridge.ts';
import { AGENT } from './Relay.ts';

/** Opens the customer renderer (served by the relay) with the injector bridge, and waits for its ID. */
export async function openCustomer(
  browser: Browser,
  relayUrl: string,
  injector: InjectorLike,
  initScripts: string[] = [],
): Promise<Page & CustomerBridgeLog> {
  const page = await newPage(browser);
  const log = await installCustomerBridge(page, injector, relayUrl);
  for (const script of initScripts) await page.addInitScript(script);
  await page.goto(`${relayUrl}/customer/`);
  await page.getByTestId('device-id').filter({ hasText: /\d/ }).waitFor({ timeout: 20_000 });
  return Object.assign(page, log);
}

/** The ID and code exactly as the customer would read them out, once the customer shows them (after a reload it reconnects first). */
export async function readDeviceCredentials(customer: Page): Promise<{ deviceId: string; code: string }> {
  await customer.getByTestId('device-id').filter({ hasText: /\d/ }).waitFor({ timeout: 20_000 });
  await customer.getByTestId('access-code').filter({ hasText: /[A-Z0-9]/ }).waitFor({ timeout: 20_000 });
  const deviceId = (await customer.getByTestId('device-id').innerText()).replace(/\s/g, '');
  const code = (await customer.getByTestId('access-code').innerText()).replace(/\s/g, '');
  if (!/^\d{9}$/.test(deviceId) || !/^[A-Z0-9]{6}$/.test(code)) throw new Error(`customer shows ${deviceId} / ${code}`);
  return { deviceId, code };
}

export async function agentSignIn(agent: Page, relayUrl: string, creds: { login: string; password: string } = AGENT): Promise<void> {
  await agent.goto(`${relayUrl}/`);
  await agent.getByTestId('login-input').fill(creds.login);
  await agent.getByTestId('password-input').fill(creds.password);
  await agent.getByTestId('login-submit').click();
  await agent.getByTestId('device-id-input').waitFor({ timeout: 15_000 });
}

export async function agentConnect(agent: Page, deviceId: string, code: string, control = true): Promise<void> {
  await agent.getByTestId('device-id-input').fill(deviceId.replace(/(\d{3})(?=\d)/g, '$1 '));
  await agent.getByTestId('code-input').fill(code);
  const box = agent.getByTestId('control-checkbox');
  if ((await box.isChecked()) !== control) await box.setChecked(control);
  await agent.getByTestId('connect-submit').click();
}

/** One pixel of the active session's canvas, in video coordinates. */
export async function canvasPixel(agent: Page, x: number, y: number): Promise<number[]> {
  return agent.getByTestId('session-canvas').evaluate(
    (c: HTMLCanvasElement, [px, py]) => {
      const g = c.getContext('2d');
      if (!g) throw new Error('session canvas has no 2d context');
      return Array.from(g.getImageData(Math.floor(px), Math.floor(py), 1, 1).data);
    },
    [x, y] as const,
  );
}

/**
 * Waits until the active session's canvas has drawn a few frames at the full width: the
 * stream starts small until the link is measured, and pixel checks or clicks need the whole picture.
 */
export async function waitForFullPicture(agent: Page, width = 1280, timeout = 30_000): Promise<void> {
  await agent.waitForFunction(
    (w) => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="session-canvas"]');
      return Number(c?.dataset.frames ?? 0) >= 5 && c?.width === w;
    },
    width,
    { timeout },
  );
}

/** Clicks the session canvas at a point of the shown picture (`size` in video pixels), wherever the console scaled it to. */
export async function clickCanvasAt(agent: Page, x: number, y: number, size: { width: number; height: number } = { width: 1280, height: 720 }): Promise<void> {
  const box = await agent.getByTestId('session-canvas').boundingBox();
  if (!box) throw new Error('the session canvas is not shown');
  await agent.mouse.click(box.x + ((x + 0.5) * box.width) / size.width, box.y + ((y + 0.5) * box.height) / size.height);
}
