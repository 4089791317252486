// What callers hand to the audit log (AuditEvent), its checks, and how it becomes a row: the subject's
// ID number is replaced by a keyed hash (subject_ref) and a masked form; JSON columns are stored as
// their canonical text so the hashed bytes are exactly what is stored.

import { createHmac } from 'node:crypto';
import { canonicalize } from '../core/jcs.js';
import { TongbanError } from '../core/errors.js';
import { maskIdNumber, maskPersonalData } from '../core/mask.js';
import { PURPOSE_LIMITS } from '../core/purpose.js';
import type { AuditAlgorithm, UnhashedEntry } from './chain.js';

export const AUDIT_CATEGORIES = ['exchange', 'admin', 'membership', 'security'] as const;
export const AUDIT_OUTCOMES = ['ok', 'refused', 'error', 'pending'] as const;
export const ACTOR_TYPES = ['user', 'node', 'operator', 'system'] as const;

export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
export type AuditActorType = (typeof ACTOR_TYPES)[number];

export interface AuditEvent {
  category: AuditCategory;
  /** dotted lower-case verb, e.g. 'exchange.request.sent', 'exchange.request.served', 'member.approved' */
  action: string;
  /** who is responsible: a user (clerk), a node (peer), an operator, or the system itself */
  actor: { type: AuditActorType; id: string; regionCode?: string; department?: string };
  outcome: AuditOutcome;
  /** vocabulary code when refused or failed, e.g. 'E_NO_AGREEMENT' */
  errorCode?: string;
  messageId?: string;
  conversationId?: string;
  /** region code of the other side of an exchange */
  counterparty?: string;
  /** the person whose data is concerned; the log keeps only subject_ref (keyed hash) and a masked form */
  subject?: { idNumber: string };
  purpose?: { serviceItem: string; caseId: string; agreementId?: string };
  resource?: string;
  fields?: string[];
  requestHash?: string;
  responseHash?: string;
  /** operator-facing facts; never personal data (strings are masked defensively) */
  detail?: Record<string, string | number | boolean | null>;
}

/** An entry before the log chains it (seq, prev_hash, hash come at commit). */
export type PreparedEntry = Omit<UnhashedEntry, 'seq' | 'prev_hash'>;

// NUL cannot be stored in PostgreSQL text; a lone surrogate cannot be canonicalised (RFC 8785).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function storable(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const ACTION = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
const REGION = /^[0-9]{6}$/;

/** subject_ref = lower-case hex HMAC-<algorithm>(key, ID number trimmed and upper-cased). */
export function subjectRefOf(key: Buffer, algorithm: AuditAlgorithm, idNumber: string): string {
  return createHmac(algorithm, key).update(normaliseId(idNumber), 'utf8').digest('hex');
}

function normaliseId(id: string): string {
  return id.trim().toUpperCase();
}

/**
 * Checks an event and turns it into a row. Throws E_INVALID_REQUEST naming the field, before anything
 * is queued, so one bad event never fails the batch it would have joined.
 */
