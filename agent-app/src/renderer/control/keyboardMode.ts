/**
 * The agent's keyboard mode (see `KeyboardMode` in shared/input), kept in this console's
 * storage so it survives a reload and applies to every session; `characters` until chosen.
 */
import { KeyboardMode } from '@beacon/shared/input';

const STORAGE_KEY = 'beacon.keyboardMode';

export function loadKeyboardMode(): KeyboardMode {
  try {
    const r = KeyboardMode.safeParse(localStorage.getItem(STORAGE_KEY));
    return r.success ? r.data : 'characters';
  } catch {
    return 'characters'; // storage unavailable (privacy mode): the default
  }
}

export function saveKeyboardMode(mode: KeyboardMode): void {
  try {
    localStorage.setItem(STORAGE_KEY, mode);
  } catch {
    /* not kept; this session still uses it */
  }
}
