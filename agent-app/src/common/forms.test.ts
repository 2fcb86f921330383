import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_CUSTOMER_FORM, checkCreateCustomer, checkResetPassword, checkCreateSeat, checkSettings, checkSetupForm, checkUpdateCustomer, checkUpdateSeat } from './forms.ts';

const SETUP = { organisationName: 'Acme AV', login: 'boss', displayName: 'Wang Fang', password: 'long enough pw' };

test('a complete setup form becomes the setup request', () => {
  const r = checkSetupForm('tok', SETUP);
  assert.ok(r.ok);
  assert.deepEqual(r.value, { token: 'tok', organisationName: 'Acme AV', owner: { login: 'boss', displayName: 'Wang Fang', password: 'long enough pw' } });
});

test('each bad setup field gets its own message', () => {
  const r = checkSetupForm('tok', { organisationName: ' ', login: 'has space', displayName: '', password: 'short' });
  assert.ok(!r.ok);
  assert.deepEqual(r.errors, {
    organisationName: 'form.errors.organisation',
    login: 'form.errors.login',
    displayName: 'form.errors.displayName',
    password: 'form.errors.password',
  });
  const noToken = checkSetupForm('', SETUP);
  assert.ok(!noToken.ok);
  assert.deepEqual(noToken.errors, { token: 'setup.noToken' });
});

test('a new seat without a limit takes the organisation default; a bad limit is refused', () => {
  const form = { displayName: 'Li Lei', login: 'lilei', role: 'agent' as const, groupIds: [2], concurrencyLimit: '', password: 'password123' };
  const r = checkCreateSeat(form);
  assert.ok(r.ok);
  assert.equal(r.value.concurrencyLimit, undefined);
  assert.deepEqual(r.value.groupIds, [2]);
  for (const limit of ['0', '51', '2.5', 'x']) {
    const bad = checkCreateSeat({ ...form, concurrencyLimit: limit });
    assert.ok(!bad.ok && bad.errors.concurrencyLimit === 'form.errors.concurrencyLimit', limit);
  }
  const e = checkCreateSeat({ ...form, login: 'a~b', password: '1234567' });
  assert.ok(!e.ok);
  assert.deepEqual(e.errors, { login: 'form.errors.login', password: 'form.errors.password' });
});

test('editing a seat sends its editable fields only', () => {
  const r = checkUpdateSeat({ displayName: 'Li Lei', login: 'ignored', role: 'manager', groupIds: [], concurrencyLimit: '4', password: '' });
  assert.ok(r.ok);
  assert.deepEqual(r.value, { displayName: 'Li Lei', role: 'manager', groupIds: [], concurrencyLimit: 4 });
});

test('a customer needs a name; tags come from the typed list', () => {
  const r = checkCreateCustomer({ ...EMPTY_CUSTOMER_FORM, name: 'Studio 9', tags: 'vip, 直播', isStarred: true });
  assert.ok(r.ok);
  assert.deepEqual(r.value.tags, ['vip', '直播']);
  assert.equal(r.value.isStarred, true);
  const bad = checkCreateCustomer({ ...EMPTY_CUSTOMER_FORM, name: '  ', tags: 'x'.repeat(41) });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors, { name: 'form.errors.customerName', tags: 'form.errors.tags' });
  const upd = checkUpdateCustomer({ ...EMPTY_CUSTOMER_FORM, name: 'Studio 9', phone: '1'.repeat(41) });
  assert.ok(!upd.ok && upd.errors.phone === 'form.errors.tooLong');
});

test('settings need a name, a limit between 1 and 50, whole-number retention limits and a grace period of 10-600 s', () => {
  const recording = {
    recordSessions: true,
    recordKeystrokes: false,
    agentsMayWatchOwn: true,
    recordingMaxAgeDays: '90',
    recordingMaxTotalMB: '50000',
    resumeGraceSeconds: '60',
    agentsMaySendFiles: true,
    agentsMayReceiveFiles: false,
    confirmFileTransfers: true,
    fileTransferRoles: ['owner' as const, 'admin' as const],
    clipboardSyncToCustomer: false,
    clipboardSyncToAgent: true,
    clipboardMaxImageMB: '8',
  };
  const good = checkSettings({ name: 'Acme', defaultConcurrencyLimit: '3', ...recording });
  assert.ok(good.ok && good.value.recordingMaxAgeDays === 90 && good.value.agentsMayWatchOwn === true && good.value.resumeGraceSeconds === 60);
  assert.ok(good.ok && good.value.agentsMaySendFiles === true && good.value.agentsMayReceiveFiles === false && good.value.confirmFileTransfers === true, 'the file transfer switches');
  assert.ok(good.ok && good.value.fileTransferRoles?.join() === 'owner,admin', 'the roles that may move files');
  assert.ok(good.ok && good.value.clipboardSyncToAgent === true && good.value.clipboardMaxImageMB === 8, 'the clipboard settings');
  for (const bad of ['0', '65', 'x']) {
    const g = checkSettings({ name: 'Acme', defaultConcurrencyLimit: '3', ...recording, clipboardMaxImageMB: bad });
    assert.ok(!g.ok && g.errors.clipboardMaxImageMB === 'settings.clipboard.maxImageError', `image cap ${bad}`);
  }
  for (const bad of ['9', '601', '1.5', '']) {
    const g = checkSettings({ name: 'Acme', defaultConcurrencyLimit: '3', ...recording, resumeGraceSeconds: bad });
    assert.ok(!g.ok && g.errors.resumeGraceSeconds === 'settings.resumeGraceError', `grace ${bad}`);
  }
  const r = checkSettings({ name: '', defaultConcurrencyLimit: '', ...recording, recordingMaxAgeDays: '0', recordingMaxTotalMB: 'lots' });
  assert.ok(!r.ok);
  assert.deepEqual(r.errors, {
    name: 'form.errors.organisation',
    defaultConcurrencyLimit: 'form.errors.concurrencyLimit',
    recordingMaxAgeDays: 'recording.settings.maxAgeError',
    recordingMaxTotalMB: 'recording.settings.maxTotalError',
  });
});

test('a password reset without a password asks the relay for a temporary one', () => {
  assert.deepEqual(checkResetPassword(''), { ok: true, value: {} });
  assert.deepEqual(checkResetPassword('new password 1'), { ok: true, value: { password: 'new password 1' } });
  assert.deepEqual(checkResetPassword('short'), { ok: false, errorKey: 'form.errors.password' });
});
