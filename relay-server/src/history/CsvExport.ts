/**
 * The remote-control log as CSV for Excel: UTF-8 with a byte order mark (without it Excel
 * reads Chinese as mojibake), CRLF lines, RFC 4180 quoting, and cells that would start a
 * formula (`=`, `+`, `-`, `@`) prefixed with `'`, since customer names are typed by people.
 * Headers and outcomes are written in the viewer's language.
 */
import type { SessionOutcome, SessionRow } from '@beacon/shared/api';
import { createI18n, type Locale } from '@beacon/shared/i18n';

export const CSV_BOM = '\uFEFF';

const CSV_CATALOG = {
  en: {
    csv: {
      columns: {
        id: 'Session ID',
        seatLogin: 'Seat login',
        seat: 'Seat',
        customer: 'Customer',
        company: 'Company',
        deviceId: 'Device ID',
        requested: 'Requested ({{tz}})',
        start: 'Start ({{tz}})',
        end: 'End ({{tz}})',
        duration: 'Duration (s)',
        outcome: 'Outcome',
        view: 'View granted',
        control: 'Control granted',
        endReason: 'End reason',
      },
      yes: 'yes',
      no: 'no',
      outcome: {
        pending: 'waiting for consent',
        active: 'in progress',
        completed: 'completed',
        'customer-stopped': 'customer stopped',
        denied: 'denied',
        dropped: 'dropped',
        'consent-timeout': 'not answered',
      },
    },
  },
  'zh-CN': {
    csv: {
      columns: {
        id: '会话 ID',
        seatLogin: '坐席账号',
        seat: '坐席',
        customer: '客户',
        company: '公司',
        deviceId: '设备识别码',
        requested: '请求时间（{{tz}}）',
        start: '开始时间（{{tz}}）',
        end: '结束时间（{{tz}}）',
        duration: '时长（秒）',
        outcome: '结果',
        view: '允许查看',
        control: '允许控制',
        endReason: '结束原因',
      },
      yes: '是',
      no: '否',
      outcome: {
        pending: '等待客户同意',
        active: '进行中',
        completed: '已完成',
        'customer-stopped': '客户已停止',
        denied: '客户已拒绝',
        dropped: '连接中断',
        'consent-timeout': '客户未响应',
      },
    },
  },
};

/** One cell: quoted when it must be, and never read as a formula. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** `UTC+08:00` for 480. */
export function tzLabel(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** `2024-05-01 14:03:09` in the given offset. */
export function formatTime(epochMs: number, offsetMinutes: number): string {
  return new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

export class CsvFormatter {
  private readonly t: (key: string, opts?: Record<string, unknown>) => string;

  constructor(
    locale: Locale,
    private readonly tzOffsetMinutes: number,
  ) {
    const i18n = createI18n(CSV_CATALOG, locale);
    this.t = (key, opts) => i18n.t(key, opts ?? {});
  }

  header(): string {
    const tz = tzLabel(this.tzOffsetMinutes);
    const keys = ['id', 'seatLogin', 'seat', 'customer', 'company', 'deviceId', 'requested', 'start', 'end', 'duration', 'outcome', 'view', 'control', 'endReason'];
    return csvLine(keys.map((k) => this.t(`csv.columns.${k}`, { tz })));
  }

  row(s: SessionRow): string {
    const yesNo = (b: boolean) => this.t(b ? 'csv.yes' : 'csv.no');
    const outcome = (o: SessionOutcome) => this.t(`csv.outcome.${o}`);
    return csvLine([
      s.id,
      s.seat.login,
      s.seat.displayName,
      s.customer?.name ?? null,
      s.customer?.company ?? null,
      s.deviceId,
      formatTime(s.requestedAt, this.tzOffsetMinutes),
      s.startedAt === null ? null : formatTime(s.startedAt, this.tzOffsetMinutes),
      s.endedAt === null ? null : formatTime(s.endedAt, this.tzOffsetMinutes),
      s.durationMs === null ? null : Math.round(s.durationMs / 1000),
      outcome(s.outcome),
      yesNo(s.permissions.view),
      yesNo(s.permissions.control),
      s.endReason,
    ]);
  }
}
