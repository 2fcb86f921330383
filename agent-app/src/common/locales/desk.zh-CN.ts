import type { DESK_EN } from './desk.en.ts';

/** 服务台：控制台顶部的在线状态、分配请求和排队列表。 */
export const DESK_ZH_CN: typeof DESK_EN = {
  desk: {
    availability: '在线状态',
    state: {
      available: '空闲',
      busy: '忙碌',
      away: '离开',
    },
    limit: '同时会话数',
    limitHint: '您同时接待的客户数（最多 {{n}} 个；0 = 不接新请求）。',
    queue: '排队',
    queueTitle: '您的队列中等待的请求',
    queueEmpty: '没有人在等待。',
    requestState: {
      waiting: '等待中',
      offered: '正在分配',
      assigned: '已接待',
    },
    waited: '已等待 {{duration}}',
    offerTitle: '帮助请求',
    offerNotify: '{{name}} 请求帮助',
    noPhone: '未留电话',
    noDescription: '未填写问题描述',
    answerIn: '请在 {{s}} 秒内回应',
    accept: '接受',
    decline: '拒绝',
    control: '请求控制鼠标和键盘',
  },
};
