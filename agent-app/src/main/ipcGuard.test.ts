import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSender } from './ipcGuard.ts';

const webContents = { id: 1 };
const trusted = { webContents, pageUrl: 'file:///opt/Beacon%20Agent/resources/app/dist/renderer/index.html' };
const ours = { sender: webContents, senderFrame: { url: `${trusted.pageUrl}?relay=x`, parent: null } };

test('accepts our top frame showing our page', () => {
  assert.equal(checkSender(ours, trusted), null);
});

test('refuses other windows, subframes, other pages and vanished frames', () => {
  assert.match(checkSender({ ...ours, sender: { id: 2 } }, trusted) ?? '', /not our window/);
  assert.match(checkSender({ ...ours, senderFrame: { url: trusted.pageUrl, parent: {} } }, trusted) ?? '', /top frame/);
  assert.match(checkSender({ ...ours, senderFrame: { url: 'https://evil.example/index.html', parent: null } }, trusted) ?? '', /unexpected page/);
  assert.match(checkSender({ ...ours, senderFrame: { url: 'file:///tmp/index.html', parent: null } }, trusted) ?? '', /unexpected page/);
  assert.match(checkSender({ ...ours, senderFrame: { url: 'not a url', parent: null } }, trusted) ?? '', /unexpected page/);
  assert.match(checkSender({ ...ours, senderFrame: null }, trusted) ?? '', /frame gone/);
  assert.match(checkSender(ours, null) ?? '', /no window/);
});
