/**
 * Turns the agent's mouse, wheel and keyboard on a session's canvas into protocol input
 * events in the customer's video pixels. Only created for sessions with control.
 */
import { keyEventToInput, type InputEvent, shortcutInput, type KeyboardMode, type KeyName, type MouseButton, type Shortcut } from '@beacon/shared/input';
import { clientToVideo, wheelNotches, type VideoPoint } from '../common/coords.ts';
import { now } from './clock.ts';

/** PointerEvent.buttons bits -> protocol buttons. */
const BUTTON_BITS: readonly (readonly [number, MouseButton])[] = [
  [1, 'left'],
  [2, 'right'],
  [4, 'middle'],
];

export class InputController {
  private readonly abort = new AbortController();
  private pendingMove: VideoPoint | null = null;
  private moveFrame = 0;
  private buttonsDown = 0;
  /** Where the pointer last was, for button releases that happen without a position. */
  private lastPoint: VideoPoint | null = null;
  private readonly keysDown = new Set<KeyName>();
  private isDisposed = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly getVideoSize: () => { width: number; height: number },
    private readonly send: (event: InputEvent) => void,
    private readonly keyboardMode: () => KeyboardMode = () => 'characters',
  ) {
    const opts = { signal: this.abort.signal };
    canvas.addEventListener('pointermove', (e) => this.onPointerMove(e), opts);
    canvas.addEventListener('pointerdown', (e) => this.onPointerDown(e), opts);
    canvas.addEventListener('pointerup', (e) => this.onPointerButtons(e), opts);
    canvas.addEventListener('lostpointercapture', (e) => this.onPointerButtons(e, 0), opts);
    // The browser's own actions on the remote screen (menu, middle-click scroll) get in the way.
    canvas.addEventListener('contextmenu', (e) => e.preventDefault(), opts);
    canvas.addEventListener('mousedown', (e) => e.preventDefault(), opts);
    canvas.addEventListener('auxclick', (e) => e.preventDefault(), opts);
    canvas.addEventListener('wheel', (e) => this.onWheel(e), { signal: this.abort.signal, passive: false });
    canvas.addEventListener('keydown', (e) => this.onKey(e, true), opts);
    canvas.addEventListener('keyup', (e) => this.onKey(e, false), opts);
    canvas.addEventListener('blur', () => this.releaseKeys(), opts);
  }

  /**
   * Idempotent. Stops listening. Nothing is sent: this runs when the session is over, and the
   * relay would refuse input for it (the customer's side lets go of held keys itself).
   */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.abort.abort();
    if (this.moveFrame) cancelAnimationFrame(this.moveFrame);
    this.moveFrame = 0;
    this.pendingMove = null;
    this.keysDown.clear();
    this.buttonsDown = 0;
  }

  private toVideo(e: MouseEvent): VideoPoint | null {
    const { width, height } = this.getVideoSize();
    const p = clientToVideo(e.clientX, e.clientY, this.canvas.getBoundingClientRect(), width, height);
    if (p) this.lastPoint = p;
    return p;
  }

  private emit(event: InputEvent): void {
    if (this.isDisposed) return;
    this.send({ ...event, t: now() });
  }

  private onPointerMove(e: PointerEvent): void {
    // A second button pressed while one is held arrives as a move with `button` set.
    if (e.button !== -1) {
      this.onPointerButtons(e);
      return;
    }
    const p = this.toVideo(e);
    if (!p) return;
    // At most one move per animation frame, latest position wins.
    this.pendingMove = p;
    if (!this.moveFrame) this.moveFrame = requestAnimationFrame(() => this.flushMove());
  }

  private flushMove(): void {
    this.moveFrame = 0;
    const p = this.pendingMove;
    this.pendingMove = null;
    if (p) this.emit({ kind: 'mouse-move', x: p.x, y: p.y });
  }

  private onPointerDown(e: PointerEvent): void {
    e.preventDefault();
    this.canvas.focus({ preventScroll: true });
    try {
      this.canvas.setPointerCapture(e.pointerId);
    } catch {
      /* synthetic events have no active pointer */
    }
    this.onPointerButtons(e);
  }

  /** Sends a down/up for every button whose state changed since the last event. */
  private onPointerButtons(e: PointerEvent, buttons = e.buttons): void {
    const next = buttons & 7;
    if (next === this.buttonsDown) return;
    const p = this.toVideo(e) ?? this.lastPoint;
    if (!p) return;
    // The button event carries its own position, so a move still waiting for its frame is stale.
    this.pendingMove = null;
    for (const [bit, button] of BUTTON_BITS) {
      if ((next & bit) !== (this.buttonsDown & bit)) {
        this.emit({ kind: 'mouse-button', x: p.x, y: p.y, button, down: (next & bit) !== 0 });
      }
    }
    this.buttonsDown = next;
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const p = this.toVideo(e);
    if (!p) return;
    const dx = wheelNotches(e.deltaX, e.deltaMode);
    const dy = wheelNotches(e.deltaY, e.deltaMode);
    if (dx === 0 && dy === 0) return;
    this.emit({ kind: 'wheel', x: p.x, y: p.y, dx, dy });
  }

  private onKey(e: KeyboardEvent, down: boolean): void {
    if (e.isComposing) return; // an IME is composing; its result arrives as ordinary keys
    // While the remote screen has focus, keys belong to the customer's PC, not this page.
    e.preventDefault();
    e.stopPropagation();
    const event = keyEventToInput(e, down, this.keyboardMode());
    if (!event) return;
    if (event.kind === 'key') {
      if (down) this.keysDown.add(event.key);
      else this.keysDown.delete(event.key);
    }
    this.emit(event);
  }

  /** Presses a key combination the agent's own OS would keep for itself (from the keys menu). */
  sendShortcut(name: Shortcut): void {
    for (const event of shortcutInput(name)) this.emit(event);
    this.canvas.focus({ preventScroll: true });
  }

  /** Focus left with keys held (Alt+Tab away): release them so the customer's PC does not keep them down. */
  private releaseKeys(): void {
    for (const key of this.keysDown) this.emit({ kind: 'key', key, down: false, modifiers: [] });
    this.keysDown.clear();
  }
}
