// Hub membership: join requests, the operator's decisions, and the member list they produce.
// Every change is one transaction: the member row, its key and the history event land together.

import type { Kysely, Transaction } from 'kysely';
import { TongbanError, isTongbanError } from '../core/errors.js';
import { nowIso } from '../core/time.js';
import type { TongbanDB, HubMemberTable } from '../store/schema.js';
import { verifyJoinRequest, verifyKeyRotationProof, type JoinRequestPayload } from '../federation/documents.js';
import { verifyDocument } from '../core/signed-document.js';
import type { AuditEvent, AuditSink } from '../audit/index.js';
import { appendEvent, changeOf, userActor } from './history.js';

export type MemberStatus = 'pending' | 'approved' | 'rejected' | 'suspended';

export interface MemberView {
  regionCode: string;
  name: string;
  endpoint: string;
  suite: string;
  status: MemberStatus;
  requestedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
  keys: Array<{ keyId: string; suite: string; status: string; addedAt: string }>;
  /** an approved member's new endpoint and name, waiting for the operator (the member list keeps the old ones) */
  pendingChange: { endpoint: string; name: string; since: string } | null;
}

export interface JoinOutcome {
  status: MemberStatus;
  regionCode: string;
  keyId: string;
  /** true when this request created or changed something */
  changed: boolean;
  /** an approved member asked for a new endpoint or name: it waits for the operator */
  changePending?: boolean;
}

export interface JoinPolicy {
  /** region codes this hub refuses (its own pseudo-code, for instance) */
  reservedCodes: string[];
  /** extra check of the region code (GB/T 2260), returns a reason when invalid */
  checkRegionCode?: (code: string) => string | undefined;
}

/**
 * Handles a signed join request. A region code is held by one key: a second node claiming it gets
 * E_REGION_TAKEN. The same key asking again is idempotent. While a request is pending it may change
 * its endpoint and name (the operator decides on what is there); an approved member's new endpoint or
 * name becomes a pending change for the operator to approve, and the member list keeps the approved
 * values until then. A region whose request was rejected may ask again with a new key.
 */
