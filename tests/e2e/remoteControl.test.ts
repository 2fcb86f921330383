/**
 * Remote control in depth (issue 13), end to end on a real X server: key combinations the
 * agent's own OS would keep (sent from the keys menu), the keyboard mode (characters against
 * physical keys, seen through a layout that differs from the agent's), and full screen.
 * The X screen shows a page that records every key the X server gives it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { newPage } from '../harness/Browsers.ts';
import { startStage, type Stage } from '../harness/Stage.ts';
import { agentConnect, agentSignIn, clickCanvasAt, openCustomer, readDeviceCredentials, waitForFullPicture } from '../harness/flows.ts';
import { PATTERN_HTML, TEXT_BOX } from '../fixtures/pattern.ts';
import { waitFor } from '../harness/waitFor.ts';
import { query } from '../harness/db.ts';

let stage: Stage;
let screen: { context: BrowserContext; page: Page };
let customer: Page;
let agent: Page;

const SIG = { timeout: 240_000 };

interface SeenKey {
  type: 'keydown' | 'keyup';
  key: string;
  code: string;
  mods: string;
}

/** The keys the X screen's page received since the last call (and forgets them). */
async function takeKeys(): Promise<SeenKey[]> {
  return screen.page.evaluate(() => {
    const w = window as unknown as { seenKeys: SeenKey[] };
    return w.seenKeys.splice(0);
  });
}

async function waitForKey(want: { key: string; mods: string }, what: string): Promise<void> {
  let seen: SeenKey[] = [];
  await waitFor(async () => {
    seen = seen.concat(await takeKeys());
    return seen.some((k) => k.type === 'keydown' && k.key === want.key && k.mods === want.mods);
  }, `${what} reaches the X screen as ${want.mods}${want.key} (seen: ${JSON.stringify(seen)})`);
}

