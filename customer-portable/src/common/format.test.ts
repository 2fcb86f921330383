import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAccelerator, formatDeviceId } from './format.ts';

test('a device ID is shown in groups of three digits', () => {
  assert.equal(formatDeviceId('123456789'), '123 456 789');
  assert.equal(formatDeviceId('123 456 789'), '123 456 789');
});

test('the Stop hotkey is shown with the names on the keyboard', () => {
  assert.equal(formatAccelerator('CommandOrControl+Alt+Shift+S', false), 'Ctrl+Alt+Shift+S');
  assert.equal(formatAccelerator('CommandOrControl+Alt+Shift+S', true), '⌘+Alt+Shift+S');
});
