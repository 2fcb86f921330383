/** The customer's privacy curtain strings (issue 13), merged into CUSTOMER_CATALOG; same keys in both languages. */
export const CURTAIN_STRINGS_EN = {
  curtain: {
    askTitle: 'Hide your screen while the technician works?',
    ask: '{{name}} asks to hide your screen while they work on your computer, for example to type a password or look at private data.',
    itemCurtain: 'Your monitors show a curtain instead of your desktop',
    itemAgentSees: 'The technician still sees your desktop and uses your mouse and keyboard',
    itemLift: 'You can lift it at any time: the Stop button on the curtain, or Ctrl+Alt+Shift+B',
    accept: 'Hide my screen',
    decline: 'Decline',
    up: 'Your screen is hidden by the privacy curtain while the technician works.',
    lift: 'Lift curtain',
    failed: 'The privacy curtain could not be shown on this computer.',
    /** The curtain page itself (curtain.html). */
    pageTitle: 'Privacy curtain',
    working: 'A technician from {{org}} is working on this PC',
    workingNoOrg: 'A technician is working on this PC',
    wait: 'Please do not use the mouse or keyboard until they are done.',
    stop: 'Stop',
    hotkeyHint: 'To lift the curtain at any time, press Stop or Ctrl+Alt+Shift+B.',
  },
};

export const CURTAIN_STRINGS_ZH_CN = {
  curtain: {
    askTitle: '在技术人员操作时隐藏您的屏幕？',
    ask: '{{name}} 请求在操作您的电脑时隐藏您的屏幕，例如输入密码或查看隐私数据。',
    itemCurtain: '您的显示器将显示遮挡画面，而不是您的桌面',
    itemAgentSees: '技术人员仍能看到您的桌面并使用您的鼠标和键盘',
    itemLift: '您可以随时取消遮挡：点击遮挡画面上的“停止”按钮，或按 Ctrl+Alt+Shift+B',
    accept: '隐藏我的屏幕',
    decline: '拒绝',
    up: '技术人员操作期间，您的屏幕已被隐私遮挡隐藏。',
    lift: '取消遮挡',
    failed: '无法在此电脑上显示隐私遮挡。',
    pageTitle: '隐私遮挡',
    working: '来自 {{org}} 的技术人员正在操作这台电脑',
    workingNoOrg: '技术人员正在操作这台电脑',
    wait: '在操作完成之前，请不要使用鼠标或键盘。',
    stop: '停止',
    hotkeyHint: '您可以随时点击“停止”或按 Ctrl+Alt+Shift+B 取消遮挡。',
  },
};
