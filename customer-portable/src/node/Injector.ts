import robotjs from 'robotjs';
import type { InjectInputRequest } from '@beacon/shared/ipc';
import { frameToDesktop } from '../common/monitors.ts';

/**
 * Turns the agent's input into real mouse and keyboard events on this PC, with robotjs.
 *
 * Coordinates arrive in the pixels of the video the agent sees (the captured frame). The frame
 * shows the request's `region` of the desktop (the agent's monitor choice, offsets included),
 * or, without one, the primary screen; possibly scaled, so they are scaled back here.
 *
 * Wheel deltas follow the browser's convention (positive `dy` scrolls down, positive `dx`
 * scrolls right, in notches); robotjs counts the other way round on every platform.
 */
export type Robot = Pick<
  typeof import('robotjs'),
  'getScreenSize' | 'moveMouse' | 'mouseToggle' | 'scrollMouse' | 'keyToggle' | 'typeString' | 'setMouseDelay' | 'setKeyboardDelay'
>;

export interface InjectTiming {
  kind: InjectInputRequest['event']['kind'];
  /** When the event reached the OS, epoch ms with sub-ms precision. */
  injectedAt: number;
  /** The agent's send time, when it gave one (for input-latency benchmarks). */
  sentAt?: number;
}

export interface ScreenPoint {
  x: number;
  y: number;
}

/** Scales a point in a frame of `frame` size to a screen of `screen` size, clamped onto the screen. */
export function frameToScreen(
  p: ScreenPoint,
  frame: { width: number; height: number },
  screen: { width: number; height: number },
): ScreenPoint {
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max - 1);
  return {
    x: clamp(Math.round((p.x * screen.width) / frame.width), screen.width),
    y: clamp(Math.round((p.y * screen.height) / frame.height), screen.height),
  };
}

const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * robotjs talks to the display named by DISPLAY (on X11) when it first needs it, so set
 * DISPLAY before importing this module. The Electron main process imports it lazily, on the
 * first input event, so the app starts even where the native module cannot load.
 */
export class Injector {
  constructor(private readonly robot: Robot = robotjs) {
    // robotjs sleeps 10 ms after every mouse and key event by default; remote input
    // must reach the OS as soon as it arrives.
    robot.setMouseDelay(0);
    robot.setKeyboardDelay(0);
  }

  /** Same as `new Injector()`; kept for callers written against the earlier async loader. */
  static load(): Promise<Injector> {
    return Promise.resolve(new Injector());
  }

  inject(req: InjectInputRequest): InjectTiming {
    const { event } = req;
    const frame = { width: req.frameWidth, height: req.frameHeight };
    const moveTo = (p: ScreenPoint) => {
      const s = req.region ? frameToDesktop(p, frame, req.region) : frameToScreen(p, frame, this.robot.getScreenSize());
      this.robot.moveMouse(s.x, s.y);
    };
    switch (event.kind) {
      case 'mouse-move':
        moveTo(event);
        break;
      case 'mouse-button':
        moveTo(event);
        this.robot.mouseToggle(event.down ? 'down' : 'up', event.button);
        break;
      case 'wheel':
        moveTo(event);
        this.robot.scrollMouse(-event.dx, -event.dy);
        break;
      case 'key':
        this.robot.keyToggle(event.key, event.down ? 'down' : 'up', event.modifiers);
        break;
      case 'text':
        this.robot.typeString(event.text);
        break;
    }
    const timing: InjectTiming = { kind: event.kind, injectedAt: epochNow() };
    if (event.t !== undefined) timing.sentAt = event.t;
    return timing;
  }
}
