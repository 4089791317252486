// Display formatting. Times are stored and sent in UTC and always shown in Beijing time.
import type { Lang } from './i18n';

export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(lang: Lang): Intl.DateTimeFormat {
  let f = dateTimeFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, {
      timeZone: DISPLAY_TIME_ZONE,
      year: 'numeric',
      month: lang === 'en' ? 'short' : '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    dateTimeFormats.set(lang, f);
  }
  return f;
}

function parse(value: string | Date | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2025/06/01 14:03:22" (zh-CN) or "Jun 01, 2025, 14:03:22" (en), Beijing time. Unparseable input is returned as is. */
export function formatDateTime(value: string | Date | null | undefined, lang: Lang): string {
  const d = parse(value);
  if (!d) return typeof value === 'string' ? value : '';
  return dateTimeFormat(lang).format(d);
}

/**
 * "3 分钟前" / "3 minutes ago"; future times read "in 2 days". Within 45 s of now it returns
 * `justNow` (a translated "刚刚" / "just now"), which reads better than Intl's "现在" / "now".
 */
export function formatRelative(value: string | Date | null | undefined, lang: Lang, justNow: string, now: Date = new Date()): string {
  const d = parse(value);
  if (!d) return '';
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  if (abs < 45) return justNow;
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}

/** Milliseconds until `value` (negative when past), or null when unparseable. */
export function msUntil(value: string | null | undefined, now: Date = new Date()): number | null {
  const d = parse(value);
  return d ? d.getTime() - now.getTime() : null;
}
