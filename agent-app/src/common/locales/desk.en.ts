/** The service desk in the console header: availability, offers, the queue (issue 12). */
export const DESK_EN = {
  desk: {
    availability: 'Availability',
    state: {
      available: 'Available',
      busy: 'Busy',
      away: 'Away',
    },
    limit: 'Sessions at once',
    limitHint: 'How many customers you take at once (at most {{n}}; 0 = no new requests).',
    queue: 'Queue',
    queueTitle: 'Waiting requests in your queues',
    queueEmpty: 'Nobody is waiting.',
    requestState: {
      waiting: 'Waiting',
      offered: 'Being offered',
      assigned: 'Taken',
    },
    waited: 'waiting {{duration}}',
    offerTitle: 'Help request',
    offerNotify: '{{name}} asks for help',
    noPhone: 'No phone given',
    noDescription: 'No description given',
    answerIn: 'Answer within {{s}} s',
    accept: 'Accept',
    decline: 'Decline',
    control: 'Ask for mouse and keyboard control',
  },
};
