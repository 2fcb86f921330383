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
 * Turns a keydown/keyup into the input to send, or null for keys we do not forward.
 * Printable characters typed without a command modifier travel as text on keydown
 * (so layouts and shifted symbols arrive as typed); everything else is a key toggle.
 */
export function keyEventToInput(e: KeyLike, down: boolean): InputEvent | null {
  const isCommandChord = e.ctrlKey || e.altKey || e.metaKey;
  if (e.key.length === 1 && e.key !== ' ' && !isCommandChord) {
    return down ? { kind: 'text', text: e.key } : null;
  }
  let key: KeyName | undefined = BROWSER_KEY_TO_NAME[e.key];
  if (!key) {
    // Chords such as Ctrl+C: use the physical key so the layout's symbol does not matter.
    const m = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(e.code);
    if (m) key = (m[1] ?? m[2] ?? '').toLowerCase();
    else if (e.key.length === 1) key = e.key.toLowerCase();
  }
  if (!key || !KeyName.safeParse(key).success) return null;
  const modifiers = modifiersOf(e).filter((mod) => mod !== key);
  return { kind: 'key', key, down, modifiers };
}
