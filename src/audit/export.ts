// An audit search's matches as a CSV file for an auditor's report (导出): one row per entry, times in
// Asia/Shanghai, headers in the reader's language. Only what the search answer already shows: the
// subject masked, never its keyed hash.

import { toCsv } from '../core/csv.js';
import { shanghaiTime } from '../core/time.js';
import type { AuditEntryView } from './search.js';

/** more than this many matches: the export is refused and the auditor asked to narrow the search */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

const COLUMNS: Array<{ zh: string; en: string; value: (e: AuditEntryView) => string | number | boolean | null }> = [
  { zh: '序号', en: 'seq', value: (e) => e.seq },
  { zh: '时间(北京时间)', en: 'time (Asia/Shanghai)', value: (e) => shanghaiTime(e.at) },
  { zh: '类别', en: 'category', value: (e) => e.category },
  { zh: '操作', en: 'action', value: (e) => e.action },
  { zh: '经办人类型', en: 'actor type', value: (e) => e.actor.type },
  { zh: '经办人', en: 'actor', value: (e) => e.actor.id },
  { zh: '姓名', en: 'name', value: (e) => e.actor.name },
  { zh: '经办人地区', en: 'actor region', value: (e) => e.actor.regionCode },
  { zh: '部门', en: 'department', value: (e) => e.actor.department },
  { zh: '结果', en: 'outcome', value: (e) => e.outcome },
  { zh: '错误代码', en: 'error code', value: (e) => e.errorCode },
  { zh: '消息编号', en: 'message id', value: (e) => e.messageId },
  { zh: '会话编号', en: 'conversation id', value: (e) => e.conversationId },
  { zh: '对方地区', en: 'counterparty', value: (e) => e.counterparty },
  { zh: '数据主体(脱敏)', en: 'subject (masked)', value: (e) => e.subjectMasked },
  { zh: '事项', en: 'service item', value: (e) => e.purpose?.serviceItem ?? null },
  { zh: '办件编号', en: 'case', value: (e) => e.purpose?.caseId ?? null },
  { zh: '协议', en: 'agreement', value: (e) => e.purpose?.agreementId ?? null },
  { zh: '资源', en: 'resource', value: (e) => e.resource },
  { zh: '字段', en: 'fields', value: (e) => e.fields?.join(' ') ?? null },
  { zh: '请求摘要', en: 'request hash', value: (e) => e.requestHash },
  { zh: '响应摘要', en: 'response hash', value: (e) => e.responseHash },
  { zh: '详情', en: 'detail', value: (e) => (e.detail ? JSON.stringify(e.detail) : null) },
  { zh: '条目哈希', en: 'entry hash', value: (e) => e.hash },
  { zh: '已存证', en: 'anchored', value: (e) => e.anchored },
];

export function auditEntriesCsv(entries: AuditEntryView[], lang: 'zh-CN' | 'en'): string {
  return toCsv(
    COLUMNS.map((c) => (lang === 'en' ? c.en : c.zh)),
    entries.map((e) => COLUMNS.map((c) => c.value(e))),
  );
}

/** tongban-audit-310000-20261125-153012.csv: the region and when (Asia/Shanghai) */
export function auditExportFileName(regionCode: string, at = new Date()): string {
  return `tongban-audit-${regionCode}-${shanghaiTime(at).replace(/[-:]/g, '').replace(' ', '-')}.csv`;
}
