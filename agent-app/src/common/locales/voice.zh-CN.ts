/** 会话标签页中的语音通话（issue 6）。 */
export const VOICE_ZH_CN = {
  voice: {
    call: '语音通话',
    calling: '正在呼叫客户…',
    incoming: '客户希望与您通话。',
    accept: '接听',
    decline: '拒绝',
    hangUp: '挂断',
    cancel: '取消呼叫',
    inCall: '通话中',
    mute: '静音',
    unmute: '取消静音',
    level: '麦克风音量',
    speaking: '您正在说话',
    remoteSpeaking: '客户正在说话',
    remoteMuted: '客户已将麦克风静音',
    notice: {
      declined: '客户拒绝了通话。请继续使用聊天，或稍后再呼叫。',
      ended: '通话已结束。点击“语音通话”可再次通话。',
      busy: '客户正在通话中。请在通话结束后再试。',
      'mic-denied': 'Beacon 无法使用您的麦克风。请在浏览器或系统设置中允许后再呼叫。',
      'mic-missing': '未找到麦克风。请连接麦克风后再呼叫。',
    },
  },
};
