// The 审计日志 page's pure parts, tested on their own (test/web/audit-log.test.ts): the filters it offers,
// the date range an auditor picks (calendar days in Beijing time) as the UTC bounds the server compares,
// the wording key of each action the log records, and the form as the server's filters.
import type { ParseKeys } from 'i18next';
import type { AuditSearchFilters } from '../../audit/search.js';
import type { AuditCategory, AuditOutcome } from '../../audit/event.js';
import { checkIdNumber, normaliseIdNumber } from '../exchange/idNumber.js';
import type { IdNumberFailure } from '../exchange/idNumber.js';

// The server's lists (src/audit/event.ts), in the order the page offers them; a Record so that a
// category or outcome added there fails the web build until it is offered here.
const CATEGORIES: Record<AuditCategory, true> = { exchange: true, admin: true, membership: true, security: true };
const OUTCOMES: Record<AuditOutcome, true> = { ok: true, refused: true, error: true, pending: true };
export const AUDIT_CATEGORIES = Object.keys(CATEGORIES) as AuditCategory[];
export const AUDIT_OUTCOMES = Object.keys(OUTCOMES) as AuditOutcome[];

/** The page sizes offered; the server takes 1–200 and answers 50 when none is given. */
export const AUDIT_PAGE_SIZES = [20, 50, 100, 200] as const;
export const AUDIT_DEFAULT_PAGE_SIZE = 50;

// ---- dates ---------------------------------------------------------------------------------------

/** Beijing time is UTC+8 all year (no daylight saving): a calendar day there starts at 16:00 UTC the day before. */
const BEIJING_OFFSET = '+08:00';
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC instant a Beijing calendar day (YYYY-MM-DD, as a date input gives it) starts at; undefined for anything else. */
export function beijingDayStart(date: string): string | undefined {
  const m = DATE.exec(date);
  if (!m) return undefined;
  const ms = Date.parse(`${date}T00:00:00${BEIJING_OFFSET}`);
  // Date.parse rolls 02-30 over into March: only a day that exists is accepted
  if (Number.isNaN(ms) || new Date(ms + 8 * 3600_000).getUTCDate() !== Number(m[3])) return undefined;
  return new Date(ms).toISOString();
}

/** The day after a YYYY-MM-DD date, in the same form. */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export type DateRangeProblem = 'fromInvalid' | 'toInvalid' | 'fromAfterTo';

/**
 * The search's bounds for the days from `fromDate` to `toDate`, both inclusive and both in Beijing time
 * (either may be empty: open on that side): `from` is the start of the first day, `to` (exclusive) the
 * start of the day after the last, both in UTC as the server compares them.
 */
