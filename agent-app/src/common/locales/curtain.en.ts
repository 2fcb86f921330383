/** The privacy curtain in the console (issue 13); the same keys as curtain.zh-CN.ts. */
export const CURTAIN_EN = {
  curtain: {
    toggle: 'Privacy curtain',
    toggleHint: 'Hide the customer’s screen from the customer while you work (a password, private data). You still see and control the desktop. The customer is asked first and can lift it at any time.',
    lower: 'Lift privacy curtain',
    asking: 'Waiting for the customer…',
    declined: 'The customer declined the privacy curtain.',
    on: 'Curtain on',
    onHint: 'The customer’s monitors show a curtain; you see the real desktop.',
    lifted: 'The customer lifted the privacy curtain.',
    lowered: 'The privacy curtain is down.',
    failed: 'The privacy curtain could not be shown on this PC.',
    unavailable: 'The privacy curtain is not available on this PC (Windows 10 2004 or later needed)',
  },
};
