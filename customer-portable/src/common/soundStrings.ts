/** What the session bar says about remote sound (issue 13), merged into CUSTOMER_CATALOG; same keys in both languages. */
export const SOUND_STRINGS_EN = {
  sound: {
    ask: '{{name}} asks to hear this computer’s sound (music, videos, alerts). Your microphone is not used.',
    allow: 'Allow sound',
    decline: 'No',
    starting: 'Starting to share the sound…',
    on: 'Your agent hears this computer’s sound',
    stop: 'Stop sound',
    unavailable: 'This computer’s sound cannot be shared here.',
  },
};

export const SOUND_STRINGS_ZH_CN: typeof SOUND_STRINGS_EN = {
  sound: {
    ask: '{{name}} 请求收听这台电脑的声音（音乐、视频、提示音）。不会使用您的麦克风。',
    allow: '允许共享声音',
    decline: '不允许',
    starting: '正在开始共享声音…',
    on: '技术人员正在收听这台电脑的声音',
    stop: '停止共享声音',
    unavailable: '无法在此共享这台电脑的声音。',
  },
};
