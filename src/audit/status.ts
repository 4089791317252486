// Where a node's anchoring stands, for its administrators and auditors (GET /api/audit/status, the
// console's 审计与存证 page): the log's head, its checkpoints counted by what the hub did with them, the
// oldest one still waiting and why (the code of the hub's answer, stored as data), whether a refusal
// holds anchoring back (after a restore from an older backup, PROTOCOL §6.6) and what a restore
// declaration would set aside, or keeps it refused for another reason, and the region's restore
// declarations as the hub holds them, each checked as `audit verify` checks it (readRestore), with who
// declared it from this node's own log. Sequence numbers, times, hub errors, declared reasons and the
// declaring staff member: nothing about any citizen. The answer's types are in status-types.ts.

import { sql, type Kysely } from 'kysely';
import { isTongbanError } from '../core/errors.js';
import type { TrustListPayload } from '../federation/documents.js';
import type { TongbanDB } from '../store/schema.js';
import { keysOfRegion } from './documents.js';
import { RESTORE_DECLARED, findDivergence } from './restore.js';
import type { AnchoringState, AnchoringStatus, RestoreDeclarer, RestoreSummary, RestoreView } from './status-types.js';
import { fetchHubRestores, readRestore, type HubRestore } from './verify.js';

export interface StatusContext {
  db: Kysely<TongbanDB>;
  regionCode: string;
  policy: AnchoringStatus['policy'];
  /** the hub's base URL; undefined on the hub itself, which anchors its own log */
  hubUrl: string | undefined;
  /** the verified member list: declarations are checked against the region's keys and the hub's; undefined until known */
  trustList: Pick<TrustListPayload, 'members' | 'hub'> | undefined;
  /** for the hub's answers, all of them (default 5000 ms): a page that waits longer for an unreachable hub helps nobody */
  timeoutMs?: number;
}

/**
 * What the code of the waiting checkpoint's last attempt (audit_checkpoint.last_error_code) says:
 * retried by itself (the hub unreachable; or no code: not sent yet, or a row from before the code was
 * stored), held (E_CONFLICT: the log went back, an administrator declares the restore), or refused for
 * a reason someone has to remove first (E_FORBIDDEN: the membership is not approved; E_NOT_TRUSTED,
 * E_CLOCK_SKEW, …).
 */
export function waitingState(errorCode: string | null): Exclude<AnchoringState, 'anchored'> {
  if (errorCode === null || errorCode === 'E_HUB_UNAVAILABLE') return 'pending';
  return errorCode === 'E_CONFLICT' ? 'held' : 'refused';
}

export async function anchoringStatus(ctx: StatusContext): Promise<AnchoringStatus> {
  const { db } = ctx;
  const [head, counts, lastAnchored, oldest] = await Promise.all([
    db.selectFrom('audit_head').leftJoin('audit_entry', 'audit_entry.seq', 'audit_head.seq').select(['audit_head.seq', 'audit_entry.at']).executeTakeFirst(),
    db
      .selectFrom('audit_checkpoint')
      .select((eb) => [eb.fn.countAll<number | string>().as('total'), eb.fn.count<number | string>('countersignature').as('anchored'), eb.fn.max('seq').as('last')])
      .executeTakeFirst(),
    db.selectFrom('audit_checkpoint').select(['seq', 'anchored_at']).where('countersignature', 'is not', null).orderBy('seq', 'desc').limit(1).executeTakeFirst(),
    db
      .selectFrom('audit_checkpoint')
      .select(['seq', 'created_at', 'last_attempt_at', 'last_error', 'last_error_code'])
      .where('countersignature', 'is', null)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst(),
  ]);
  const total = Number(counts?.total ?? 0);
  const anchored = Number(counts?.anchored ?? 0);
  const headSeq = Number(head?.seq ?? 0);
  const errorCode = oldest?.last_error_code ?? null;
  const state = oldest ? waitingState(errorCode) : 'anchored';
  const held = state === 'held';
  const { restores, ...hub } = await askHub(ctx, held);
  const declarerOf = restores?.length ? await declarers(db) : undefined;
  return {
    regionCode: ctx.regionCode,
    state,
    held,
    head: { seq: headSeq, at: head?.at ?? null },
    sinceCheckpoint: Math.max(0, headSeq - Number(counts?.last ?? 0)),
    policy: ctx.policy,
    checkpoints: { total, anchored, pending: total - anchored },
    lastAnchored: lastAnchored ? { seq: Number(lastAnchored.seq), anchoredAt: lastAnchored.anchored_at } : null,
    oldestPending: oldest
      ? { seq: Number(oldest.seq), createdAt: oldest.created_at, lastAttemptAt: oldest.last_attempt_at, lastError: oldest.last_error, errorCode }
      : null,
    restores: restores?.map((r) => restoreView(r, ctx, declarerOf)) ?? null,
    ...hub,
  };
}

