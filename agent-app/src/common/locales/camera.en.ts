/** Video guidance in the console (issue 12); the same keys as camera.zh-CN.ts. */
export const CAMERA_EN = {
  camera: {
    askCamera: 'Ask for camera',
    askCameraHint: 'For a device, a cable or a printer: ask the customer to show their camera instead of the screen. You can draw on the picture.',
    askScreen: 'Back to screen',
    asking: 'Waiting for the customer to answer…',
    declined: 'The customer declined.',
    badge: 'Customer’s camera',
    off: 'The customer turned the camera off.',
    noInput: 'The keyboard and mouse are off while the camera is shown.',
    connectFirst: 'Start on the customer’s camera',
    connectFirstHint: 'For a problem that is not on a screen: the customer is asked for the camera only. You can ask for the screen later.',
    acceptOnCamera: 'Accept on camera',
    waitingFirst: 'Waiting for the customer’s camera…',
  },
};
