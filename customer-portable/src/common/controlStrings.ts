/** What the session bar says about remote control (issue 13), merged into CUSTOMER_CATALOG; same keys in both languages. */
export const CONTROL_STRINGS_EN = {
  barNotice: {
    monitor: 'Showing: {{name}}',
    allMonitors: 'all monitors',
    unnamedMonitor: 'monitor {{index}}',
    clipboardRead: 'Your agent copied your clipboard ({{chars}} characters)',
    clipboardWritten: 'Your agent put text on your clipboard ({{chars}} characters)',
    clipboardImageRead: 'Your agent copied the image on your clipboard ({{kb}} KB)',
    clipboardImageWritten: 'Your agent put an image on your clipboard ({{kb}} KB)',
    // Other agents in the session (issue 12): the bar lists who else is connected.
    others: 'Also connected: {{name}}',
    watching: '{{name}} (watching)',
    helping: '{{name}} (helping)',
    controlling: '{{name}} (controlling)',
  },
};

export const CONTROL_STRINGS_ZH_CN: typeof CONTROL_STRINGS_EN = {
  barNotice: {
    monitor: '正在显示：{{name}}',
    allMonitors: '所有显示器',
    unnamedMonitor: '显示器 {{index}}',
    clipboardRead: '您的客服复制了您的剪贴板（{{chars}} 个字符）',
    clipboardWritten: '您的客服在您的剪贴板上放了文字（{{chars}} 个字符）',
    clipboardImageRead: '您的客服复制了您剪贴板上的图片（{{kb}} KB）',
    clipboardImageWritten: '您的客服在您的剪贴板上放了一张图片（{{kb}} KB）',
    others: '同时在线：{{name}}',
    watching: '{{name}}（旁观）',
    helping: '{{name}}（协助）',
    controlling: '{{name}}（正在控制）',
  },
};
