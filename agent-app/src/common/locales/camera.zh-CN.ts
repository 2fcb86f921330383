/** 控制台中的视频指导（issue 12）；与 camera.en.ts 的键相同。 */
export const CAMERA_ZH_CN = {
  camera: {
    askCamera: '请求摄像头',
    askCameraHint: '针对设备、线缆或打印机：请客户显示摄像头画面而不是屏幕。您可以在画面上标注。',
    askScreen: '切回屏幕',
    asking: '正在等待客户回复…',
    declined: '客户拒绝了请求。',
    badge: '客户的摄像头',
    off: '客户已关闭摄像头。',
    noInput: '显示摄像头期间，键盘和鼠标控制已停用。',
    connectFirst: '从客户的摄像头开始',
    connectFirstHint: '针对不在屏幕上的问题：只请求客户的摄像头。之后可以再请求查看屏幕。',
    acceptOnCamera: '接受（摄像头）',
    waitingFirst: '正在等待客户的摄像头…',
  },
};
