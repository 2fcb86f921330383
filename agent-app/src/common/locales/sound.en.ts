/** Remote sound (issue 13): hearing the customer PC's sound. */
export const SOUND_EN = {
  sound: {
    listen: 'Hear the PC',
    listenHint: 'Ask the customer to let you hear their computer’s sound (music, videos, alerts).',
    asking: 'Asking the customer…',
    stop: 'Stop sound',
    on: 'You hear the customer’s computer',
    off: {
      declined: 'The customer did not share their computer’s sound.',
      stopped: 'The computer’s sound is no longer shared.',
      unavailable: 'The customer’s computer cannot share its sound here.',
      disconnected: 'The computer’s sound stopped when the connection dropped.',
    },
  },
};
