/**
 * The "My account" password form, checked with the schema the relay parses the request
 * with (so the length rule is the relay's own), plus the one rule only the form knows:
 * the new password typed twice must match. Nothing leaves the form with a bad field.
 */
import { ChangePasswordRequest } from '@beacon/shared/api';
import type { Checked, FieldErrors } from './forms.ts';

export interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}
export type PasswordField = keyof PasswordForm;

export const EMPTY_PASSWORD_FORM: PasswordForm = { currentPassword: '', newPassword: '', confirmPassword: '' };

export function checkChangePassword(f: PasswordForm): Checked<ChangePasswordRequest, PasswordField> {
  const r = ChangePasswordRequest.safeParse({ currentPassword: f.currentPassword, newPassword: f.newPassword });
  const errors: FieldErrors<PasswordField> = {};
  if (!r.success) {
    for (const issue of r.error.issues) {
      const field = issue.path[0];
      if (field === 'currentPassword') errors.currentPassword ??= 'account.password.currentMissing';
      if (field === 'newPassword') errors.newPassword ??= 'form.errors.password';
    }
  }
  // Only once the new one is acceptable: a mismatch on a too-short password would be a second, moot complaint.
  if (!errors.newPassword && f.confirmPassword !== f.newPassword) errors.confirmPassword = 'account.password.mismatch';
  if (!r.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: r.data };
}