/**
 * The region's restore declarations, and when anchoring is held where the log and the hub's anchors
 * part; the hub being down is an answer too. One round: both asked at once, under one deadline
 * (`timeoutMs` for the whole answer, the anchors' pages included), and the first failure stops the
 * other — a page never waits longer than one timeout for a hub that is down or does not answer.
 */
async function askHub(ctx: StatusContext, held: boolean): Promise<Pick<AnchoringStatus, 'hubError' | 'divergence'> & { restores: HubRestore[] | null }> {
  if (!ctx.hubUrl) return { restores: null, hubError: 'this server anchors its own log' };
  const stop = new AbortController();
  const signal = AbortSignal.any([AbortSignal.timeout(ctx.timeoutMs ?? 5000), stop.signal]);
  try {
    const [restores, divergence] = await Promise.all([
      fetchHubRestores(ctx.hubUrl, ctx.regionCode, { signal }),
      held ? findDivergence({ db: ctx.db, hubUrl: ctx.hubUrl, regionCode: ctx.regionCode, signal }) : undefined,
    ]);
    return { restores, ...(divergence ? { divergence } : {}) };
  } catch (e) {
    return { restores: null, hubError: isTongbanError(e) ? `${e.code}: ${e.detail ?? ''}`.trim() : (e as Error).message };
  } finally {
    stop.abort();
  }
}

/**
 * A declaration the hub lists, checked as `audit verify` checks it (the region's signature and the
 * hub's receipt, against the member list this node holds), with who declared it from this log.
 */
function restoreView(r: HubRestore, { regionCode, trustList }: StatusContext, declarerOf: DeclarerOf | undefined): RestoreView {
  const { summary, problem } = readRestore(r, regionCode, { region: trustList ? keysOfRegion(trustList, regionCode) : undefined, hub: trustList?.hub.keys });
  return { ...summary, declaredBy: declarerOf?.(summary) ?? null, verified: problem === undefined, ...(problem ? { problem } : {}) };
}

type DeclarerOf = (declaration: RestoreSummary) => RestoreDeclarer | null;

/**
 * Who declared each restore, from this log's audit.restore-declared entries (a partial index holds
 * just those, migration 012) and the staff accounts: the entry that names the declaration's digest,
 * or — written before the digest was recorded — the one that records the same range.
 */
async function declarers(db: Kysely<TongbanDB>): Promise<DeclarerOf> {
  const rows = await restoreDeclaredEntries(db).execute();
  const records = rows.map((r) => ({
    detail: detailOf(r.detail),
    declarer: { actorType: r.actor_type, id: r.actor_id, name: r.name, department: r.actor_department, seq: Number(r.seq), at: r.at },
  }));
  return (s) => {
    if (!s.declarationDigest) return null;
    const named = records.find((r) => r.detail.declarationDigest === s.declarationDigest);
    const sameRange = () =>
      records.find((r) => r.detail.declarationDigest === undefined && r.detail.keepThrough === s.keepThrough && r.detail.supersededFrom === s.supersededFrom && r.detail.supersededThrough === s.supersededThrough);
    return (named ?? sameRange())?.declarer ?? null;
  };
}

/** What a restore-declared entry records; nothing when its detail does not read (the log was tampered with: `audit verify` says where). */
function detailOf(text: string | null): Partial<Record<'keepThrough' | 'supersededFrom' | 'supersededThrough', number> & { declarationDigest: string }> {
  try {
    const detail: unknown = JSON.parse(text ?? '{}');
    return detail !== null && typeof detail === 'object' ? detail : {};
  } catch {
    return {};
  }
}

/** This log's records of the restores it declared, oldest first, each with the declaring account's name. */
export function restoreDeclaredEntries(db: Kysely<TongbanDB>) {
  return db
    .selectFrom('audit_entry')
    .leftJoin('app_user', (j) => j.onRef('app_user.id', '=', 'audit_entry.actor_id').on('audit_entry.actor_type', '=', 'user'))
    .select(['audit_entry.seq', 'audit_entry.at', 'audit_entry.actor_type', 'audit_entry.actor_id', 'audit_entry.actor_department', 'audit_entry.detail', 'app_user.name'])
    // a literal, not a parameter: SQLite uses a partial index only for the very term it was made with
    .where(sql.ref('audit_entry.action'), '=', sql.lit(RESTORE_DECLARED))
    .where('audit_entry.outcome', '=', 'ok')
    .orderBy('audit_entry.seq');
}
