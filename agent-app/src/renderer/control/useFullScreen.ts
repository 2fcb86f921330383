/**
 * Full screen for a session's picture: the browser's Fullscreen API on the video area, and
 * the Keyboard Lock API where the browser has it, so that keys the agent's own OS or browser
 * would take (Alt+Tab, the Windows key, Esc) go to the customer's PC instead. With the lock
 * on, the browser leaves full screen when Esc is held; the view also always shows an exit.
 */
import { useCallback, useEffect, useState, type RefObject } from 'react';

/** The part of the Keyboard Lock API used here (not in TypeScript's DOM types yet). */
interface KeyboardLock {
  lock(keyCodes?: string[]): Promise<void>;
  unlock(): void;
}

/** `on`: system keys go to the remote PC; `unavailable`: this browser keeps them. */
export type KeyboardLockState = 'off' | 'on' | 'unavailable';

function keyboardLock(): KeyboardLock | null {
  const kb = (navigator as Navigator & { keyboard?: Partial<KeyboardLock> }).keyboard;
  return kb && typeof kb.lock === 'function' && typeof kb.unlock === 'function' ? (kb as KeyboardLock) : null;
}

export interface FullScreen {
  isOn: boolean;
  lock: KeyboardLockState;
  /** True after the browser refused full screen (the button then says so). */
  isRefused: boolean;
  enter(): Promise<void>;
  exit(): Promise<void>;
}

export function useFullScreen(target: RefObject<HTMLElement | null>): FullScreen {
  const [isOn, setOn] = useState(false);
  const [lock, setLock] = useState<KeyboardLockState>('off');
  const [isRefused, setRefused] = useState(false);

  useEffect(() => {
    const onChange = () => {
      const on = document.fullscreenElement !== null && document.fullscreenElement === target.current;
      setOn(on);
      if (!on) {
        keyboardLock()?.unlock();
        setLock('off');
      }
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => {
      document.removeEventListener('fullscreenchange', onChange);
      if (document.fullscreenElement !== null && document.fullscreenElement === target.current) void document.exitFullscreen().catch(() => undefined);
    };
  }, [target]);

  const enter = useCallback(async () => {
    const el = target.current;
    if (!el) return;
    try {
      await el.requestFullscreen({ navigationUI: 'hide' });
      setRefused(false);
    } catch {
      setRefused(true);
      return;
    }
    const kb = keyboardLock();
    if (!kb) return setLock('unavailable');
    try {
      await kb.lock();
      setLock('on');
    } catch {
      setLock('unavailable');
    }
  }, [target]);

  const exit = useCallback(async () => {
    if (document.fullscreenElement) await document.exitFullscreen().catch(() => undefined);
  }, []);

  return { isOn, lock, isRefused, enter, exit };
}
