import i18next, { type i18n as I18n, type Resource } from 'i18next';
import type { EndReason, ErrorCode } from './errors.ts';
import { TRANSFER_CATALOG } from './transferStrings.ts';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** Picks the UI language from the system's preferred languages: any Chinese -> zh-CN, else en. */
export function detectLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/** A catalog: the same nested keys in every locale (checked by a test). */
export type Catalog = Record<Locale, Record<string, unknown>>;

/**
 * Messages for every error code and end reason, shared by both apps, each saying what to do
 * next. Keys: `errors.<ErrorCode>`, `errors.relay-unreachable`, `ended.<EndReason>`.
 */
export const SHARED_CATALOG = {
  en: {
    errors: {
      'bad-message': 'The other side sent something Beacon did not understand. Update both apps and try again.',
      'version-mismatch': 'This app and the relay speak different protocol versions. Update the app, then reconnect.',
      unauthorized: 'You are not signed in, or your sign-in has expired. Sign in again.',
      forbidden: 'Your account is not allowed to do that. Ask an administrator.',
      'wrong-code': 'That ID and code do not match. Ask the customer to read out the code shown on their screen.',
      locked: 'Too many wrong codes for this ID. Wait a minute, then ask the customer for the current code.',
      'rate-limited': 'Too many attempts from this address. Wait a few minutes and try again.',
      'unknown-device': 'No customer with that ID is online. Check the 9-digit ID and that the customer app is open.',
      'device-busy': 'That customer is already in a session or answering another request. Try again when it has ended.',
      denied: 'The customer declined the request. Talk to them, then send a new request.',
      'consent-timeout': 'The customer did not answer in time. Ask them to watch for the prompt, then try again.',
      'not-found': 'That session no longer exists. Start a new one.',
      'not-allowed': 'The customer has not granted that permission for this session.',
      internal: 'Something went wrong on the relay. Try again; if it keeps happening, tell your administrator.',
      'concurrency-limit': 'You already have as many sessions open as your seat allows. End one of them, or ask an administrator to raise your limit.',
      conflict: 'That clashes with something that already exists. Reload the page, check the details and try again.',
      'account-locked': 'This account is locked after too many wrong passwords. Ask an owner or administrator to unlock it.',
      'account-disabled': 'This account has been disabled. Ask an owner or administrator to enable it again.',
      'too-large': 'That is too large to send. Files can be at most 10 MB; send a smaller file or split it.',
      'not-delivered': 'The file did not arrive complete, so it was discarded. Send it again; if it keeps failing, reconnect the session.',
      'too-many': 'Too many at once for this session. Wait for the files already on their way to finish, then try again.',
      'relay-unreachable': 'Cannot reach the relay server. Check your network connection and the relay address, then try again.',
      'login-failed': 'Wrong login or password. Check them and try again.',
      'capture-failed': 'The screen could not be captured. Close other screen-sharing apps and try again.',
      'decode-failed': 'The video could not be shown. Reconnect to the customer.',
    },
    ended: {
      'customer-stopped': 'The customer stopped the session.',
      'agent-ended': 'The session was ended by the agent.',
      'customer-disconnected': 'The customer went offline. Ask them to reopen the app and read out the new code.',
      'agent-disconnected': 'The agent went offline.',
      'relay-shutdown': 'The relay server is restarting. Connect again in a moment.',
      'link-failed': "The customer accepted, but their connection to the relay could not carry the session. Ask them to restart the app (a firewall may block UDP to the relay), then connect again.",
      'network-lost': 'The connection was lost and did not come back within the waiting time. Connect again.',
    },
    resume: {
      peerAway: {
        agent: 'The agent’s connection dropped. Reconnecting… The session ends in {{seconds}} s unless the agent is back.',
        customer: 'The customer’s connection dropped. Reconnecting… The session ends in {{seconds}} s unless the customer is back.',
      },
      relinking: 'Your connection dropped. Reconnecting to the same session…',
    },
  },
  'zh-CN': {
    errors: {
      'bad-message': '对方发送了无法识别的数据。请将两端应用更新到最新版本后重试。',
      'version-mismatch': '本应用与中继服务器的协议版本不一致。请更新应用后重新连接。',
      unauthorized: '您尚未登录或登录已过期，请重新登录。',
      forbidden: '您的账号无权执行此操作，请联系管理员。',
      'wrong-code': '识别码与验证码不匹配。请让客户念出屏幕上显示的验证码。',
      locked: '此识别码的错误验证码次数过多。请等待一分钟后，再向客户索取当前验证码。',
      'rate-limited': '来自此地址的尝试次数过多，请几分钟后再试。',
      'unknown-device': '没有找到该识别码的在线客户。请核对 9 位识别码，并确认客户端已打开。',
      'device-busy': '该客户正在会话中或正在处理其他请求，请在结束后再试。',
      denied: '客户拒绝了请求。请先与客户沟通，再重新发起请求。',
      'consent-timeout': '客户未及时响应。请提醒客户留意弹出的提示，然后重试。',
      'not-found': '该会话已不存在，请重新发起。',
      'not-allowed': '客户尚未在本次会话中授予该权限。',
      internal: '中继服务器出现错误。请重试；如果问题持续，请联系管理员。',
      'concurrency-limit': '您打开的会话数已达到本坐席的上限。请先结束一个会话，或请管理员提高上限。',
      conflict: '该操作与已有数据冲突。请刷新页面，核对信息后重试。',
      'account-locked': '密码错误次数过多，此账号已被锁定。请联系所有者或管理员解锁。',
      'account-disabled': '此账号已被停用。请联系所有者或管理员重新启用。',
      'too-large': '内容太大，无法发送。文件最大 10 MB，请发送较小的文件或拆分后再发。',
      'not-delivered': '文件未能完整送达，已被丢弃。请重新发送；如果仍然失败，请重新连接会话。',
      'too-many': '本次会话同时进行的操作过多。请等待正在传输的文件完成后再试。',
      'relay-unreachable': '无法连接到中继服务器。请检查网络连接和服务器地址后重试。',
      'login-failed': '账号或密码错误，请检查后重试。',
      'capture-failed': '无法捕获屏幕。请关闭其他屏幕共享软件后重试。',
      'decode-failed': '无法显示画面，请重新连接客户。',
    },
    ended: {
      'customer-stopped': '客户已停止会话。',
      'agent-ended': '坐席已结束会话。',
      'customer-disconnected': '客户已离线。请让客户重新打开应用并念出新的验证码。',
      'agent-disconnected': '坐席已离线。',
      'relay-shutdown': '中继服务器正在重启，请稍后重新连接。',
      'link-failed': '客户已同意，但其与中继服务器的连接无法承载会话。请让客户重启应用（防火墙可能阻止了到中继服务器的 UDP），然后重新连接。',
      'network-lost': '连接已中断，且未在等待时间内恢复。请重新连接。',
    },
    resume: {
      peerAway: {
        agent: '坐席的连接已中断，正在重新连接…… 如果坐席未能恢复，会话将在 {{seconds}} 秒后结束。',
        customer: '客户的连接已中断，正在重新连接…… 如果客户未能恢复，会话将在 {{seconds}} 秒后结束。',
      },
      relinking: '您的连接已中断，正在重新连接到同一会话……',
    },
  },
} satisfies Catalog;

export type UiErrorCode = ErrorCode | 'relay-unreachable' | 'login-failed' | 'capture-failed' | 'decode-failed';
export const errorKey = (code: UiErrorCode): string => `errors.${code}`;
export const endedKey = (reason: EndReason): string => `ended.${reason}`;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? merge(prev, v) : v;
  }
  return out;
}

/** Lists every leaf key of a catalog locale, dotted, sorted; tests compare locales with it. */
export function catalogKeys(tree: Record<string, unknown>, prefix = ''): string[] {
  const keys: string[] = [];
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v)) keys.push(...catalogKeys(v, path));
    else keys.push(path);
  }
  return keys.sort();
}

/** An i18next instance with the shared catalog plus an app's own, in the given locale. */
export function createI18n(appCatalog: Catalog, locale: Locale): I18n {
  const resources: Resource = {};
  for (const l of LOCALES) {
    resources[l] = { translation: merge(merge(SHARED_CATALOG[l], TRANSFER_CATALOG[l]), appCatalog[l]) as Record<string, string> };
  }
  const inst = i18next.createInstance();
  void inst.init({
    resources,
    lng: locale,
    fallbackLng: 'en',
    initImmediate: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<typeof inst.init>[0]);
  return inst;
}