export function beijingDayRange(fromDate: string, toDate: string): { from?: string; to?: string } | { problem: DateRangeProblem } {
  const from = fromDate ? beijingDayStart(fromDate) : undefined;
  if (fromDate && !from) return { problem: 'fromInvalid' };
  const to = toDate && beijingDayStart(toDate) ? beijingDayStart(nextDay(toDate)) : undefined;
  if (toDate && !to) return { problem: 'toInvalid' };
  if (from && to && from >= to) return { problem: 'fromAfterTo' };
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

// ---- actions -------------------------------------------------------------------------------------

/** The actions this node's log records, grouped as the page's action list offers them (a node's log: no member.*). */
export const ACTION_GROUPS: ReadonlyArray<{ category: 'exchange' | 'security' | 'admin'; actions: readonly string[] }> = [
  {
    category: 'exchange',
    actions: [
      'exchange.request.sent',
      'exchange.response.received',
      'exchange.evidence.exported',
      'exchange.request.served',
      'exchange.request.accepted',
      'exchange.request.refused',
      'exchange.request.rejected',
    ],
  },
  { category: 'security', actions: ['audit.subject-searched', 'audit.restore-declared', 'audit.restore-recorded', 'key.generated', 'key.rotated'] },
  { category: 'admin', actions: ['user.created', 'user.disabled', 'user.enabled', 'user.password-reset', 'directory.publication.accepted'] },
];

/** The catalogue's kinds and workflow steps (src/catalog/store.ts: catalog.<kind>.<step>). */
export const CATALOG_KINDS = ['resource', 'certificate-type', 'item', 'element'] as const;
export const CATALOG_STEPS = ['created', 'updated', 'submitted', 'withdrawn', 'returned', 'approved', 'discarded', 'retired', 'seeded', 'imported'] as const;

/** Actions with a fixed wording (auditLog.actions.*): every group's, and the hub's membership actions. */
const FIXED_ACTIONS: ReadonlySet<string> = new Set([
  ...ACTION_GROUPS.flatMap((g) => g.actions),
  'member.requested',
  'member.approved',
  'member.rejected',
  'member.suspended',
  'member.reinstated',
  'member.revoked',
  'member.updated',
  'member.change-requested',
  'member.change-approved',
  'member.change-rejected',
  'member.key-rotated',
]);

/** An action's wording: its key and the values it takes (a catalogue step names the kind and the step). */
export interface ActionWording {
  key: ParseKeys;
  values?: { kind: ParseKeys; step: ParseKeys };
}

/** How the page words an action; undefined for one it does not know (shown as its code). */
export function actionWording(action: string): ActionWording | undefined {
  if (FIXED_ACTIONS.has(action)) return { key: `auditLog.actions.${action}` as ParseKeys };
  const m = /^catalog\.([a-z-]+)\.([a-z-]+)$/.exec(action);
  if (m && (CATALOG_KINDS as readonly string[]).includes(m[1]!) && (CATALOG_STEPS as readonly string[]).includes(m[2]!)) {
    return { key: 'auditLog.catalogAction', values: { kind: `auditLog.catalogKind.${m[1]}` as ParseKeys, step: `auditLog.catalogStep.${m[2]}` as ParseKeys } };
  }
  return undefined;
}

/** Every action the page words (for the catalogue's check that each has its text in both languages). */
export function knownActions(): string[] {
  return [...FIXED_ACTIONS, ...CATALOG_KINDS.flatMap((k) => CATALOG_STEPS.map((s) => `catalog.${k}.${s}`))];
}

// ---- the form ------------------------------------------------------------------------------------

/** The search form as typed: every field a string ('' = not narrowed by it), the page size a number. */
export interface AuditSearchForm {
  subject: string;
  category: AuditCategory | '';
  outcome: AuditOutcome | '';
  action: string;
  actor: string;
  counterparty: string;
  /** YYYY-MM-DD, Beijing time (a date input's value) */
  dateFrom: string;
  dateTo: string;
  messageId: string;
  pageSize: number;
}

export const EMPTY_SEARCH_FORM: AuditSearchForm = {
  subject: '',
  category: '',
  outcome: '',
  action: '',
  actor: '',
  counterparty: '',
  dateFrom: '',
  dateTo: '',
  messageId: '',
  pageSize: AUDIT_DEFAULT_PAGE_SIZE,
};

/** What keeps a form from being sent: an ID number that fails its check, a date range, a region code. */
export interface AuditFormProblems {
  subject?: IdNumberFailure;
  dates?: DateRangeProblem;
  counterparty?: true;
}

/**
 * The form as the server's filters, or what is wrong with it (then nothing is sent). A subject of digits
 * (and a final X) is an ID number, checked here as the exchange form checks it; one with other letters
 * is a 统一社会信用代码, which the server checks (its refusal is shown as it words it).
 */
export function filtersOfForm(form: AuditSearchForm, today: Date = new Date()): { filters: AuditSearchFilters } | { problems: AuditFormProblems } {
  const problems: AuditFormProblems = {};
  const filters: AuditSearchFilters = { limit: form.pageSize };
  const subject = normaliseIdNumber(form.subject).toUpperCase();
  if (subject) {
    const id = /^[0-9]+X?$/.test(subject) ? checkIdNumber(subject, today) : undefined;
    if (id && !id.ok) problems.subject = id;
    filters.subject = subject;
  }
  const range = beijingDayRange(form.dateFrom, form.dateTo);
  if ('problem' in range) problems.dates = range.problem;
  else Object.assign(filters, range);
  const counterparty = form.counterparty.trim();
  if (counterparty && !/^[0-9]{6}$/.test(counterparty)) problems.counterparty = true;
  if (counterparty) filters.counterparty = counterparty;
  if (form.category) filters.category = form.category;
  if (form.outcome) filters.outcome = form.outcome;
  if (form.action) filters.action = form.action;
  if (form.actor.trim()) filters.actor = form.actor.trim();
  if (form.messageId.trim()) filters.messageId = form.messageId.trim();
  return Object.keys(problems).length > 0 ? { problems } : { filters };
}
