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
    clipboard: {
      menu: '剪贴板',
      sendMine: '把我的剪贴板发送到客户电脑',
      fetch: '获取客户的剪贴板',
      note: '仅限文本，最多 10,000 个字符。每次传输都会记入会话日志（只记长度，不记内容）。',
      dismiss: '关闭',
      sent: '已将 {{chars}} 个字符放到客户的剪贴板。',
      fetching: '正在向客户电脑获取剪贴板内容…',
      received: '客户剪贴板中的 {{chars}} 个字符已放到您的剪贴板。',
      receivedShown: '浏览器不允许 Beacon 写入您的剪贴板；以下是客户的 {{chars}} 个字符，请手动复制：',
      agentNoAccess: 'Beacon 无权读取您的剪贴板。请在地址栏左侧的图标中允许本网站访问剪贴板，然后重试。',
      agentEmpty: '您的剪贴板中没有文本。请先复制文本再发送。',
      tooLarge: '剪贴板文本最多 {{chars}} 个字符。更长的文本请在聊天中以文件发送。',
      notSent: '未发送：会话连接尚未就绪。请稍后重试。',
      noAnswer: '客户电脑没有响应。请重试；如果仍然失败，请让客户把文本粘贴到聊天中。',
      problem: {
        read: {
          'no-access': '客户端无法读取剪贴板（浏览器版没有剪贴板权限）。请让客户把文本粘贴到聊天中。',
          empty: '客户的剪贴板中没有文本。请让客户重新复制。',
          'too-large': '客户的剪贴板文本超过 10,000 个字符。请让客户在聊天中以文件发送。',
        },
        write: {
          'no-access': '客户端无法把文本放到剪贴板（浏览器版没有剪贴板权限）。请改用聊天发送。',
          empty: '没有可放到客户剪贴板的文本。',
          'too-large': '文本超过 10,000 个字符。请在聊天中以文件发送。',
        },
      },
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
