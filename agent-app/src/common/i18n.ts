/**
 * The agent console's own strings (the shared catalog adds `errors.*` and `ended.*`).
 * Both locales carry exactly the same keys; a test checks it. Chinese is written for
 * support engineers in China, who are most of this console's users.
 */
import type { Catalog } from '@beacon/shared/i18n';
import { ACCOUNT_EN } from './locales/account.en.ts';
import { ACCOUNT_ZH_CN } from './locales/account.zh-CN.ts';
import { ACCOUNTS_EN } from './locales/accounts.en.ts';
import { ACCOUNTS_ZH_CN } from './locales/accounts.zh-CN.ts';
import { COLLAB_EN } from './locales/collab.en.ts';
import { CONTROL_EN } from './locales/control.en.ts';
import { CONTROL_ZH_CN } from './locales/control.zh-CN.ts';
import { COLLAB_ZH_CN } from './locales/collab.zh-CN.ts';
import { DESK_EN } from './locales/desk.en.ts';
import { DESK_ZH_CN } from './locales/desk.zh-CN.ts';
import { RECORDING_EN } from './locales/recording.en.ts';
import { RECORDING_ZH_CN } from './locales/recording.zh-CN.ts';
import { SOUND_EN } from './locales/sound.en.ts';
import { SOUND_ZH_CN } from './locales/sound.zh-CN.ts';
import { VOICE_EN } from './locales/voice.en.ts';
import { VOICE_ZH_CN } from './locales/voice.zh-CN.ts';
import { CAMERA_EN } from './locales/camera.en.ts';
import { CAMERA_ZH_CN } from './locales/camera.zh-CN.ts';
import { CURTAIN_EN } from './locales/curtain.en.ts';
import { CURTAIN_ZH_CN } from './locales/curtain.zh-CN.ts';

