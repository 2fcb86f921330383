/** 远程控制（第 13 号问题）：全屏与按键菜单。 */
export const CONTROL_ZH_CN = {
  control: {
    fullscreen: {
      enter: '全屏',
      exit: '退出全屏',
      hint: '用整个屏幕显示客户的画面；在浏览器允许时，您的按键（包括 Alt+Tab 和 Windows 键）都会发送到客户电脑。',
      refused: '此浏览器拒绝了全屏。请允许本网站全屏，或通过“按键”菜单发送 Alt+Tab 和 Windows 键。',
      lockedHint: '所有按键都会发送到客户电脑，包括 Alt+Tab 和 Windows 键。按住 Esc 或点击此处退出全屏。',
      unlockedHint: '此浏览器会自行处理 Alt+Tab 等系统按键：请通过“按键”菜单发送。按 Esc 或点击此处退出全屏。',
    },
    keys: {
      menu: '按键',
      'ctrl-alt-del': 'Ctrl+Alt+Del',
      'task-manager': '任务管理器 (Ctrl+Shift+Esc)',
      lock: '锁定电脑 (Win+L)',
      win: 'Windows 键',
      'alt-tab': 'Alt+Tab',
      'print-screen': '截屏键 (Print Screen)',
      ctrlAltDelNote: 'Windows 只接受本机键盘按下的 Ctrl+Alt+Del，不接受远程协助发送的按键：在 Windows 电脑上请改用“任务管理器”或“锁定电脑”。',
    },
    keyboardMode: {
      label: '键盘',
      characters: '输入字符',
      keys: '发送按键',
      charactersHint: '您输入的内容按原样到达，与客户电脑的键盘布局无关。适合输入文字。',
      keysHint: '您按下的每个键都会在客户电脑上按下，由对方的键盘布局决定字符，如同在那台电脑上接了一个键盘。适合快捷键和游戏。',
    },
  },
};
