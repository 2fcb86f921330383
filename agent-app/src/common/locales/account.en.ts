/**
 * English strings of "My account" (who is signed in, changing one's own password) and of
 * handing a customer record to another seat. The Chinese file beside this one has exactly
 * the same keys (checked by i18n.test.ts).
 */
export const ACCOUNT_EN = {
  account: {
    signedOut: {
      'password-changed': 'You were signed out because the password of this seat was changed elsewhere. Sign in with the new password.',
      disabled: 'You were signed out because an administrator disabled this seat. Ask an owner or admin to enable it again.',
      deleted: 'You were signed out because this seat was deleted. Ask an owner or admin for a seat.',
    },
    title: 'My account',
    intro: 'The seat signed in on this console, and its password.',
    headerLink: 'Signed in as {{name}}. Open My account to see your seat or change your password.',
    name: 'Name',
    login: 'Login',
    role: 'Role',
    organisation: 'Organisation',
    groups: 'Groups',
    noGroups: 'None',
    expires: 'This sign-in lasts until {{when}}.',
    password: {
      title: 'Change password',
      intro: 'Your other sign-ins (other browsers and computers) are signed out when the password changes. This console stays signed in.',
      current: 'Current password',
      new: 'New password',
      newHint: 'At least 8 characters. A few words in a row make a strong passphrase that is easy to remember.',
      confirm: 'Repeat the new password',
      submit: 'Change password',
      busy: 'Changing…',
      changed: 'Password changed. Your other sign-ins were signed out; this console stays signed in. Use the new password from now on.',
      currentMissing: 'Enter your current password.',
      mismatch: 'This does not match the new password. Type the new password again in both fields.',
      wrongCurrent: 'The current password is wrong, so nothing was changed. Type it again (check Caps Lock). If you have forgotten it, ask an owner or admin to reset it.',
      rateLimited: 'Too many attempts. Wait a few minutes, then try again.',
      tooShort: 'The relay refused the new password. Use at least 8 characters and try again.',
    },
    assign: {
      title: 'Assigned to',
      hint: 'Hand this record to another seat. It leaves the former seat’s list unless the record is shared with one of their groups.',
      seatOption: '{{name}} ({{login}})',
      inactive: '{{name}} (disabled or deleted)',
      submit: 'Reassign',
      busy: 'Reassigning…',
      done: 'Now assigned to {{name}}.',
      seatGone: 'That seat no longer exists. Reload the page and pick another seat.',
      notAllowed: 'Only owners and admins can hand a record to another seat.',
    },
  },
};