export const AGENT_CATALOG = {
  en: {
    ...ACCOUNT_EN,
    ...ACCOUNTS_EN,
    ...COLLAB_EN,
    ...CONTROL_EN,
    ...DESK_EN,
    ...RECORDING_EN,
    ...VOICE_EN,
    ...SOUND_EN,
    ...CAMERA_EN,
    ...CURTAIN_EN,
    app: {
      name: 'Beacon',
      title: 'Agent Console',
    },
    lang: {
      label: 'Language',
      en: 'EN',
      'zh-CN': '中文',
    },
    login: {
      heading: 'Sign in to the agent console',
      intro: 'Use the seat account your team administrator gave you.',
      login: 'Login',
      password: 'Password',
      submit: 'Sign in',
      busy: 'Signing in…',
      connecting: 'Connecting to the relay…',
      relay: 'Relay',
      setupNeeded: 'This relay is not set up yet. Open the setup link it printed when it first started (in its console or log).',
    },
    header: {
      signedInAs: 'Signed in as {{name}}',
      signOut: 'Sign out',
      online: 'Connected',
      reconnecting: 'Reconnecting…',
    },
    tabs: {
      label: 'Sessions',
      new: 'New connection',
      close: 'Close tab',
      state: {
        pending: 'Waiting',
        active: 'Live',
        ended: 'Ended',
      },
    },
    connect: {
      heading: 'Connect to a customer',
      again: 'Connect again',
      againIntro: 'Codes work only once: ask the customer for the new code on their screen.',
      intro: 'Ask the customer to open Beacon and read out the ID and the one-time code shown on their screen.',
      deviceId: 'Customer ID',
      deviceIdPlaceholder: '123 456 789',
      code: 'One-time code',
      codePlaceholder: 'ABC234',
      control: 'Request remote control',
      controlHint: 'Leave unticked to ask for view only.',
      submit: 'Connect',
      busy: 'Connecting…',
      'invalid-id': 'Enter the 9-digit ID shown on the customer’s screen.',
      'invalid-code': 'Enter the 6-character code shown on the customer’s screen.',
      customer: 'Customer (optional)',
      customerSuggested: 'Last linked to this device. Change it if someone else is calling.',
    },
    session: {
      customer: 'Customer {{id}}',
      waiting: 'Waiting for the customer to accept…',
      waitingHint: 'The customer sees a prompt with your name and has {{seconds}} seconds to answer.',
      noVideo: 'Waiting for the first picture…',
      viewOnly: 'View only',
      control: 'Remote control',
      controlHint: 'Click the screen to control it. While it has focus, your keyboard types on the customer’s PC.',
      end: 'End session',
      cancel: 'Cancel request',
      close: 'Close tab',
      customerLabel: 'Customer',
      openCustomer: 'Open record',
      linkSuggested: 'Link to {{name}} (last on this device)',
    },
    status: {
      fps: 'Frame rate',
      bitrate: 'Bitrate',
      latency: 'Latency',
      resolution: 'Resolution',
      codec: 'Codec',
      none: '—',
      link: 'Link',
      slowLink: 'Slow connection: the picture is reduced to keep up',
      path: 'Path',
      pathWebrtc: 'Direct (UDP)',
      pathWebsocket: 'Relay TCP (UDP blocked)',
    },
    notice: {
      dismiss: 'Dismiss',
    },
  },
  'zh-CN': {
    ...ACCOUNT_ZH_CN,
    ...ACCOUNTS_ZH_CN,
    ...COLLAB_ZH_CN,
    ...CONTROL_ZH_CN,
    ...DESK_ZH_CN,
    ...RECORDING_ZH_CN,
    ...VOICE_ZH_CN,
    ...SOUND_ZH_CN,
    ...CAMERA_ZH_CN,
    ...CURTAIN_ZH_CN,
    app: {
      name: 'Beacon',
      title: '坐席控制台',
    },
    lang: {
      label: '语言',
      en: 'EN',
      'zh-CN': '中文',
    },
    login: {
      heading: '登录坐席控制台',
      intro: '请使用团队管理员为您分配的坐席账号登录。',
      login: '账号',
      password: '密码',
      submit: '登录',
      busy: '正在登录…',
      connecting: '正在连接中继服务器…',
      relay: '中继服务器',
      setupNeeded: '该中继服务器尚未完成设置。请打开它首次启动时输出的设置链接（见服务器控制台或日志）。',
    },
    header: {
      signedInAs: '当前坐席：{{name}}',
      signOut: '退出登录',
      online: '已连接',
      reconnecting: '正在重新连接…',
    },
    tabs: {
      label: '会话',
      new: '新建连接',
      close: '关闭标签页',
      state: {
        pending: '等待确认',
        active: '进行中',
        ended: '已结束',
      },
    },
    connect: {
      heading: '连接客户',
      again: '重新连接',
      againIntro: '验证码只能使用一次，请向客户索取屏幕上显示的新验证码。',
      intro: '请客户打开 Beacon，并念出屏幕上显示的识别码和一次性验证码。',
      deviceId: '客户识别码',
      deviceIdPlaceholder: '123 456 789',
      code: '一次性验证码',
      codePlaceholder: 'ABC234',
      control: '请求远程控制',
      controlHint: '不勾选则仅请求查看屏幕。',
      submit: '连接',
      busy: '正在连接…',
      'invalid-id': '请输入客户屏幕上显示的 9 位识别码。',
      'invalid-code': '请输入客户屏幕上显示的 6 位验证码。',
      customer: '客户（可选）',
      customerSuggested: '这是该设备上次关联的客户。如果来电的是其他人，请更换。',
    },
    session: {
      customer: '客户 {{id}}',
      waiting: '正在等待客户确认…',
      waitingHint: '客户会看到带有您姓名的确认提示，需在 {{seconds}} 秒内响应。',
      noVideo: '正在等待第一帧画面…',
      viewOnly: '仅查看',
      control: '远程控制',
      controlHint: '点击画面即可控制。画面获得焦点时，键盘输入将发送到客户电脑。',
      end: '结束会话',
      cancel: '取消请求',
      close: '关闭标签页',
      customerLabel: '客户',
      openCustomer: '查看档案',
      linkSuggested: '关联到 {{name}}（该设备上次的客户）',
    },
    status: {
      fps: '帧率',
      bitrate: '码率',
      latency: '延迟',
      resolution: '分辨率',
      codec: '编码',
      none: '—',
      link: '链路',
      slowLink: '网络较慢：已降低画面质量以保持流畅',
      path: '通道',
      pathWebrtc: '直连（UDP）',
      pathWebsocket: '中继 TCP（UDP 被阻止）',
    },
    notice: {
      dismiss: '关闭',
    },
  },
} satisfies Catalog;
