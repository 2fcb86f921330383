import { z } from 'zod';

/**
 * Remote input, in the captured screen's pixels (the coded size of the video the agent
 * sees). The customer maps them to its own screen before injecting.
 *
 * `t` is the agent's send time (epoch ms, sub-ms precision) so the injector can report
 * input latency in benchmarks; it is never trusted for anything else.
 */
const Coord = z.number().int().min(0).max(16384);
const SentAt = z.number().finite().nonnegative().optional();

export const MODIFIERS = ['shift', 'control', 'alt', 'command'] as const;
export const Modifier = z.enum(MODIFIERS);
export type Modifier = z.infer<typeof Modifier>;

/** Key names the injector understands (robotjs names). Printable text goes as `text`. */
export const SPECIAL_KEYS = [
  'backspace', 'delete', 'enter', 'tab', 'escape', 'up', 'down', 'left', 'right',
  'home', 'end', 'pageup', 'pagedown', 'space', 'insert',
  'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10', 'f11', 'f12',
  'shift', 'control', 'alt', 'command', 'printscreen', 'menu',
] as const;
export const KeyName = z.union([z.enum(SPECIAL_KEYS), z.string().regex(/^[a-z0-9`\-=[\]\\;',./]$/)]);
export type KeyName = z.infer<typeof KeyName>;

export const MouseButton = z.enum(['left', 'right', 'middle']);
export type MouseButton = z.infer<typeof MouseButton>;

export const InputEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mouse-move'), x: Coord, y: Coord, t: SentAt }),
  z.object({ kind: z.literal('mouse-button'), x: Coord, y: Coord, button: MouseButton, down: z.boolean(), t: SentAt }),
  z.object({
    kind: z.literal('wheel'),
    x: Coord,
    y: Coord,
    dx: z.number().int().min(-100).max(100),
    dy: z.number().int().min(-100).max(100),
    t: SentAt,
  }),
  z.object({ kind: z.literal('key'), key: KeyName, down: z.boolean(), modifiers: z.array(Modifier).max(4), t: SentAt }),
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(256), t: SentAt }),
]);
export type InputEvent = z.infer<typeof InputEvent>;

const BROWSER_KEY_TO_NAME: Record<string, KeyName> = {
  Backspace: 'backspace', Delete: 'delete', Enter: 'enter', Tab: 'tab', Escape: 'escape',
  ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right',
  Home: 'home', End: 'end', PageUp: 'pageup', PageDown: 'pagedown', Insert: 'insert', ' ': 'space',
  F1: 'f1', F2: 'f2', F3: 'f3', F4: 'f4', F5: 'f5', F6: 'f6', F7: 'f7', F8: 'f8', F9: 'f9', F10: 'f10', F11: 'f11', F12: 'f12',
  Shift: 'shift', Control: 'control', Alt: 'alt', Meta: 'command', PrintScreen: 'printscreen', ContextMenu: 'menu',
};

/** The shape of a browser KeyboardEvent that matters here (kept DOM-free for `common`). */
export interface KeyLike {
  key: string;
  code: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

export function modifiersOf(e: KeyLike): Modifier[] {
  const m: Modifier[] = [];
  if (e.shiftKey) m.push('shift');
  if (e.ctrlKey) m.push('control');
  if (e.altKey) m.push('alt');
  if (e.metaKey) m.push('command');
  return m;
}

/**
 * How the agent's printable keys reach the customer's PC:
 * - `characters`: as the text the agent's layout produced ("é" arrives as "é", whatever the
 *   customer's layout); the default, right when the two layouts differ.
 * - `keys`: as the physical key pressed, with Shift, and the customer's layout decides the
 *   character (like a keyboard plugged into that PC): for games, shortcuts and dead keys.
 */
export const KEYBOARD_MODES = ['characters', 'keys'] as const;
export const KeyboardMode = z.enum(KEYBOARD_MODES);
export type KeyboardMode = z.infer<typeof KeyboardMode>;

/** Physical keys (KeyboardEvent.code) outside letters and digits, as the US layout names them. */
const CODE_TO_NAME: Record<string, KeyName> = {
  Minus: '-', Equal: '=', BracketLeft: '[', BracketRight: ']', Backslash: '\\', Semicolon: ';',
  Quote: "'", Comma: ',', Period: '.', Slash: '/', Backquote: '`', Space: 'space',
};

/** The key at `code` (letters, digits, numpad digits and US punctuation), or undefined. */
function physicalKey(code: string): KeyName | undefined {
  const m = /^(?:Key([A-Z])|Digit([0-9])|Numpad([0-9]))$/.exec(code);
  if (m) return (m[1] ?? m[2] ?? m[3] ?? '').toLowerCase();
  return CODE_TO_NAME[code];
}

/**
 * Turns a keydown/keyup into the input to send, or null for keys we do not forward.
 * In `characters` mode, printable characters typed without a command modifier travel as
 * text on keydown (so layouts and shifted symbols arrive as typed); in `keys` mode they are
 * key toggles of the physical key. Everything else is a key toggle in both modes.
 */
export function keyEventToInput(e: KeyLike, down: boolean, mode: KeyboardMode = 'characters'): InputEvent | null {
  const isCommandChord = e.ctrlKey || e.altKey || e.metaKey;
  const isPrintable = e.key.length === 1;
  if (mode === 'characters' && isPrintable && e.key !== ' ' && !isCommandChord) {
    return down ? { kind: 'text', text: e.key } : null;
  }
  // Chords such as Ctrl+C, and every printable key in `keys` mode: the physical key, so the
  // agent's layout does not matter.
  let key: KeyName | undefined = isPrintable ? physicalKey(e.code) : BROWSER_KEY_TO_NAME[e.key];
  if (!key && isPrintable) key = e.key === ' ' ? 'space' : e.key.toLowerCase();
  if (!key || !KeyName.safeParse(key).success) {
    // A character no key of the US layout makes (an IME's, say) can still be typed as text.
    return mode === 'keys' && isPrintable && !isCommandChord && down ? { kind: 'text', text: e.key } : null;
  }
  const modifiers = modifiersOf(e).filter((mod) => mod !== key);
  return { kind: 'key', key, down, modifiers };
}

/**
 * Key combinations the agent's own OS or browser would keep for itself, sent from a menu.
 * `command` is the Windows key on Windows and Linux (robotjs's name), Cmd on a Mac.
 * Windows takes Ctrl+Alt+Del only from its secure desktop, never from an app's input, so there
 * it does nothing: `task-manager` and `lock` are what it is usually pressed for.
 */
export const SHORTCUTS = {
  'ctrl-alt-del': { key: 'delete', modifiers: ['control', 'alt'] },
  'task-manager': { key: 'escape', modifiers: ['control', 'shift'] },
  lock: { key: 'l', modifiers: ['command'] },
  win: { key: 'command', modifiers: [] },
  'alt-tab': { key: 'tab', modifiers: ['alt'] },
  'print-screen': { key: 'printscreen', modifiers: [] },
} as const satisfies Record<string, { key: KeyName; modifiers: readonly Modifier[] }>;
export type Shortcut = keyof typeof SHORTCUTS;
export const SHORTCUT_NAMES = Object.keys(SHORTCUTS) as Shortcut[];

/** The key presses of a shortcut: the key down with its modifiers held, then up. */
export function shortcutInput(name: Shortcut): InputEvent[] {
  const { key, modifiers } = SHORTCUTS[name];
  return [true, false].map((down) => ({ kind: 'key', key, down, modifiers: [...modifiers] }));
}
