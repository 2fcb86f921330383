import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mayGrant } from './permissions.ts';

const allowed = { isInSession: true, isCameraAllowed: true };

test('screen capture and clipboard writes are granted as before', () => {
  assert.equal(mayGrant({ permission: 'display-capture' }, { isInSession: false, isCameraAllowed: false }), true);
  assert.equal(mayGrant({ permission: 'clipboard-sanitized-write' }, { isInSession: false, isCameraAllowed: false }), true);
  assert.equal(mayGrant({ permission: 'geolocation' }, allowed), false);
});

test('the camera only after the customer agreed, during a session, video only', () => {
  assert.equal(mayGrant({ permission: 'media', mediaTypes: ['video'] }, allowed), true);
  assert.equal(mayGrant({ permission: 'media', mediaTypes: ['video'] }, { isInSession: true, isCameraAllowed: false }), false);
  assert.equal(mayGrant({ permission: 'media', mediaTypes: ['video'] }, { isInSession: false, isCameraAllowed: true }), false);
  assert.equal(mayGrant({ permission: 'media', mediaTypes: ['video', 'audio'] }, allowed), false);
  assert.equal(mayGrant({ permission: 'media' }, allowed), false);
});

test('audio inputs (a call\'s microphone, the PC\'s sound) during a session only', () => {
  assert.equal(mayGrant({ permission: 'media', mediaTypes: ['audio'] }, { isInSession: true, isCameraAllowed: false }), true);
  assert.equal(mayGrant({ permission: 'media', mediaTypes: ['audio'] }, { isInSession: false, isCameraAllowed: false }), false);
});
