// Searching a node's audit log (审计日志查询), for its auditors and data administrators: by the person
// concerned (their ID number or 统一社会信用代码, found through subject_ref, the keyed hash the log
// keeps instead of the number), by exchange message, action, actor, partner region, outcome and time,
// newest first, a page at a time. The log is never changed by reading it; the route (search-routes.ts)
// appends an entry of its own for every search by subject, because such a search is itself an access
// to that person's record.

import type { Kysely } from 'kysely';
import { TongbanError } from '../core/errors.js';
import { idNumberProblemText, validateIdNumber, validateUscc } from '../core/ids/index.js';
import { parseProtocolTime, TIME_PROBLEM } from '../core/time.js';
import type { TongbanDB } from '../store/schema.js';
import { AUDIT_CATEGORIES, AUDIT_OUTCOMES, type AuditCategory, type AuditOutcome } from './event.js';
import { normaliseEntry } from './log.js';

export const AUDIT_SEARCH_DEFAULT_LIMIT = 50;
export const AUDIT_SEARCH_MAX_LIMIT = 200;
/** the command line prints what it reads, no page to fill */
export const AUDIT_TAIL_MAX_LIMIT = 10_000;

/** What a caller may filter on; every filter narrows (AND). */
export interface AuditSearchFilters {
  /** an ID number (GB 11643) or a 统一社会信用代码 (GB 32100): entries about that person or organisation */
  subject?: string;
  messageId?: string;
  category?: AuditCategory;
  /** exact action, e.g. exchange.request.served */
  action?: string;
  /** exact actor id: a login name, a node key id, cli:<user>, … */
  actor?: string;
  /** the partner region of an exchange (6 digits) */
  counterparty?: string;
  outcome?: AuditOutcome;
  /** inclusive lower bound, UTC (2026-11-24T00:00:00.000Z) */
  from?: string;
  /** exclusive upper bound, UTC */
  to?: string;
  /** page cursor: entries with a seq below this (the previous page's nextBefore) */
  before?: number;
  limit?: number;
}

/** One entry as an auditor reads it: the stored row, JSON columns parsed, never subject_ref. */
export interface AuditEntryView {
  seq: number;
  at: string;
  category: string;
  action: string;
  actor: {
    type: string;
    id: string;
    regionCode: string | null;
    department: string | null;
    /** this node's own staff: their name from its accounts (null for another region's user, a node, the system) */
    name: string | null;
  };
  outcome: string;
  errorCode: string | null;
  messageId: string | null;
  conversationId: string | null;
  counterparty: string | null;
  /** 3401**********1234: the only form of the number the log keeps */
  subjectMasked: string | null;
  purpose: { serviceItem: string; caseId: string; agreementId?: string } | null;
  resource: string | null;
  fields: string[] | null;
  requestHash: string | null;
  responseHash: string | null;
  detail: Record<string, string | number | boolean | null> | null;
  hash: string;
  prevHash: string;
  /** covered by a checkpoint the hub has countersigned */
  anchored: boolean;
  /** this node sent the request: its result page and evidence package exist here */
  exchangeRecord: boolean;
}

export interface AuditSearchPage {
  entries: AuditEntryView[];
  /** pass as `before` for the next (older) page; null when this page reaches the log's first match */
  nextBefore: number | null;
  /** the log's last entry (0: empty) */
  head: number;
  /** the highest seq a hub-countersigned checkpoint covers (0: none yet) */
  anchoredThrough: number;
}

/**
 * Checks the filters and turns them into the query's terms; throws E_INVALID_REQUEST naming what is
 * wrong, before anything is read. `subjectRef` hashes a checked subject (the node's subject key).
 */
export function checkAuditSearch(f: AuditSearchFilters, subjectRef: (id: string) => string, maxLimit = AUDIT_SEARCH_MAX_LIMIT): AuditQuery {
  const problems: string[] = [];
  let ref: string | undefined;
  if (f.subject !== undefined) {
    const id = f.subject.trim().toUpperCase();
    const problem = subjectProblem(id);
    if (problem) problems.push(`subject: ${problem}`);
    else ref = subjectRef(id);
  }
  if (f.category !== undefined && !(AUDIT_CATEGORIES as readonly string[]).includes(f.category)) problems.push(`category must be one of ${AUDIT_CATEGORIES.join(', ')}`);
  if (f.outcome !== undefined && !(AUDIT_OUTCOMES as readonly string[]).includes(f.outcome)) problems.push(`outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`);
  if (f.counterparty !== undefined && !/^[0-9]{6}$/.test(f.counterparty)) problems.push('counterparty must be a 6-digit region code');
  const from = timeBound('from', f.from, problems);
  const to = timeBound('to', f.to, problems);
  if (from && to && from >= to) problems.push('from must be before to');
  const limit = f.limit ?? AUDIT_SEARCH_DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) problems.push(`limit must be an integer 1–${maxLimit}`);
  if (f.before !== undefined && (!Number.isInteger(f.before) || f.before < 1)) problems.push('before must be a positive integer (a seq)');
  if (problems.length) throw new TongbanError('E_INVALID_REQUEST', `audit search: ${problems.join('; ')}`);
  return {
    ...(ref ? { subjectRef: ref } : {}),
    ...(f.messageId !== undefined ? { messageId: f.messageId } : {}),
    ...(f.category !== undefined ? { category: f.category } : {}),
    ...(f.action !== undefined ? { action: f.action } : {}),
    ...(f.actor !== undefined ? { actor: f.actor } : {}),
    ...(f.counterparty !== undefined ? { counterparty: f.counterparty } : {}),
    ...(f.outcome !== undefined ? { outcome: f.outcome } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(f.before !== undefined ? { before: f.before } : {}),
    limit,
  };
}

