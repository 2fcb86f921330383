import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { checkSender, ValidatedIpc, type InvokeEventLike, type IpcMainLike } from './ValidatedIpc.ts';

const webContents = { id: 1 };
const trusted = { webContents, pageUrl: 'file:///opt/Beacon%20Agent/resources/app/dist/renderer/index.html' };
const ours: InvokeEventLike = { sender: webContents, senderFrame: { url: `${trusted.pageUrl}?relay=x#top`, parent: null } };

test('accepts our top frame showing our page, whatever its query or hash', () => {
  assert.equal(checkSender(ours, trusted), null);
});

test('refuses other windows, subframes, other pages and gone frames', () => {
  assert.match(checkSender({ ...ours, sender: { id: 2 } }, trusted) ?? '', /not our window/);
  assert.match(checkSender({ ...ours, senderFrame: { url: trusted.pageUrl, parent: {} } }, trusted) ?? '', /top frame/);
  for (const url of [
    'https://evil.example/index.html',
    'http://localhost:8080/customer/index.html',
    'file:///tmp/index.html',
    'file:///opt/Beacon%20Agent/resources/app/dist/renderer/other.html',
    'file://server/opt/Beacon%20Agent/resources/app/dist/renderer/index.html',
    'about:blank',
    'not a url',
  ]) {
    assert.match(checkSender({ ...ours, senderFrame: { url, parent: null } }, trusted) ?? '', /unexpected page/, url);
  }
  assert.match(checkSender({ ...ours, senderFrame: null }, trusted) ?? '', /frame gone/);
  assert.match(checkSender(ours, null) ?? '', /no window/);
});

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEventLike, payload: unknown) => unknown>();
  handle(channel: string, listener: (event: InvokeEventLike, payload: unknown) => unknown): void {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: InvokeEventLike, payload: unknown): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) return Promise.reject(new Error('no handler'));
    return Promise.resolve(h(event, payload));
  }
}

function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => undefined;
  return fn().finally(() => (console.warn = warn));
}

test('a handler runs only with a parsed payload from our page; anything else is rejected before it runs', async () => {
  const ipcMain = new FakeIpcMain();
  const ipc = new ValidatedIpc(ipcMain, () => trusted);
  const seen: unknown[] = [];
  ipc.handle('beacon:add', z.object({ a: z.number(), b: z.number() }), (p) => {
    seen.push(p);
    return p.a + p.b;
  });
  assert.equal(await ipcMain.invoke('beacon:add', ours, { a: 1, b: 2 }), 3);
  await quietly(async () => {
    await assert.rejects(ipcMain.invoke('beacon:add', ours, { a: '1', b: 2 }), /refused \(bad payload\)/);
    await assert.rejects(ipcMain.invoke('beacon:add', ours, undefined), /bad payload/);
    await assert.rejects(ipcMain.invoke('beacon:add', { ...ours, sender: {} }, { a: 1, b: 2 }), /sender: not our window/);
  });
  assert.deepEqual(seen, [{ a: 1, b: 2 }]);
});

test('dispose removes every handler it registered', () => {
  const ipcMain = new FakeIpcMain();
  const ipc = new ValidatedIpc(ipcMain, () => trusted);
  ipc.handle('one', z.undefined(), () => 1);
  ipc.handle('two', z.undefined(), () => 2);
  ipc.dispose();
  ipc.dispose();
  assert.equal(ipcMain.handlers.size, 0);
});
