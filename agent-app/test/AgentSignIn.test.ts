/**
 * Signing in and out of the console in a real Chromium against the scripted relay
 * (FakeRelay): sign-in errors, staying signed in across a reload, signing out for good,
 * and the Chinese UI with its language switch.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AGENT, RATE_LIMITED_LOGIN, type AgentLink, type FakeRelay } from './FakeRelay.ts';
import { SIG, signIn, useConsoleStage } from './consoleStage.ts';

let relay: FakeRelay;
let browser: Browser;
let page: Page;
let link: AgentLink;

describe('agent console sign-in in Chromium', { concurrency: false }, () => {
  useConsoleStage((stage) => {
    ({ relay, browser, page } = stage);
  });

  test('sign-in errors say what to do next', SIG, async () => {
    await page.goto(`${relay.url}/`);
    await page.getByTestId('login-input').fill(AGENT.login);
    await page.getByTestId('password-input').fill('wrong password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('error-message').filter({ hasText: 'Wrong login or password' }).waitFor();
    await page.getByTestId('login-input').fill(RATE_LIMITED_LOGIN);
    await page.getByTestId('password-input').fill('x');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('error-message').filter({ hasText: 'Wait a few minutes' }).waitFor();
  });

  test('signing in opens the console, and a reload stays signed in', SIG, async () => {
    link = await signIn(page, relay);
    assert.match(await page.getByTestId('agent-name').innerText(), /Alice Chen/);
    const attempts = relay.loginAttempts;
    const relinked = relay.nextLink();
    await page.reload();
    link = await relinked;
    await page.getByTestId('device-id-input').waitFor();
    assert.equal(relay.loginAttempts, attempts, 'no new password sign-in after reload');
  });

  test('signing out returns to the sign-in form for good', SIG, async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-submit').waitFor();
    await page.reload();
    await page.getByTestId('login-submit').waitFor();
    assert.equal(await page.getByTestId('device-id-input').count(), 0);
  });

  test('the UI follows a Chinese system locale, and the switch changes it', SIG, async () => {
    const zh = await browser.newContext({ locale: 'zh-CN' });
    const p = await zh.newPage();
    await p.goto(`${relay.url}/`);
    assert.equal(await p.getByTestId('login-submit').innerText(), '登录');
    await p.getByTestId('login-input').fill(AGENT.login);
    await p.getByTestId('password-input').fill('nope');
    await p.getByTestId('login-submit').click();
    await p.getByTestId('error-message').filter({ hasText: '账号或密码错误' }).waitFor();
    await p.getByTestId('lang-en').click();
    assert.equal(await p.getByTestId('login-submit').innerText(), 'Sign in');
    await p.getByTestId('error-message').filter({ hasText: 'Wrong login or password' }).waitFor();
    await zh.close();
  });

  test('the relay saw only well-formed messages', () => {
    assert.ok(link, 'signed in at least once');
    assert.deepEqual(relay.malformed, []);
  });
});