/** The checked terms of a search (subject already hashed). */
export interface AuditQuery {
  subjectRef?: string;
  messageId?: string;
  category?: string;
  action?: string;
  actor?: string;
  counterparty?: string;
  outcome?: string;
  from?: string;
  to?: string;
  before?: number;
  limit: number;
}

/** Why a subject is neither a valid ID number nor a valid 统一社会信用代码 (undefined: it is one). */
function subjectProblem(id: string): string | undefined {
  const person = validateIdNumber(id);
  if (person.valid) return undefined;
  if (validateUscc(id).valid) return undefined;
  // an 18-character value that fails both is most likely a mistyped ID number: name that rule
  return /^[0-9]{17}[0-9X]$/.test(id) || !/[A-Z]/.test(id)
    ? `not a valid GB 11643 ID number: ${idNumberProblemText(person).en}`
    : 'neither a valid GB 11643 ID number nor a valid GB 32100 unified social credit code';
}

function timeBound(name: string, v: string | undefined, problems: string[]): string | undefined {
  if (v === undefined) return undefined;
  const ms = parseProtocolTime(v);
  if (ms === undefined) {
    problems.push(TIME_PROBLEM(name));
    return undefined;
  }
  // stored times are toISOString() text: compare in the same form
  return new Date(ms).toISOString();
}

/** One page of matching entries, newest first. `regionCode` is this node's: only its own users have names here. */
export async function searchAuditLog(db: Kysely<TongbanDB>, q: AuditQuery, regionCode: string): Promise<AuditSearchPage> {
  let query = db
    .selectFrom('audit_entry')
    .leftJoin('app_user', (j) =>
      j.onRef('app_user.id', '=', 'audit_entry.actor_id').on('audit_entry.actor_type', '=', 'user').on('audit_entry.actor_region', '=', regionCode),
    )
    .selectAll('audit_entry')
    .select('app_user.name as actor_name');
  if (q.subjectRef !== undefined) query = query.where('audit_entry.subject_ref', '=', q.subjectRef);
  if (q.messageId !== undefined) query = query.where('audit_entry.message_id', '=', q.messageId);
  if (q.category !== undefined) query = query.where('audit_entry.category', '=', q.category);
  if (q.action !== undefined) query = query.where('audit_entry.action', '=', q.action);
  if (q.actor !== undefined) query = query.where('audit_entry.actor_id', '=', q.actor);
  if (q.counterparty !== undefined) query = query.where('audit_entry.counterparty', '=', q.counterparty);
  if (q.outcome !== undefined) query = query.where('audit_entry.outcome', '=', q.outcome);
  if (q.from !== undefined) query = query.where('audit_entry.at', '>=', q.from);
  if (q.to !== undefined) query = query.where('audit_entry.at', '<', q.to);
  if (q.before !== undefined) query = query.where('audit_entry.seq', '<', q.before);
  // one more than the page: whether an older page exists, without counting every match
  const rows = await query.orderBy('audit_entry.seq', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);

  const [head, anchored, records] = await Promise.all([
    db.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirst(),
    db.selectFrom('audit_checkpoint').select((eb) => eb.fn.max('seq').as('seq')).where('countersignature', 'is not', null).executeTakeFirst(),
    exchangeRecords(db, page.map((r) => r.message_id).filter((m): m is string => m !== null)),
  ]);
  const anchoredThrough = Number(anchored?.seq ?? 0);
  return {
    entries: page.map((r) => toView(r, r.actor_name ?? null, anchoredThrough, records)),
    nextBefore: rows.length > q.limit ? Number(page[page.length - 1]!.seq) : null,
    head: Number(head?.seq ?? 0),
    anchoredThrough,
  };
}

/** The message ids among these that this node sent (exchange_request holds the requester's records). */
async function exchangeRecords(db: Kysely<TongbanDB>, ids: string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set();
  const rows = await db.selectFrom('exchange_request').select('message_id').where('message_id', 'in', unique).execute();
  return new Set(rows.map((r) => r.message_id));
}

function toView(row: Parameters<typeof normaliseEntry>[0], name: string | null, anchoredThrough: number, records: Set<string>): AuditEntryView {
  const r = normaliseEntry(row);
  return {
    seq: r.seq,
    at: r.at,
    category: r.category,
    action: r.action,
    actor: { type: r.actor_type, id: r.actor_id, regionCode: r.actor_region, department: r.actor_department, name },
    outcome: r.outcome,
    errorCode: r.error_code,
    messageId: r.message_id,
    conversationId: r.conversation_id,
    counterparty: r.counterparty,
    subjectMasked: r.subject_masked,
    purpose: r.purpose ? (JSON.parse(r.purpose) as AuditEntryView['purpose']) : null,
    resource: r.resource,
    fields: r.fields ? (JSON.parse(r.fields) as string[]) : null,
    requestHash: r.request_hash,
    responseHash: r.response_hash,
    detail: r.detail ? (JSON.parse(r.detail) as AuditEntryView['detail']) : null,
    hash: r.hash,
    prevHash: r.prev_hash,
    anchored: r.seq <= anchoredThrough,
    exchangeRecord: r.message_id !== null && records.has(r.message_id),
  };
}
