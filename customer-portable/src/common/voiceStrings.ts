/** The customer's voice call strings (issue 6), merged into CUSTOMER_CATALOG; same keys in both languages. */
export const VOICE_STRINGS_EN = {
  voice: {
    call: 'Talk to your agent',
    calling: 'Calling your agent…',
    incoming: '{{name}} wants to talk with you. Your microphone is used only if you accept.',
    accept: 'Accept call',
    decline: 'Decline',
    hangUp: 'Hang up',
    cancel: 'Cancel call',
    inCall: 'Voice call with {{name}}',
    mute: 'Mute',
    unmute: 'Unmute',
    level: 'Microphone level',
    speaking: 'You are speaking',
    remoteSpeaking: 'Your agent is speaking',
    remoteMuted: 'Your agent muted their microphone',
    notice: {
      declined: 'Your agent cannot talk right now. You can still write in the chat.',
      ended: 'The call ended.',
      busy: 'Your agent is on another call. Try again in a moment, or write in the chat.',
      'mic-denied': 'Beacon may not use your microphone. Allow it in your system settings, then try again.',
      'mic-missing': 'No microphone was found. Connect one, then try again, or use the chat.',
    },
  },
};

export const VOICE_STRINGS_ZH_CN = {
  voice: {
    call: '与客服通话',
    calling: '正在呼叫客服…',
    incoming: '{{name}} 希望与您语音通话。只有在您接听后才会使用麦克风。',
    accept: '接听',
    decline: '拒绝',
    hangUp: '挂断',
    cancel: '取消呼叫',
    inCall: '正在与 {{name}} 语音通话',
    mute: '静音',
    unmute: '取消静音',
    level: '麦克风音量',
    speaking: '您正在说话',
    remoteSpeaking: '客服正在说话',
    remoteMuted: '客服已将麦克风静音',
    notice: {
      declined: '客服现在无法通话。您仍可以在聊天中留言。',
      ended: '通话已结束。',
      busy: '客服正在进行另一通话。请稍后再试，或在聊天中留言。',
      'mic-denied': 'Beacon 无法使用您的麦克风。请在系统设置中允许后重试。',
      'mic-missing': '未找到麦克风。请连接麦克风后重试，或使用聊天。',
    },
  },
};
