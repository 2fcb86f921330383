import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InjectInputRequest } from '@beacon/shared/ipc';
import { HAS_XVFB, XServer } from '../../test/XServer.ts';
import { frameToScreen, type Injector as InjectorClass } from './Injector.ts';

/**
 * Drives the real robotjs against a real X server (Xvfb), with `xev` as the application
 * under the pointer: what xev reports is what a program on the customer's PC would get.
 */
const hasX = HAS_XVFB && ['xev', 'xdotool', 'xwininfo'].every((tool) => existsSync(`/usr/bin/${tool}`));

test('frame coordinates scale to the screen and stay on it', () => {
  const frame = { width: 640, height: 360 };
  const screen = { width: 1280, height: 720 };
  assert.deepEqual(frameToScreen({ x: 320, y: 180 }, frame, screen), { x: 640, y: 360 });
  assert.deepEqual(frameToScreen({ x: 639, y: 359 }, frame, screen), { x: 1278, y: 718 });
  assert.deepEqual(frameToScreen({ x: 5000, y: 5000 }, frame, screen), { x: 1279, y: 719 });
  assert.deepEqual(frameToScreen({ x: 1, y: 1 }, { width: 1920, height: 1080 }, screen), { x: 1, y: 1 });
});

describe('Injector under Xvfb', { skip: hasX ? false : 'needs Xvfb, xev, xdotool and xwininfo' }, () => {
  let x: XServer;
  let xev: ChildProcess;
  let xevOut = '';
  let injector: InjectorClass;

  async function until(what: string, check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  /** xev's events since `from`, as `ButtonPress 1`, `KeyRelease a`, ... */
  function eventsSince(from: number): string[] {
    const out: string[] = [];
    for (const block of xevOut.slice(from).split(/\n(?=\w+ event,)/)) {
      const kind = /^(ButtonPress|ButtonRelease|KeyPress|KeyRelease) event/.exec(block)?.[1];
      if (!kind) continue;
      const detail = /button (\d+)/.exec(block)?.[1] ?? /keysym 0x[0-9a-f]+, ([^)]+)\)/.exec(block)?.[1];
      out.push(`${kind} ${detail}`);
    }
    return out;
  }

  async function expectEvents(from: number, expected: string[]): Promise<void> {
    await until(`xev to report ${expected.join(', ')}`, () => eventsSince(from).length >= expected.length).catch(() => undefined);
    assert.deepEqual(eventsSince(from), expected);
  }

  async function pointer(): Promise<{ x: number; y: number }> {
    const m = /x:(\d+) y:(\d+)/.exec(await x.tool('xdotool', 'getmouselocation'));
    return { x: Number(m?.[1]), y: Number(m?.[2]) };
  }

  const frame640 = (event: InjectInputRequest['event']): InjectInputRequest => ({ event, frameWidth: 640, frameHeight: 360 });

  before(async () => {
    x = await XServer.start({ preferred: 92, outliveProcess: true });
    // xev's window covers the screen, so it is what the pointer is over and what has focus.
    xev = spawn('xev', ['-geometry', '1280x720+0+0', '-event', 'keyboard', '-event', 'button'], { env: { ...process.env, DISPLAY: x.display } });
    xev.stdout?.setEncoding('utf8').on('data', (d: string) => (xevOut += d));
    await until('the xev window', () =>
      x.tool('xwininfo', '-name', 'Event Tester').then(
        (info) => info.includes('IsViewable'),
        () => false,
      ),
    );
    // robotjs opens the display named by DISPLAY when it first needs it.
    process.env.DISPLAY = x.display;
    const { Injector } = await import('./Injector.ts');
    injector = new Injector();
  });

  after(() => xev?.kill());

  test('a move in a 640x360 frame lands on the matching pixel of the 1280x720 screen', async () => {
    injector.inject(frame640({ kind: 'mouse-move', x: 100, y: 50 }));
    assert.deepEqual(await pointer(), { x: 200, y: 100 });
    injector.inject({ event: { kind: 'mouse-move', x: 1280, y: 720 }, frameWidth: 1280, frameHeight: 720 });
    assert.deepEqual(await pointer(), { x: 1279, y: 719 }, 'clamped to the last pixel');
  });

  test('with a region (the agent chose a monitor) the frame maps onto that part of the desktop', async () => {
    const right = { x: 640, y: 0, width: 640, height: 720 };
    injector.inject({ event: { kind: 'mouse-move', x: 320, y: 180 }, frameWidth: 320, frameHeight: 360, region: right });
    assert.deepEqual(await pointer(), { x: 1279, y: 360 }, 'the far edge stays on the monitor');
    injector.inject({ event: { kind: 'mouse-move', x: 10, y: 20 }, frameWidth: 320, frameHeight: 360, region: right });
    assert.deepEqual(await pointer(), { x: 660, y: 40 });
  });

  test('a click moves to the spot and presses and releases the right button', async () => {
    const from = xevOut.length;
    injector.inject(frame640({ kind: 'mouse-button', x: 320, y: 180, button: 'left', down: true }));
    injector.inject(frame640({ kind: 'mouse-button', x: 320, y: 180, button: 'left', down: false }));
    injector.inject(frame640({ kind: 'mouse-button', x: 10, y: 10, button: 'right', down: true }));
    injector.inject(frame640({ kind: 'mouse-button', x: 10, y: 10, button: 'right', down: false }));
    assert.deepEqual(await pointer(), { x: 20, y: 20 });
    await expectEvents(from, ['ButtonPress 1', 'ButtonRelease 1', 'ButtonPress 3', 'ButtonRelease 3']);
  });

  test('wheel down scrolls down and wheel up scrolls up (browser convention)', async () => {
    const from = xevOut.length;
    injector.inject(frame640({ kind: 'wheel', x: 300, y: 300, dx: 0, dy: 1 }));
    injector.inject(frame640({ kind: 'wheel', x: 300, y: 300, dx: 0, dy: -1 }));
    await expectEvents(from, ['ButtonPress 5', 'ButtonRelease 5', 'ButtonPress 4', 'ButtonRelease 4']);
    assert.deepEqual(await pointer(), { x: 600, y: 600 });
  });

  test('keys with modifiers and typed text reach the application', async () => {
    const from = xevOut.length;
    injector.inject(frame640({ kind: 'key', key: 'c', down: true, modifiers: ['control'] }));
    injector.inject(frame640({ kind: 'key', key: 'c', down: false, modifiers: ['control'] }));
    injector.inject(frame640({ kind: 'key', key: 'enter', down: true, modifiers: [] }));
    injector.inject(frame640({ kind: 'key', key: 'enter', down: false, modifiers: [] }));
    injector.inject(frame640({ kind: 'text', text: 'ok' }));
    await expectEvents(from, [
      'KeyPress Control_L', 'KeyPress c', 'KeyRelease c', 'KeyRelease Control_L',
      'KeyPress Return', 'KeyRelease Return',
      'KeyPress o', 'KeyRelease o', 'KeyPress k', 'KeyRelease k',
    ]);
  });

  test('each injection reports when it reached the OS, for latency measurements', () => {
    const sentAt = performance.timeOrigin + performance.now();
    const timing = injector.inject(frame640({ kind: 'mouse-move', x: 1, y: 1, t: sentAt }));
    assert.equal(timing.kind, 'mouse-move');
    assert.equal(timing.sentAt, sentAt);
    assert.ok(timing.injectedAt >= sentAt && timing.injectedAt - sentAt < 50, `took ${timing.injectedAt - sentAt} ms`);
  });
});