describe('remote control in depth, end to end', { concurrency: false }, () => {
  before(async () => {
    stage = await startStage({ screenHtml: PATTERN_HTML, preferredDisplay: 93 });
    ({ screen } = stage);
    await screen.page.evaluate(() => {
      const w = window as unknown as { seenKeys: SeenKey[] };
      w.seenKeys = [];
      for (const type of ['keydown', 'keyup'] as const) {
        document.addEventListener(
          type,
          (e) => {
            const mods = `${e.ctrlKey ? 'Ctrl+' : ''}${e.altKey ? 'Alt+' : ''}${e.shiftKey ? 'Shift+' : ''}${e.metaKey ? 'Meta+' : ''}`;
            w.seenKeys.push({ type, key: e.key, code: e.code, mods });
            // Keep the page where it is: Alt+Tab, Print Screen and the Windows key do nothing here.
            if (e.key !== 'Backspace' && e.key.length !== 1) e.preventDefault();
          },
          true,
        );
      }
    });
    customer = await openCustomer(stage.customerBrowser, stage.relay.url, stage.injector);
    agent = await newPage(stage.agentBrowser);
    await agentSignIn(agent, stage.relay.url);
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code);
    await customer.getByTestId('consent-accept').click();
    // The stream starts small until the link is measured; click once it shows the whole screen.
    await waitForFullPicture(agent);
    // Focus the text box on the X screen through the session, as an agent would.
    await clickCanvasAt(agent, TEXT_BOX.x + 100, TEXT_BOX.y + TEXT_BOX.h / 2);
    await waitFor(() => screen.page.evaluate(() => document.activeElement?.id === 'target'), 'the click focuses the text box');
  }, SIG);

  after(() => stage?.close());

  test('the keys menu sends the combinations the agent’s own OS would keep', SIG, async () => {
    await takeKeys();
    const cases: [string, { key: string; mods: string }][] = [
      ['task-manager', { key: 'Escape', mods: 'Ctrl+Shift+' }],
      ['ctrl-alt-del', { key: 'Delete', mods: 'Ctrl+Alt+' }],
      ['alt-tab', { key: 'Tab', mods: 'Alt+' }],
      ['print-screen', { key: 'PrintScreen', mods: '' }],
      // The Windows key: Chromium on X11 reports it as Meta, flagged as held from its key-up on.
      ['win', { key: 'Meta', mods: '' }],
    ];
    for (const [name, want] of cases) {
      await agent.getByTestId('keys-menu').locator('summary').click();
      await agent.getByTestId(`send-keys-${name}`).click();
      await waitForKey(want, name);
    }
    // Every key pressed was let go again: the next plain key has no modifier held.
    await agent.keyboard.press('x');
    await waitFor(async () => (await screen.page.inputValue('#target')).endsWith('x'), 'a plain key after the shortcuts types a plain x');
    // The menu names Ctrl+Alt+Del's limit on Windows in the agent's language.
    await agent.getByTestId('keys-menu').locator('summary').click();
    assert.match(await agent.getByTestId('keys-menu').innerText(), /Task Manager|任务管理器/);
    await agent.getByTestId('keys-menu').locator('summary').click();
  });

  test('full screen fills the agent’s screen with the picture and always shows the way out', SIG, async () => {
    const before = await agent.getByTestId('session-canvas').boundingBox();
    await agent.getByTestId('fullscreen').click();
    await agent.getByTestId('fullscreen-bar').waitFor({ timeout: 5000 });
    assert.equal(await agent.evaluate(() => document.fullscreenElement?.getAttribute('data-testid')), 'video-area');
    await waitFor(async () => {
      const b = await agent.getByTestId('session-canvas').boundingBox();
      return b !== null && before !== null && b.width > before.width;
    }, 'the picture grows to the full screen');
    const lock = await agent.getByTestId('fullscreen-bar').getAttribute('data-keyboard-lock');
    assert.ok(lock === 'on' || lock === 'unavailable', `keyboard lock is ${lock}`);
    assert.ok(await agent.getByTestId('fullscreen-exit').isVisible(), 'the way out is on screen');
    await agent.getByTestId('fullscreen-exit').click();
    await waitFor(() => agent.evaluate(() => document.fullscreenElement === null), 'full screen ends');
    await agent.getByTestId('fullscreen-bar').waitFor({ state: 'detached', timeout: 5000 });
  });
  test('clipboard text goes both ways through the real X clipboard, and the log keeps only its length', SIG, async () => {
    await agent.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stage.relay.url });
    const canvas = agent.getByTestId('session-canvas');
    // The customer's side: text copied on the remote PC with the agent's own Ctrl+A, Ctrl+C.
    const onCustomer = 'copied on the customer PC 客户';
    await screen.page.fill('#target', onCustomer);
    await canvas.focus();
    await agent.keyboard.press('Control+A');
    await agent.keyboard.press('Control+C');
    await waitFor(async () => (await stage.injector.clipboard.readText()) === onCustomer, 'the X clipboard holds the copied text');
    await agent.getByTestId('clipboard-menu').locator('summary').click();
    await agent.getByTestId('clipboard-fetch').click();
    await agent.locator('[data-testid="clipboard-notice"][data-key="received"]').waitFor({ timeout: 15_000 });
    assert.equal(await agent.evaluate(() => navigator.clipboard.readText()), onCustomer);
    // The customer's session bar says the agent read their clipboard.
    await customer.locator('[data-testid="bar-clipboard"][data-op="read"]').waitFor({ timeout: 10_000 });

    // The agent's side: their clipboard onto the customer's, then pasted there with Ctrl+V.
    const fromAgent = 'C:\\Users\\Public\\fix.bat';
    await agent.evaluate((text) => navigator.clipboard.writeText(text), fromAgent);
    await agent.getByTestId('clipboard-menu').locator('summary').click();
    await agent.getByTestId('clipboard-send').click();
    await agent.locator('[data-testid="clipboard-notice"][data-key="sent"]').waitFor({ timeout: 10_000 });
    await waitFor(async () => (await stage.injector.clipboard.readText()) === fromAgent, 'the X clipboard holds the agent’s text');
    await customer.locator('[data-testid="bar-clipboard"][data-op="write"]').waitFor({ timeout: 10_000 });
    await screen.page.fill('#target', '');
    await canvas.focus();
    await agent.keyboard.press('Control+V');
    await waitFor(async () => (await screen.page.inputValue('#target')) === fromAgent, 'Ctrl+V on the customer PC pastes the agent’s text');

    const rows = await query<{ actor: string; detail: string }>(stage.relay, "SELECT actor, detail FROM session_events WHERE kind = 'clipboard' ORDER BY id", []);
    assert.deepEqual(
      rows.map((r) => JSON.parse(r.detail) as unknown),
      [
        { direction: 'to-agent', kind: 'text', chars: onCustomer.length },
        { direction: 'to-customer', kind: 'text', chars: fromAgent.length },
      ],
    );
    for (const r of rows) assert.doesNotMatch(r.detail, /copied|fix\.bat/, 'the log never holds the text');
  });

  test('the keyboard mode decides whose layout makes the character, and is kept across a reload', SIG, async () => {
    await screen.page.fill('#target', '');
    const canvas = agent.getByTestId('session-canvas');
    const cdp = await agent.context().newCDPSession(agent);
    // An AZERTY keyboard: the key that prints "a" there is the US layout's Q key.
    const azertyA = async () => {
      await canvas.focus();
      for (const type of ['keyDown', 'keyUp'] as const) {
        await cdp.send('Input.dispatchKeyEvent', { type, key: 'a', code: 'KeyQ', text: type === 'keyDown' ? 'a' : '', windowsVirtualKeyCode: 65 });
      }
    };
    await azertyA();
    await waitFor(async () => (await screen.page.inputValue('#target')) === 'a', 'typing characters: the agent’s "a" arrives as "a"');
    await agent.getByTestId('keys-menu').locator('summary').click();
    await agent.getByTestId('keyboard-mode').selectOption('keys');
    await agent.getByTestId('keys-menu').locator('summary').click();
    await azertyA();
    await waitFor(async () => (await screen.page.inputValue('#target')) === 'aq', 'sending keys: the same key is Q on the customer’s US layout');
    // The choice is the agent's, kept for the next session after a reload.
    await agent.reload();
    await agent.locator('[data-testid="session-tab"][data-state="active"]').waitFor({ state: 'detached', timeout: 20_000 });
    const { deviceId, code } = await readDeviceCredentials(customer);
    await agentConnect(agent, deviceId, code);
    await customer.getByTestId('consent-accept').click();
    await agent.getByTestId('keys-menu').locator('summary').click();
    assert.equal(await agent.getByTestId('keyboard-mode').inputValue(), 'keys');
  });

});
