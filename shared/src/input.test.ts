import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputEvent, SHORTCUT_NAMES, keyEventToInput, shortcutInput, type KeyLike } from './input.ts';

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

test('in keys mode a printable key is the physical key, so the customer layout decides the character', () => {
  // An AZERTY agent presses the key that says "a" on their keyboard: it is KeyQ.
  assert.deepEqual(keyEventToInput(key({ key: 'a', code: 'KeyQ' }), true, 'keys'), { kind: 'key', key: 'q', down: true, modifiers: [] });
  assert.deepEqual(keyEventToInput(key({ key: 'a', code: 'KeyQ' }), false, 'keys'), { kind: 'key', key: 'q', down: false, modifiers: [] });
  // Shift travels as a modifier instead of being folded into the character.
  assert.deepEqual(keyEventToInput(key({ key: '!', code: 'Digit1', shiftKey: true }), true, 'keys'), { kind: 'key', key: '1', down: true, modifiers: ['shift'] });
  assert.deepEqual(keyEventToInput(key({ key: 'й', code: 'KeyQ' }), true, 'keys'), { kind: 'key', key: 'q', down: true, modifiers: [] });
  assert.deepEqual(keyEventToInput(key({ key: 'ü', code: 'BracketLeft' }), true, 'keys'), { kind: 'key', key: '[', down: true, modifiers: [] });
  assert.deepEqual(keyEventToInput(key({ key: '7', code: 'Numpad7' }), true, 'keys'), { kind: 'key', key: '7', down: true, modifiers: [] });
  // A character with no physical key of its own (an IME's) is typed as text.
  assert.deepEqual(keyEventToInput(key({ key: '你', code: '' }), true, 'keys'), { kind: 'text', text: '你' });
  assert.equal(keyEventToInput(key({ key: '你', code: '' }), false, 'keys'), null);
  // Non-printable keys are the same in both modes.
  assert.deepEqual(keyEventToInput(key({ key: 'Enter', code: 'Enter' }), true, 'keys'), keyEventToInput(key({ key: 'Enter', code: 'Enter' }), true));
});

test('every shortcut is a press and a release the wire schema accepts', () => {
  for (const name of SHORTCUT_NAMES) {
    const events = shortcutInput(name);
    assert.equal(events.length, 2);
    assert.deepEqual(events.map((e) => e.kind === 'key' && e.down), [true, false]);
    for (const e of events) assert.ok(InputEvent.safeParse(e).success, `${name}: ${JSON.stringify(e)}`);
  }
  assert.deepEqual(shortcutInput('task-manager')[0], { kind: 'key', key: 'escape', down: true, modifiers: ['control', 'shift'] });
});
