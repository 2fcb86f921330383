import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDeviceId, parseConnectInput } from './connectInput.ts';

test('accepts IDs with spaces or dashes and codes in any case', () => {
  assert.deepEqual(parseConnectInput(' 123 456 789 ', 'ab3 d9k'), { ok: true, deviceId: '123456789', code: 'AB3D9K' });
  assert.deepEqual(parseConnectInput('123-456-789', 'AB3D9K'), { ok: true, deviceId: '123456789', code: 'AB3D9K' });
});

test('refuses malformed IDs and codes with a message key', () => {
  assert.deepEqual(parseConnectInput('12345678', 'AB3D9K'), { ok: false, errorKey: 'connect.invalid-id' });
  assert.deepEqual(parseConnectInput('12345678a', 'AB3D9K'), { ok: false, errorKey: 'connect.invalid-id' });
  assert.deepEqual(parseConnectInput('123456789', 'AB3D9'), { ok: false, errorKey: 'connect.invalid-code' });
  assert.deepEqual(parseConnectInput('123456789', 'AB3D9K!'), { ok: false, errorKey: 'connect.invalid-code' });
});

test('formats IDs in groups of three', () => {
  assert.equal(formatDeviceId('123456789'), '123 456 789');
  assert.equal(formatDeviceId('12'), '12');
});
