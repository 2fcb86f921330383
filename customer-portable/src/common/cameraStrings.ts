/** The customer's video guidance strings (issue 12), merged into CUSTOMER_CATALOG; same keys in both languages. */
export const CAMERA_STRINGS_EN = {
  camera: {
    askTitle: 'Show your camera?',
    ask: '{{name}} wants to see your camera instead of your screen, to look at a device with you.',
    askScreenTitle: 'Show your screen again?',
    askScreen: '{{name}} wants to see your screen again instead of your camera.',
    itemCamera: 'The technician will see your camera',
    itemCameraDraw: 'They can draw on the picture to show you what to do',
    itemScreen: 'The technician will see your screen',
    noControl: 'Nobody can control your computer while the camera is shown',
    stopHint: 'You can turn the camera off at any time.',
    accept: 'Show camera',
    acceptScreen: 'Show screen',
    decline: 'Decline',
    starting: 'Starting the camera…',
    preview: 'What the technician sees',
    shown: 'The technician sees your camera.',
    off: 'Your camera is off. The technician sees nothing until you agree again.',
    turnOff: 'Turn camera off',
    problem: {
      'camera-failed': 'The camera could not be started. Check that one is connected and not used by another program.',
      'screen-failed': 'Your screen could not be shared again.',
    },
  },
};

export const CAMERA_STRINGS_ZH_CN = {
  camera: {
    askTitle: '显示您的摄像头？',
    ask: '{{name}} 想查看您的摄像头画面（而不是屏幕），以便和您一起查看设备。',
    askScreenTitle: '重新显示您的屏幕？',
    askScreen: '{{name}} 想重新查看您的屏幕，而不是摄像头。',
    itemCamera: '技术人员将看到您的摄像头画面',
    itemCameraDraw: '技术人员可以在画面上标注，告诉您该怎么做',
    itemScreen: '技术人员将看到您的屏幕',
    noControl: '显示摄像头期间，任何人都无法控制您的电脑',
    stopHint: '您可以随时关闭摄像头。',
    accept: '显示摄像头',
    acceptScreen: '显示屏幕',
    decline: '拒绝',
    starting: '正在启动摄像头…',
    preview: '技术人员看到的画面',
    shown: '技术人员正在查看您的摄像头画面。',
    off: '摄像头已关闭。在您再次同意之前，技术人员看不到任何画面。',
    turnOff: '关闭摄像头',
    problem: {
      'camera-failed': '无法启动摄像头。请检查摄像头是否已连接，且未被其他程序占用。',
      'screen-failed': '无法重新共享您的屏幕。',
    },
  },
};