export async function handleJoinRequest(db: Kysely<TongbanDB>, doc: unknown, policy: JoinPolicy, now = new Date()): Promise<JoinOutcome> {
  const p = verifyJoinRequest(doc, now);
  if (policy.reservedCodes.includes(p.regionCode)) {
    throw new TongbanError('E_INVALID_REQUEST', `region code ${p.regionCode} is reserved`);
  }
  const reason = policy.checkRegionCode?.(p.regionCode);
  if (reason) throw new TongbanError('E_INVALID_REQUEST', `region code ${p.regionCode}: ${reason}`);

  return db.transaction().execute(async (tx) => {
    const at = nowIso(now);
    const member = await tx.selectFrom('hub_member').selectAll().where('region_code', '=', p.regionCode).executeTakeFirst();
    if (!member) {
      await insertPending(tx, p, at);
      return { status: 'pending', regionCode: p.regionCode, keyId: p.key.keyId, changed: true };
    }
    const key = await tx
      .selectFrom('hub_member_key')
      .select(['key_id', 'status'])
      .where('region_code', '=', p.regionCode)
      .where('key_id', '=', p.key.keyId)
      .executeTakeFirst();
    const status = member.status as MemberStatus;
    if (status === 'rejected') {
      if (key) throw new TongbanError('E_MEMBERSHIP_REJECTED', member.reason ?? `request for ${p.regionCode} was rejected`);
      // a fresh request with a new key after a rejection
      await tx.updateTable('hub_member_key').set({ status: 'retired', retired_at: at }).where('region_code', '=', p.regionCode).execute();
      await tx
        .updateTable('hub_member')
        .set({
          name: p.name, endpoint: p.endpoint, suite: p.key.suite, status: 'pending', requested_at: at, decided_at: null, decided_by: null, reason: null, updated_at: at,
          pending_endpoint: null, pending_name: null, pending_since: null,
        })
        .where('region_code', '=', p.regionCode)
        .execute();
      await insertKey(tx, p, at);
      await appendEvent(tx, p.regionCode, at, 'requested', `node:${p.key.keyId}`, { kind: 'after-rejection' });
      return { status: 'pending', regionCode: p.regionCode, keyId: p.key.keyId, changed: true };
    }
    if (!key || key.status !== 'active') {
      throw new TongbanError('E_REGION_TAKEN', `region ${p.regionCode} is already held by another key (${status})`);
    }
    // a suspended member changes nothing of its record (endpoint, name) until it is reinstated
    if (status === 'suspended') throw new TongbanError('E_FORBIDDEN', `region ${p.regionCode} is suspended`);
    const actor = `node:${p.key.keyId}`;
    const differs = member.endpoint !== p.endpoint || member.name !== p.name;
    if (status === 'pending') {
      if (!differs) return { status, regionCode: p.regionCode, keyId: p.key.keyId, changed: false };
      await tx.updateTable('hub_member').set({ endpoint: p.endpoint, name: p.name, updated_at: at }).where('region_code', '=', p.regionCode).execute();
      await appendEvent(tx, p.regionCode, at, 'updated', actor, changeOf(member, p));
      return { status, regionCode: p.regionCode, keyId: p.key.keyId, changed: true };
    }
    // approved: a change waits for the operator; asking again for the approved values withdraws it
    const asked = differs ? { endpoint: p.endpoint, name: p.name } : undefined;
    const pending = pendingChangeOf(member);
    if (asked?.endpoint === pending?.endpoint && asked?.name === pending?.name) {
      return { status, regionCode: p.regionCode, keyId: p.key.keyId, changed: false, ...(pending ? { changePending: true } : {}) };
    }
    await tx
      .updateTable('hub_member')
      .set({ pending_endpoint: asked?.endpoint ?? null, pending_name: asked?.name ?? null, pending_since: asked ? at : null, updated_at: at })
      .where('region_code', '=', p.regionCode)
      .execute();
    await appendEvent(tx, p.regionCode, at, asked ? 'change-requested' : 'change-withdrawn', actor, asked ? changeOf(member, p) : null);
    return { status, regionCode: p.regionCode, keyId: p.key.keyId, changed: true, ...(asked ? { changePending: true } : {}) };
  });
}

/** A member row's waiting endpoint/name change: the three columns are set together or not at all. */
function pendingChangeOf(r: Pick<HubMemberTable, 'pending_endpoint' | 'pending_name' | 'pending_since'>): { endpoint: string; name: string; since: string } | undefined {
  return r.pending_endpoint !== null && r.pending_name !== null && r.pending_since !== null ? { endpoint: r.pending_endpoint, name: r.pending_name, since: r.pending_since } : undefined;
}

async function insertPending(tx: Transaction<TongbanDB>, p: JoinRequestPayload, at: string): Promise<void> {
  await tx
    .insertInto('hub_member')
    .values({
      region_code: p.regionCode, name: p.name, endpoint: p.endpoint, suite: p.key.suite, status: 'pending',
      requested_at: at, decided_at: null, decided_by: null, reason: null, updated_at: at,
      pending_endpoint: null, pending_name: null, pending_since: null,
    })
    .execute();
  await insertKey(tx, p, at);
  await appendEvent(tx, p.regionCode, at, 'requested', `node:${p.key.keyId}`, null);
}

async function insertKey(tx: Transaction<TongbanDB>, p: JoinRequestPayload, at: string): Promise<void> {
  const exists = await tx.selectFrom('hub_member_key').select('region_code').where('key_id', '=', p.key.keyId).executeTakeFirst();
  if (exists) {
    // a key belongs to one region forever; re-using it for another region is refused
    if (exists.region_code !== p.regionCode) throw new TongbanError('E_CONFLICT', `key ${p.key.keyId} is registered to region ${exists.region_code}`);
    await tx.updateTable('hub_member_key').set({ status: 'active', retired_at: null }).where('key_id', '=', p.key.keyId).execute();
    return;
  }
  await tx
    .insertInto('hub_member_key')
    .values({ key_id: p.key.keyId, region_code: p.regionCode, suite: p.key.suite, public_key_pem: p.key.publicKey, status: 'active', added_at: at, retired_at: null })
    .execute();
}

