/** 控制台中的隐私遮挡（issue 13）；与 curtain.en.ts 的键相同。 */
export const CURTAIN_ZH_CN = {
  curtain: {
    toggle: '隐私遮挡',
    toggleHint: '在您操作时（输入密码、查看隐私数据）对客户隐藏其屏幕。您仍能看到并控制桌面。开启前会先征得客户同意，客户可随时取消。',
    lower: '取消隐私遮挡',
    asking: '正在等待客户…',
    declined: '客户拒绝了隐私遮挡。',
    on: '遮挡已开启',
    onHint: '客户的显示器显示遮挡画面；您看到的是真实桌面。',
    lifted: '客户已取消隐私遮挡。',
    lowered: '隐私遮挡已关闭。',
    failed: '无法在这台电脑上显示隐私遮挡。',
    unavailable: '这台电脑不支持隐私遮挡（需要 Windows 10 2004 或更高版本）',
  },
};
