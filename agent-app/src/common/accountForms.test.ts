import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_PASSWORD_FORM, checkChangePassword } from './accountForms.ts';

const good = { currentPassword: 'old password', newPassword: 'a new passphrase', confirmPassword: 'a new passphrase' };

test('a complete form becomes the request the relay expects, without the confirmation', () => {
  assert.deepEqual(checkChangePassword(good), { ok: true, value: { currentPassword: 'old password', newPassword: 'a new passphrase' } });
});

test('an empty form marks the current and the new password', () => {
  assert.deepEqual(checkChangePassword(EMPTY_PASSWORD_FORM), {
    ok: false,
    errors: { currentPassword: 'account.password.currentMissing', newPassword: 'form.errors.password' },
  });
});

test('a new password shorter than the relay accepts is refused before it is sent', () => {
  const r = checkChangePassword({ ...good, newPassword: 'short12', confirmPassword: 'short12' });
  assert.deepEqual(r, { ok: false, errors: { newPassword: 'form.errors.password' } });
  assert.equal(checkChangePassword({ ...good, newPassword: '12345678', confirmPassword: '12345678' }).ok, true, '8 characters is enough');
});

test('the confirmation must repeat the new password exactly', () => {
  assert.deepEqual(checkChangePassword({ ...good, confirmPassword: 'a new passphrase ' }), { ok: false, errors: { confirmPassword: 'account.password.mismatch' } });
});