/**
 * Who takes a decision: a hub operator's account, by name (recorded as `user:<id>`, and in the audit
 * log as that user with their department), or a label — `operator-token` (the bootstrap token),
 * `cli:<os user>`, `demo` — recorded as is (in the audit log as an operator).
 */
/** a label (cli:<user>, operator-token…) or a signed-in hub account; regionCode is the hub's own, so that the log names its staff */
export type DecisionActor = string | { userId: string; department: string; regionCode?: string };

/** The actor of a decision taken with the hub's bootstrap operator token. */
export const OPERATOR_TOKEN_ACTOR = 'operator-token';

function actorLabel(a: DecisionActor): string {
  return typeof a === 'string' ? a : userActor(a.userId);
}

function auditActor(a: DecisionActor): AuditEvent['actor'] {
  return typeof a === 'string' ? { type: 'operator', id: a } : { type: 'user', id: a.userId, department: a.department, ...(a.regionCode ? { regionCode: a.regionCode } : {}) };
}

export type Decision = 'approve' | 'reject' | 'suspend' | 'reinstate' | 'revoke' | 'approve-change' | 'reject-change';

export const DECISIONS = ['approve', 'reject', 'suspend', 'reinstate', 'revoke', 'approve-change', 'reject-change'] as const satisfies readonly Decision[];

/** decisions that need a reason */
export const DECISIONS_WITH_REASON: readonly Decision[] = ['reject', 'revoke', 'reject-change'];

const TRANSITIONS: Record<Decision, { from: MemberStatus[]; to: MemberStatus; event: string }> = {
  approve: { from: ['pending'], to: 'approved', event: 'approved' },
  reject: { from: ['pending'], to: 'rejected', event: 'rejected' },
  suspend: { from: ['approved'], to: 'suspended', event: 'suspended' },
  reinstate: { from: ['suspended'], to: 'approved', event: 'reinstated' },
  // ends a membership (e.g. a lost key); the region may then join again with a new key
  revoke: { from: ['approved', 'suspended'], to: 'rejected', event: 'revoked' },
  // an approved member's pending endpoint/name change; the membership itself stays as it is
  'approve-change': { from: ['approved'], to: 'approved', event: 'change-approved' },
  'reject-change': { from: ['approved'], to: 'approved', event: 'change-rejected' },
};

/** The decisions the operator may take on a member as it stands: those decideMembership does not refuse as E_CONFLICT. */
export function allowedDecisions(m: Pick<MemberView, 'status' | 'pendingChange'>): Decision[] {
  return DECISIONS.filter((d) => TRANSITIONS[d].from.includes(m.status) && (!d.endsWith('-change') || m.pendingChange !== null));
}

/**
 * The operator's decision on a member. Refuses transitions that make no sense (E_CONFLICT). With an
 * audit log, the decision commits in the same transaction as its audit entry (both or neither), and
 * every refused attempt is appended too.
 */
export async function decideMembership(
  db: Kysely<TongbanDB>,
  regionCode: string,
  decision: Decision,
  decidedBy: DecisionActor,
  reason?: string,
  now = new Date(),
  hooks: { audit?: AuditSink } = {},
): Promise<MemberView> {
  const actor = actorLabel(decidedBy);
  const event = (outcome: 'ok' | 'refused', errorCode?: string): AuditEvent => ({
    category: 'membership',
    action: `member.${TRANSITIONS[decision].event}`,
    actor: auditActor(decidedBy),
    outcome,
    counterparty: regionCode,
    ...(errorCode ? { errorCode } : {}),
    ...(reason ? { detail: { reason } } : {}),
  });
  const apply = (tx: Kysely<TongbanDB>) => applyDecision(tx, regionCode, decision, actor, reason, now);
  try {
    if (hooks.audit) await hooks.audit.append(event('ok'), apply);
    else await db.transaction().execute(apply);
  } catch (e) {
    if (hooks.audit && isTongbanError(e) && e.code !== 'E_DATABASE_UNAVAILABLE' && /^[0-9]{6}$/.test(regionCode)) await hooks.audit.append(event('refused', e.code));
    throw e;
  }
  const view = await getMember(db, regionCode);
  if (!view) throw new TongbanError('E_INTERNAL', 'member vanished after decision');
  return view;
}

