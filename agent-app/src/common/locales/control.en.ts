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
    clipboard: {
      menu: 'Clipboard',
      sendMine: 'Send my clipboard to the customer’s PC',
      fetch: 'Get the customer’s clipboard',
      note: 'Text only, up to 10,000 characters. Each transfer is in the session log (its length, never the text).',
      dismiss: 'Dismiss',
      sent: '{{chars}} characters are on the customer’s clipboard now.',
      fetching: 'Asking the customer’s PC for its clipboard…',
      received: '{{chars}} characters from the customer’s clipboard are on your clipboard now.',
      receivedShown: 'Your browser did not let Beacon onto your clipboard; here are the customer’s {{chars}} characters to copy by hand:',
      agentNoAccess: 'Beacon may not read your clipboard. Allow clipboard access for this site (the icon left of the address), then try again.',
      agentEmpty: 'Your clipboard has no text. Copy the text first, then send it.',
      tooLarge: 'Clipboard text is limited to {{chars}} characters. Send longer text as a file in the chat.',
      notSent: 'Not sent: the session’s connection is not ready. Try again in a moment.',
      noAnswer: 'The customer’s PC did not answer. Try again; if it keeps failing, ask the customer to paste the text into the chat.',
      problem: {
        read: {
          'no-access': 'The customer’s app cannot read its clipboard (the browser version has no access). Ask the customer to paste the text into the chat.',
          empty: 'The customer’s clipboard has no text. Ask them to copy it again.',
          'too-large': 'The customer’s clipboard text is longer than 10,000 characters. Ask them to send it as a file in the chat.',
        },
        write: {
          'no-access': 'The customer’s app could not put the text on its clipboard (the browser version has no access). Send it in the chat instead.',
          empty: 'There was no text to put on the customer’s clipboard.',
          'too-large': 'The text is longer than 10,000 characters. Send it as a file in the chat.',
        },
      },
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
