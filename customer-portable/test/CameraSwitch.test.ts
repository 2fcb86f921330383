/** CameraSwitch in Node: the customer's answers to the agent's camera asks, with a fake opener, bridge and picture. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CameraCtl, CtlToRelay, VideoSource } from '@beacon/shared/protocol';
import { CameraSwitch } from '../src/renderer/CameraSwitch.ts';
import type { ScreenCapture } from '../src/renderer/ScreenCapture.ts';

function rig(opts: { fails?: boolean } = {}) {
  const sent: CtlToRelay[] = [];
  const allowed: boolean[] = [];
  const opened: VideoSource[] = [];
  const stopped: string[] = [];
  let current: ScreenCapture | null = null;
  const fake = (kind: VideoSource) => ({ kind, mediaTrack: { id: kind }, stop: () => stopped.push(kind), stopped: false }) as unknown as ScreenCapture;
  const cam = new CameraSwitch('s1', {
    sendCtl: (m) => sent.push(m) > 0,
    bridge: { setCameraAllowed: async (r: { allowed: boolean }) => void allowed.push(r.allowed) } as never,
    session: {
      replaceCapture: (c) => {
        current = c;
        return true;
      },
      get capture() {
        return current;
      },
    },
    open: async (source) => {
      opened.push(source);
      if (opts.fails) throw new Error('no camera');
      return fake(source);
    },
  });
  return { cam, sent, allowed, opened, stopped, current: () => current };
}

const ask = (source: VideoSource): CameraCtl => ({ type: 'camera-request', sessionId: 's1', source });

test('a decline opens nothing and answers no', () => {
  const r = rig();
  r.cam.onCtl(ask('camera'));
  assert.equal(r.cam.getSnapshot().ask, 'camera');
  r.cam.decline();
  assert.deepEqual(r.sent, [{ type: 'camera-answer', sessionId: 's1', source: 'camera', granted: false }]);
  assert.deepEqual(r.opened, []);
  assert.deepEqual(r.allowed, []);
  assert.equal(r.cam.getSnapshot().ask, null);
});

test('a yes allows the camera in main, opens it, puts it in the picture and says so; off stops it and takes the permission back', async () => {
  const r = rig();
  r.cam.onCtl(ask('camera'));
  await r.cam.accept();
  assert.deepEqual(r.opened, ['camera']);
  assert.deepEqual(r.allowed, [true]);
  assert.deepEqual(r.sent.map((m) => [m.type, 'source' in m ? m.source : null]), [['camera-answer', 'camera'], ['camera-source', 'camera']]);
  assert.equal(r.cam.getSnapshot().shown, 'camera');
  assert.ok(r.cam.getSnapshot().cameraTrack);
  r.cam.turnOff();
  assert.equal(r.current(), null);
  assert.equal(r.cam.getSnapshot().shown, 'off');
  assert.equal(r.cam.getSnapshot().cameraTrack, null);
  assert.deepEqual(r.allowed, [true, false]);
  assert.deepEqual(r.sent.at(-1), { type: 'camera-source', sessionId: 's1', source: 'off' });
});

test('a camera that will not open is reported, and main forbids it again', async () => {
  const r = rig({ fails: true });
  r.cam.onCtl(ask('camera'));
  await r.cam.accept();
  assert.equal(r.cam.getSnapshot().problem, 'camera-failed');
  assert.equal(r.cam.getSnapshot().shown, 'screen');
  assert.deepEqual(r.allowed, [true, false]);
  assert.deepEqual(r.sent.map((m) => m.type), ['camera-answer']);
});

test('asks of other sessions, and anything after the session is over, are ignored', async () => {
  const r = rig();
  r.cam.onCtl({ type: 'camera-request', sessionId: 'other', source: 'camera' });
  assert.equal(r.cam.getSnapshot().ask, null);
  r.cam.onCtl(ask('camera'));
  r.cam.dispose();
  await r.cam.accept();
  assert.deepEqual(r.sent, []);
  assert.deepEqual(r.opened, []);
});