/** Applies a decision inside the caller's transaction. */
async function applyDecision(tx: Kysely<TongbanDB>, regionCode: string, decision: Decision, actor: string, reason: string | undefined, now: Date): Promise<void> {
  const rule = TRANSITIONS[decision];
  if (DECISIONS_WITH_REASON.includes(decision) && !reason) {
    const what = decision === 'reject' ? 'a rejection' : decision === 'revoke' ? 'a revocation' : 'rejecting a change';
    throw new TongbanError('E_INVALID_REQUEST', `${what} needs a reason`);
  }
  const member = await tx.selectFrom('hub_member').select(['status', 'endpoint', 'name', 'pending_endpoint', 'pending_name', 'pending_since']).where('region_code', '=', regionCode).executeTakeFirst();
  if (!member) throw new TongbanError('E_NOT_FOUND', `no membership request for region ${regionCode}`);
  if (!rule.from.includes(member.status as MemberStatus)) {
    throw new TongbanError('E_CONFLICT', `cannot ${decision} region ${regionCode}: it is ${member.status}`);
  }
  const at = nowIso(now);
  if (decision === 'approve-change' || decision === 'reject-change') return applyChangeDecision(tx, regionCode, decision, member, actor, reason, at);
  const updated = await tx
    .updateTable('hub_member')
    .set({ status: rule.to, decided_at: at, decided_by: actor, reason: reason ?? null, updated_at: at })
    .where('region_code', '=', regionCode)
    .where('status', '=', member.status)
    .executeTakeFirst();
  // a concurrent decision changed it first
  if (Number(updated.numUpdatedRows) !== 1) throw new TongbanError('E_CONFLICT', `region ${regionCode} changed meanwhile; try again`);
  await appendEvent(tx, regionCode, at, rule.event, actor, reason ? { kind: 'reason', reason } : null);
}

/** Approves or rejects an approved member's pending endpoint/name change, inside the caller's transaction. */
async function applyChangeDecision(
  tx: Kysely<TongbanDB>,
  regionCode: string,
  decision: 'approve-change' | 'reject-change',
  member: Pick<HubMemberTable, 'endpoint' | 'name' | 'pending_endpoint' | 'pending_name' | 'pending_since'>,
  actor: string,
  reason: string | undefined,
  at: string,
): Promise<void> {
  const pending = pendingChangeOf(member);
  if (!pending) throw new TongbanError('E_CONFLICT', `region ${regionCode} has no pending change`);
  const apply = decision === 'approve-change' ? { endpoint: pending.endpoint, name: pending.name } : {};
  const updated = await tx
    .updateTable('hub_member')
    .set({ ...apply, pending_endpoint: null, pending_name: null, pending_since: null, updated_at: at })
    .where('region_code', '=', regionCode)
    .where('pending_since', '=', pending.since)
    .executeTakeFirst();
  // the member asked for something else meanwhile: the operator decides on what is there now
  if (Number(updated.numUpdatedRows) !== 1) throw new TongbanError('E_CONFLICT', `region ${regionCode}'s change was replaced meanwhile; look again`);
  await appendEvent(tx, regionCode, at, TRANSITIONS[decision].event, actor, changeOf(member, pending, reason));
}

export async function listMembers(db: Kysely<TongbanDB>, status?: MemberStatus): Promise<MemberView[]> {
  let q = db.selectFrom('hub_member').selectAll().orderBy('region_code');
  if (status) q = q.where('status', '=', status);
  const rows = await q.execute();
  const keys = await db.selectFrom('hub_member_key').select(['key_id', 'region_code', 'suite', 'status', 'added_at']).orderBy('added_at').execute();
  return rows.map((r) => toView(r, keys.filter((k) => k.region_code === r.region_code)));
}

