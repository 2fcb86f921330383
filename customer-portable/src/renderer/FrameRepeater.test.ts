import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FrameRepeater, REPEAT_AFTER_MS } from './FrameRepeater.ts';

/** Stands in for a VideoFrame: counts clones and closes (the repeater uses nothing else). */
class FakeFrame {
  static open = 0;
  isClosed = false;
  constructor(readonly label: string) {
    FakeFrame.open++;
  }
  clone(): FakeFrame {
    return new FakeFrame(this.label);
  }
  close(): void {
    if (!this.isClosed) FakeFrame.open--;
    this.isClosed = true;
  }
}
const asFrame = (f: FakeFrame) => f as unknown as VideoFrame;

test('a still screen: the last captured frame is handed on again after a quiet second, and nothing is left open', async () => {
  const handed: FakeFrame[] = [];
  const repeater = new FrameRepeater((frame) => handed.push(frame as unknown as FakeFrame));
  try {
    const first = new FakeFrame('a');
    repeater.keep(asFrame(first));
    first.close(); // the receiver of the captured frame closes it; the repeater kept its own copy
    const second = new FakeFrame('b');
    repeater.keep(asFrame(second));
    second.close();
    assert.equal(handed.length, 0, 'frames are coming: nothing repeated');
    await sleep(REPEAT_AFTER_MS + 400);
    assert.equal(handed.length, 1, 'repeated once after a quiet second');
    assert.equal(handed[0]?.label, 'b', 'the newest frame');
    assert.equal(handed[0]?.isClosed, false, 'the receiver owns it');
    for (const f of handed) f.close();
  } finally {
    repeater.close();
  }
  assert.equal(FakeFrame.open, 0, 'the kept copy is closed with the repeater');
});
