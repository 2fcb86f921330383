/** Voice calls in a session tab (issue 6). */
export const VOICE_EN = {
  voice: {
    call: 'Voice call',
    calling: 'Calling the customer…',
    incoming: 'The customer wants to talk.',
    accept: 'Accept',
    decline: 'Decline',
    hangUp: 'Hang up',
    cancel: 'Cancel call',
    inCall: 'In call',
    mute: 'Mute',
    unmute: 'Unmute',
    level: 'Microphone level',
    speaking: 'You are speaking',
    remoteSpeaking: 'The customer is speaking',
    remoteMuted: 'The customer muted their microphone',
    notice: {
      declined: 'The customer declined the call. Keep using the chat, or call again later.',
      ended: 'The call ended. Press Voice call to talk again.',
      busy: 'The customer is already in a call. Try again when it is over.',
      'mic-denied': 'Beacon may not use your microphone. Allow it in the browser or system settings, then call again.',
      'mic-missing': 'No microphone was found. Connect one, then call again.',
    },
  },
};