export async function getMember(db: Kysely<TongbanDB>, regionCode: string): Promise<MemberView | undefined> {
  return (await listMembers(db)).find((m) => m.regionCode === regionCode);
}

function toView(r: HubMemberTable, keys: Array<{ key_id: string; suite: string; status: string; added_at: string }>): MemberView {
  return {
    regionCode: r.region_code,
    name: r.name,
    endpoint: r.endpoint,
    suite: r.suite,
    status: r.status as MemberStatus,
    requestedAt: r.requested_at,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    reason: r.reason,
    keys: keys.map((k) => ({ keyId: k.key_id, suite: k.suite, status: k.status, addedAt: k.added_at })),
    pendingChange: pendingChangeOf(r) ?? null,
  };
}

/**
 * A member replaces its signing key: the request is signed by its current active key and proves
 * possession of the new one. The old key is retired (it stays on the member list, marked retired,
 * so what it signed stays verifiable) and the new key becomes active, in one transaction.
 */
export async function rotateMemberKey(db: Kysely<TongbanDB>, doc: unknown, now = new Date(), hooks: { audit?: AuditSink } = {}): Promise<{ regionCode: string; oldKeyId: string; newKeyId: string }> {
  const p = verifyKeyRotationProof(doc, now);
  const old = await db.selectFrom('hub_member_key').selectAll().where('key_id', '=', p.oldKeyId).executeTakeFirst();
  if (!old || old.region_code !== p.regionCode) throw new TongbanError('E_NOT_TRUSTED', `key ${p.oldKeyId} is not a key of region ${p.regionCode}`);
  if (old.status !== 'active') throw new TongbanError('E_NOT_TRUSTED', `key ${p.oldKeyId} is already retired`);
  const signed = doc as { payload: unknown; signature: unknown }; // shape checked above, proof and all
  verifyDocument({ payload: signed.payload, signature: signed.signature }, { suite: old.suite, keyId: old.key_id, publicKeyPem: old.public_key_pem });
  const at = nowIso(now);
  await db.transaction().execute(async (tx) => {
    const member = await tx.selectFrom('hub_member').select('status').where('region_code', '=', p.regionCode).executeTakeFirst();
    if (member?.status !== 'approved') throw new TongbanError('E_CONFLICT', `region ${p.regionCode} is ${member?.status ?? 'unknown'}; only approved members rotate keys`);
    const taken = await tx.selectFrom('hub_member_key').select('region_code').where('key_id', '=', p.newKey.keyId).executeTakeFirst();
    if (taken) throw new TongbanError('E_CONFLICT', `key ${p.newKey.keyId} is already registered`);
    const retired = await tx
      .updateTable('hub_member_key')
      .set({ status: 'retired', retired_at: at })
      .where('key_id', '=', p.oldKeyId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(retired.numUpdatedRows) !== 1) throw new TongbanError('E_CONFLICT', `key ${p.oldKeyId} changed meanwhile`);
    await tx
      .insertInto('hub_member_key')
      .values({ key_id: p.newKey.keyId, region_code: p.regionCode, suite: p.newKey.suite, public_key_pem: p.newKey.publicKey, status: 'active', added_at: at, retired_at: null })
      .execute();
    await tx.updateTable('hub_member').set({ suite: p.newKey.suite, updated_at: at }).where('region_code', '=', p.regionCode).execute();
    await appendEvent(tx, p.regionCode, at, 'key-rotated', `node:${p.oldKeyId}`, { kind: 'key-rotation', oldKeyId: p.oldKeyId, newKeyId: p.newKey.keyId });
  });
  await hooks.audit?.append({
    category: 'membership',
    action: 'member.key-rotated',
    actor: { type: 'node', id: p.regionCode, regionCode: p.regionCode },
    outcome: 'ok',
    counterparty: p.regionCode,
    detail: { oldKeyId: p.oldKeyId, newKeyId: p.newKey.keyId },
  });
  return { regionCode: p.regionCode, oldKeyId: p.oldKeyId, newKeyId: p.newKey.keyId };
}
