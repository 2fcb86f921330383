import type { SOUND_EN } from './sound.en.ts';

/** 远程声音（issue 13）：收听客户电脑的声音。 */
export const SOUND_ZH_CN: typeof SOUND_EN = {
  sound: {
    listen: '收听电脑声音',
    listenHint: '请求客户允许您收听其电脑的声音（音乐、视频、提示音）。',
    asking: '正在征求客户同意…',
    stop: '停止收听',
    on: '您正在收听客户电脑的声音',
    off: {
      declined: '客户未共享电脑声音。',
      stopped: '电脑声音已停止共享。',
      unavailable: '客户的电脑无法在此共享声音。',
      disconnected: '连接中断，电脑声音已停止。',
    },
  },
};
