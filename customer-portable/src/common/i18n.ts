import type { Catalog } from '@beacon/shared/i18n';

/**
 * The customer app's own strings. Protocol errors (`errors.*`) and end reasons (`ended.*`)
 * come from the shared catalog; `createI18n` merges both. Keep en and zh-CN key for key
 * identical (a test checks).
 *
 * The customer is not technical and is often reading this aloud to an agent on the phone,
 * so sentences are short and say what happens next.
 */
export const CUSTOMER_CATALOG = {
  en: {
    app: {
      title: 'Beacon Remote Support',
      tagline: 'Let a support agent see your screen and help you.',
    },
    start: {
      idLabel: 'Your ID',
      codeLabel: 'One-time code',
      instructions: 'Read this ID and code out to your support agent. Nobody can connect without your permission.',
      copy: 'Copy ID and code',
      copied: 'Copied',
      copyFailed: 'Could not copy. Please read the ID and code out instead.',
      copyText: 'ID: {{id}} Code: {{code}}',
      placeholder: 'Waiting for the server…',
    },
    status: {
      connecting: 'Connecting to the Beacon server…',
      ready: 'Ready. Your support agent can now send you a request.',
      retrying: 'Beacon will try again automatically in {{seconds}} s. You can leave this window open.',
      starting: 'Starting screen sharing…',
      startFailed: 'The session could not start. Ask your support agent to send the request again.',
      /** Two sentences in a row (Chinese puts no space between them). */
      twoSentences: '{{first}} {{second}}',
    },
    consent: {
      title: 'Allow remote support?',
      fromOrg: 'from {{org}}',
      askView: '{{name}} wants to see your screen.',
      askControl: '{{name}} wants to see your screen and control your mouse and keyboard.',
      itemView: 'See your screen',
      itemControl: 'Use your mouse and keyboard',
      recorded: 'The support team records this session for quality and security.',
      stopHint: 'You can stop at any time with the Stop button.',
      accept: 'Allow',
      deny: 'Deny',
      denied: 'You declined the request. Nobody is connected to your computer.',
      expired: 'The request was not answered in time. Ask your agent to send it again.',
      withdrawn: 'The agent withdrew the request.',
    },
    session: {
      controlling: '{{name}} is controlling your computer',
      viewing: '{{name}} is viewing your screen',
      stop: 'Stop',
      hotkey: 'You can also press {{keys}} to stop.',
      youStopped: 'You stopped the session. Nobody can see or control your screen now.',
    },
    lang: {
      label: 'Language',
    },
  },
  'zh-CN': {
    app: {
      title: 'Beacon 远程协助',
      tagline: '让客服人员查看您的屏幕，为您远程解决问题。',
    },
    start: {
      idLabel: '您的识别码',
      codeLabel: '一次性验证码',
      instructions: '请把识别码和验证码告诉客服人员。未经您同意，任何人都无法连接。',
      copy: '复制识别码和验证码',
      copied: '已复制',
      copyFailed: '复制失败，请直接念出识别码和验证码。',
      copyText: '识别码：{{id}} 验证码：{{code}}',
      placeholder: '正在等待服务器…',
    },
    status: {
      connecting: '正在连接 Beacon 服务器…',
      ready: '已就绪，客服人员现在可以向您发起请求。',
      retrying: '将在 {{seconds}} 秒后自动重试，请保持此窗口打开。',
      starting: '正在开始共享屏幕…',
      startFailed: '会话未能开始。请让客服人员重新发起请求。',
      twoSentences: '{{first}}{{second}}',
    },
    consent: {
      title: '是否允许远程协助？',
      fromOrg: '来自 {{org}}',
      askView: '{{name}} 请求查看您的屏幕。',
      askControl: '{{name}} 请求查看您的屏幕，并操作您的鼠标和键盘。',
      itemView: '查看您的屏幕',
      itemControl: '操作您的鼠标和键盘',
      recorded: '为保证服务质量和安全，客服团队会对本次会话进行录制。',
      stopHint: '您可以随时点击“停止”按钮结束协助。',
      accept: '允许',
      deny: '拒绝',
      denied: '您已拒绝该请求，目前没有任何人连接到您的电脑。',
      expired: '请求已超时。请让客服人员重新发起请求。',
      withdrawn: '客服人员已撤回请求。',
    },
    session: {
      controlling: '{{name}} 正在控制您的电脑',
      viewing: '{{name}} 正在查看您的屏幕',
      stop: '停止',
      hotkey: '也可以按 {{keys}} 停止。',
      youStopped: '您已停止会话，现在没有人能查看或控制您的屏幕。',
    },
    lang: {
      label: '语言',
    },
  },
} satisfies Catalog;

/** Names shown on the language switch, each in its own language. */
export const LOCALE_NAMES = { en: 'English', 'zh-CN': '中文' } as const;
