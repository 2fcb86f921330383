/** Remote control in depth (issue 13): full screen and the keys menu. */
export const CONTROL_EN = {
  control: {
    fullscreen: {
      enter: 'Full screen',
      exit: 'Exit full screen',
      hint: 'Show the customer’s screen on your whole screen; your keys, Alt+Tab and the Windows key included, then go to their PC where the browser allows it.',
      refused: 'This browser refused full screen. Allow full screen for this site, or use the keys menu for Alt+Tab and the Windows key.',
      lockedHint: 'All keys go to the customer’s PC, Alt+Tab and the Windows key too. Hold Esc or click here to leave full screen.',
      unlockedHint: 'This browser keeps system keys such as Alt+Tab for itself: use the keys menu for them. Press Esc or click here to leave full screen.',
    },
    keys: {
      menu: 'Keys',
      'ctrl-alt-del': 'Ctrl+Alt+Del',
      'task-manager': 'Task Manager (Ctrl+Shift+Esc)',
      lock: 'Lock the PC (Win+L)',
      win: 'Windows key',
      'alt-tab': 'Alt+Tab',
      'print-screen': 'Print Screen',
      ctrlAltDelNote: 'Windows accepts Ctrl+Alt+Del only from its own keyboard, never from remote-support input: on a Windows PC use Task Manager or Lock instead.',
    },
    keyboardMode: {
      label: 'Keyboard',
      characters: 'Type characters',
      keys: 'Send keys',
      charactersHint: 'What you type arrives as typed, whatever keyboard layout the customer’s PC uses. Best for text.',
      keysHint: 'Each key you press is pressed on the customer’s PC and their layout decides the character, as with a keyboard plugged into it. Best for shortcuts and games.',
    },
  },
};