export function prepareEntry(
  e: AuditEvent,
  ctx: { algorithm: AuditAlgorithm; at: string; subjectRef: (idNumber: string) => string },
): PreparedEntry {
  const problems: string[] = [];
  const str = (name: string, v: unknown, max: number, required = false): string | null => {
    if (v === undefined || v === null) {
      if (required) problems.push(`${name} is required`);
      return null;
    }
    if (typeof v !== 'string' || v.length === 0 || v.length > max || !storable(v)) {
      problems.push(`${name} must be a string of 1–${max} characters`);
      return null;
    }
    return v;
  };
  if (!e || typeof e !== 'object') throw new TongbanError('E_INVALID_REQUEST', 'audit event must be an object');
  if (!(AUDIT_CATEGORIES as readonly string[]).includes(e.category)) problems.push(`category must be one of ${AUDIT_CATEGORIES.join(', ')}`);
  if (!(AUDIT_OUTCOMES as readonly string[]).includes(e.outcome)) problems.push(`outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`);
  const action = str('action', e.action, 64, true);
  if (action && !ACTION.test(action)) problems.push('action must be dotted lower-case words, e.g. exchange.request.sent');
  const actor = e.actor as AuditEvent['actor'] | undefined;
  if (!actor || typeof actor !== 'object') problems.push('actor is required');
  else if (!(ACTOR_TYPES as readonly string[]).includes(actor.type)) problems.push(`actor.type must be one of ${ACTOR_TYPES.join(', ')}`);
  const actorId = str('actor.id', actor?.id, 128, true);
  const actorRegion = str('actor.regionCode', actor?.regionCode, 6);
  if (actorRegion && !REGION.test(actorRegion)) problems.push('actor.regionCode must be 6 digits');
  const counterparty = str('counterparty', e.counterparty, 6);
  if (counterparty && !REGION.test(counterparty)) problems.push('counterparty must be a 6-digit region code');

  let subjectRef: string | null = null;
  let subjectMasked: string | null = null;
  if (e.subject !== undefined) {
    const id = str('subject.idNumber', e.subject?.idNumber, 64, true);
    if (id) {
      subjectRef = ctx.subjectRef(id);
      subjectMasked = maskIdNumber(normaliseId(id));
    }
  }

  let purpose: string | null = null;
  if (e.purpose !== undefined) {
    const p = e.purpose;
    const serviceItem = str('purpose.serviceItem', p?.serviceItem, PURPOSE_LIMITS.serviceItem, true);
    const caseId = str('purpose.caseId', p?.caseId, PURPOSE_LIMITS.caseId, true);
    const agreementId = str('purpose.agreementId', p?.agreementId, PURPOSE_LIMITS.agreementId);
    if (p && Object.keys(p).some((k) => !['serviceItem', 'caseId', 'agreementId'].includes(k))) problems.push('purpose has only serviceItem, caseId and agreementId');
    if (serviceItem && caseId) purpose = canonicalize({ serviceItem, caseId, ...(agreementId ? { agreementId } : {}) });
  }

  let fields: string | null = null;
  if (e.fields !== undefined) {
    if (!Array.isArray(e.fields) || e.fields.length > 500 || e.fields.some((f) => typeof f !== 'string' || f.length === 0 || f.length > 128)) {
      problems.push('fields must be an array of at most 500 field names (1–128 characters)');
    } else {
      fields = canonicalize(e.fields);
    }
  }

  let detail: string | null = null;
  if (e.detail !== undefined) {
    const d = e.detail;
    if (!d || typeof d !== 'object' || Array.isArray(d) || Object.keys(d).length > 32) {
      problems.push('detail must be an object of at most 32 members');
    } else {
      const clean: Record<string, string | number | boolean | null> = {};
      for (const [k, v] of Object.entries(d)) {
        if (v === undefined) continue;
        if (k.length > 64) problems.push(`detail key ${k.slice(0, 20)}… is longer than 64 characters`);
        else if (typeof v === 'string' && storable(v)) clean[k] = maskPersonalData(truncate(v, 1000));
        else if (typeof v === 'number' && Number.isFinite(v)) clean[k] = v;
        else if (typeof v === 'boolean' || v === null) clean[k] = v;
        else problems.push(`detail.${k} must be a string, finite number, boolean or null`);
      }
      try {
        detail = canonicalize(clean);
      } catch (err) {
        problems.push(`detail: ${(err as Error).message}`);
      }
    }
  }

  const row: PreparedEntry = {
    at: ctx.at,
    alg: ctx.algorithm,
    category: e.category,
    action: action ?? '',
    actor_type: actor?.type ?? '',
    actor_id: actorId ?? '',
    actor_region: actorRegion,
    actor_department: str('actor.department', actor?.department, 128),
    outcome: e.outcome,
    error_code: str('errorCode', e.errorCode, 64),
    message_id: str('messageId', e.messageId, 128),
    conversation_id: str('conversationId', e.conversationId, 128),
    counterparty,
    subject_ref: subjectRef,
    subject_masked: subjectMasked,
    purpose,
    resource: str('resource', e.resource, 128),
    fields,
    request_hash: str('requestHash', e.requestHash, 128),
    response_hash: str('responseHash', e.responseHash, 128),
    detail,
  };
  if (problems.length) throw new TongbanError('E_INVALID_REQUEST', `audit event: ${problems.join('; ')}`);
  return row;
}
