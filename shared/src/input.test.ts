import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputEvent, keyEventToInput, type KeyLike } from './input.ts';

const key = (k: Partial<KeyLike>): KeyLike => ({ key: '', code: '', shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, ...k });

test('printable keys travel as text, including shifted symbols and CJK', () => {
  assert.deepEqual(keyEventToInput(key({ key: 'a', code: 'KeyA' }), true), { kind: 'text', text: 'a' });
  assert.deepEqual(keyEventToInput(key({ key: '!', code: 'Digit1', shiftKey: true }), true), { kind: 'text', text: '!' });
  assert.deepEqual(keyEventToInput(key({ key: '你', code: '' }), true), { kind: 'text', text: '你' });
  assert.equal(keyEventToInput(key({ key: 'a', code: 'KeyA' }), false), null);
});

test('chords use the physical key with modifiers', () => {
  assert.deepEqual(keyEventToInput(key({ key: 'c', code: 'KeyC', ctrlKey: true }), true), {
    kind: 'key', key: 'c', down: true, modifiers: ['control'],
  });
  assert.deepEqual(keyEventToInput(key({ key: 'ç', code: 'KeyC', altKey: true }), false), {
    kind: 'key', key: 'c', down: false, modifiers: ['alt'],
  });
});

test('special keys map to injector names and a modifier key does not list itself', () => {
  assert.deepEqual(keyEventToInput(key({ key: 'Enter', code: 'Enter' }), true), { kind: 'key', key: 'enter', down: true, modifiers: [] });
  assert.deepEqual(keyEventToInput(key({ key: 'Shift', code: 'ShiftLeft', shiftKey: true }), true), {
    kind: 'key', key: 'shift', down: true, modifiers: [],
  });
  assert.deepEqual(keyEventToInput(key({ key: ' ', code: 'Space' }), true), { kind: 'key', key: 'space', down: true, modifiers: [] });
  assert.equal(keyEventToInput(key({ key: 'Dead', code: 'Quote' }), true), null);
});

test('every produced event passes the wire schema', () => {
  for (const k of ['a', 'Z', '1', 'Enter', 'Tab', 'ArrowLeft', 'F5', 'Escape', 'Backspace']) {
    for (const down of [true, false]) {
      const e = keyEventToInput(key({ key: k, code: k.length === 1 ? `Key${k.toUpperCase()}` : k, ctrlKey: k === 'Z' }), down);
      if (e) assert.ok(InputEvent.safeParse(e).success, JSON.stringify(e));
    }
  }
});
