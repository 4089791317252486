// Hub side of audit anchoring: checks a member's signed checkpoint against the member list (approved
// members, their active key), records it, and countersigns it. A (region, seq) holds one head forever:
// the same checkpoint again returns the same countersignature; a different head is E_CONFLICT. A
// region's log only grows, so a new head below the highest seq anchored is E_CONFLICT too: the log
// went back (restored from an older backup, or its tail was cut), and anchoring it would let the
// hub hold two histories of one region without noticing.

import type { Kysely } from 'kysely';
import { TongbanError } from '../core/errors.js';
import { suiteFor } from '../core/crypto/index.js';
import { verifyDocument, type SignedDocument, type Signer } from '../core/signed-document.js';
import { nowIso } from '../core/time.js';
import type { TongbanDB } from '../store/schema.js';
import { buildAnchor, buildRestoreReceipt, checkCheckpointShape, checkpointDigest, checkRestoreShape, restoreDigest, type Anchor, type Checkpoint, type RestoreDeclaration, type RestoreReceipt } from './documents.js';
import type { AuditEvent } from './event.js';
import type { AuditSink } from './index.js';
import { uuidv7 } from '../core/uuid7.js';
import type { HubAnchor } from './verify.js';

/** a checkpoint dated further ahead than this is refused: it cannot have been made yet */
export const CHECKPOINT_FUTURE_WINDOW_MS = 5 * 60 * 1000;

export interface AnchorOutcome {
  anchor: Anchor;
  /** false when this checkpoint had been anchored before */
  created: boolean;
}

export async function anchorCheckpoint(db: Kysely<TongbanDB>, hub: Signer, doc: unknown, now = new Date()): Promise<AnchorOutcome> {
  const checkpoint = checkCheckpointShape(doc);
  const p = checkpoint.payload;
  await verifyMemberDocument(db, checkpoint, 'checkpoint', now);

  const existing = await findAnchor(db, p.regionCode, p.seq);
  if (existing) return { anchor: sameHeadOrConflict(existing, checkpoint, hub, now), created: false };
  const highest = await highestAnchoredSeq(db, p.regionCode);
  if (highest > p.seq) {
    throw new TongbanError(
      'E_CONFLICT',
      `the hub anchors region ${p.regionCode}'s log up to seq ${highest}; a new head at seq ${p.seq} means the log went back (restored from an older backup, or its tail cut)`,
    );
  }

  const anchor = buildAnchor(hub, checkpoint, now);
  const inserted = await db
    .insertInto('hub_audit_anchor')
    .values({
      region_code: p.regionCode,
      seq: p.seq,
      head_hash: p.headHash,
      entry_count: p.count,
      checkpoint_at: p.at,
      key_id: checkpoint.signature.keyId,
      signature: checkpoint.signature.value,
      checkpoint: JSON.stringify(checkpoint),
      checkpoint_digest: anchor.payload.checkpointDigest,
      received_at: nowIso(now),
      countersignature: JSON.stringify(anchor),
    })
    .onConflict((oc) => oc.columns(['region_code', 'seq']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { anchor, created: true };
  // another hub replica recorded this (region, seq) at the same moment
  const raced = await findAnchor(db, p.regionCode, p.seq);
  if (!raced) throw new TongbanError('E_INTERNAL', 'anchor vanished after a conflicting insert');
  return { anchor: sameHeadOrConflict(raced, checkpoint, hub, now), created: false };
}

/**
 * Checks a document a member signed about its log (a checkpoint, a restore declaration): not dated
 * ahead of the hub's clock, the region an approved member, signed by one of its active keys, and
 * hashed with that key's suite.
 */
async function verifyMemberDocument(db: Kysely<TongbanDB>, doc: SignedDocument<{ regionCode: string; at: string; algorithm: string }>, what: string, now: Date): Promise<void> {
  const { regionCode, at, algorithm } = doc.payload;
  if (Date.parse(at) - now.getTime() > CHECKPOINT_FUTURE_WINDOW_MS) {
    throw new TongbanError('E_CLOCK_SKEW', `${what} time ${at} is more than 5 minutes ahead of the hub's clock`);
  }
  const member = await db.selectFrom('hub_member').select(['status']).where('region_code', '=', regionCode).executeTakeFirst();
  if (!member) throw new TongbanError('E_NOT_TRUSTED', `region ${regionCode} is not a member`);
  if (member.status !== 'approved') throw new TongbanError('E_FORBIDDEN', `region ${regionCode} is ${member.status}; only approved members send a ${what}`);
  const key = await db
    .selectFrom('hub_member_key')
    .select(['key_id', 'suite', 'public_key_pem', 'status'])
    .where('key_id', '=', doc.signature.keyId)
    .where('region_code', '=', regionCode)
    .executeTakeFirst();
  if (!key || key.status !== 'active') throw new TongbanError('E_NOT_TRUSTED', `${what} signed by ${doc.signature.keyId}, which is not an active key of region ${regionCode}`);
  verifyDocument(doc, { suite: key.suite, keyId: key.key_id, publicKeyPem: key.public_key_pem });
  if (suiteFor(key.suite).hashName !== algorithm) {
    throw new TongbanError('E_INVALID_REQUEST', `a ${key.suite} member hashes its log with ${suiteFor(key.suite).hashName}, not ${algorithm}`);
  }
}

async function highestAnchoredSeq(db: Kysely<TongbanDB>, regionCode: string): Promise<number> {
  const row = await db.selectFrom('hub_audit_anchor').select((eb) => eb.fn.max('seq').as('seq')).where('region_code', '=', regionCode).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

async function findAnchor(db: Kysely<TongbanDB>, regionCode: string, seq: number) {
  return db.selectFrom('hub_audit_anchor').select(['head_hash', 'checkpoint_digest', 'countersignature']).where('region_code', '=', regionCode).where('seq', '=', seq).executeTakeFirst();
}

function sameHeadOrConflict(
  row: { head_hash: string; checkpoint_digest: string; countersignature: string },
  checkpoint: Checkpoint,
  hub: Signer,
  now: Date,
): Anchor {
  const p = checkpoint.payload;
  if (row.head_hash !== p.headHash) {
    throw new TongbanError('E_CONFLICT', `the hub already anchors a different head for region ${p.regionCode} at seq ${p.seq}: the log has been rewritten`);
  }
  // the same checkpoint again (a retry after a lost answer): the first countersignature stands
  if (row.checkpoint_digest === checkpointDigest(checkpoint)) return JSON.parse(row.countersignature) as Anchor;
  // the same head in a re-signed checkpoint: countersign this document too; the recorded anchor is unchanged
  return buildAnchor(hub, checkpoint, now);
}

// ---- restore declarations (PROTOCOL §6.6) ---------------------------------------------------

export interface RestoreOutcome {
  receipt: RestoreReceipt;
  /** false when this declaration had been recorded before (a retry): its first receipt */
  created: boolean;
}

/**
 * Records a member's declaration that its log went back, and moves the anchors of the lost history
 * (those after `keepThrough`) aside, so that the member's new checkpoints are anchored again. Nothing
 * is deleted: the superseded anchors stay with the declaration for auditors. The declaration must
 * name what the hub holds now — the anchor it keeps (seq and head) and the highest seq — so that a
 * member cannot supersede anchors it has not seen. The hub's own log records it in the same
 * transaction.
 */
export async function recordRestore(db: Kysely<TongbanDB>, hub: Signer, doc: unknown, hooks: { audit?: AuditSink } = {}, now = new Date()): Promise<RestoreOutcome> {
  const declaration = checkRestoreShape(doc);
  const p = declaration.payload;
  await verifyMemberDocument(db, declaration, 'restore declaration', now);
  const digest = restoreDigest(declaration);
  const earlier = await db.selectFrom('hub_audit_restore').select('receipt').where('region_code', '=', p.regionCode).where('declaration_digest', '=', digest).executeTakeFirst();
  if (earlier) return { receipt: JSON.parse(earlier.receipt) as RestoreReceipt, created: false };

  let receipt: RestoreReceipt | undefined;
  const apply = async (tx: Kysely<TongbanDB>) => {
    receipt = await supersedeAnchors(tx, hub, declaration, digest, now);
  };
  const event = (outcome: 'ok' | 'refused', errorCode?: string): AuditEvent => ({
    category: 'security',
    action: 'audit.restore-recorded',
    actor: { type: 'node', id: declaration.signature.keyId, regionCode: p.regionCode },
    outcome,
    counterparty: p.regionCode,
    ...(errorCode ? { errorCode } : {}),
    detail: { keepThrough: p.keepThrough, supersededThrough: p.supersededThrough, reason: p.reason },
  });
  try {
    if (hooks.audit) await hooks.audit.append(event('ok'), apply);
    else await db.transaction().execute(apply);
  } catch (e) {
    if (hooks.audit && e instanceof TongbanError && e.code === 'E_CONFLICT') await hooks.audit.append(event('refused', e.code));
    throw e;
  }
  return { receipt: receipt!, created: true };
}

async function supersedeAnchors(tx: Kysely<TongbanDB>, hub: Signer, declaration: RestoreDeclaration, digest: string, now: Date): Promise<RestoreReceipt> {
  const p = declaration.payload;
  const highest = await highestAnchoredSeq(tx, p.regionCode);
  if (highest !== p.supersededThrough) {
    throw new TongbanError('E_CONFLICT', `the hub anchors region ${p.regionCode}'s log up to seq ${highest}, not ${p.supersededThrough}: declare against what the hub holds now`);
  }
  if (p.keepThrough > 0) {
    const kept = await findAnchor(tx, p.regionCode, p.keepThrough);
    if (kept?.head_hash !== p.keepHeadHash) throw new TongbanError('E_CONFLICT', `the hub anchors no head ${p.keepHeadHash} at seq ${p.keepThrough} for region ${p.regionCode}`);
  }
  const moved = await tx.selectFrom('hub_audit_anchor').selectAll().where('region_code', '=', p.regionCode).where('seq', '>', p.keepThrough).orderBy('seq').execute();
  const id = uuidv7(now.getTime());
  const receipt = buildRestoreReceipt(hub, declaration, { from: Number(moved[0]!.seq), through: highest, count: moved.length }, now);
  await tx
    .insertInto('hub_audit_restore')
    .values({
      id,
      region_code: p.regionCode,
      keep_through: p.keepThrough,
      superseded_from: receipt.payload.supersededFrom,
      superseded_through: highest,
      superseded: moved.length,
      declared_at: p.at,
      recorded_at: receipt.payload.recordedAt,
      declaration: JSON.stringify(declaration),
      declaration_digest: digest,
      receipt: JSON.stringify(receipt),
    })
    .execute();
  for (let i = 0; i < moved.length; i += 500) {
    await tx.insertInto('hub_audit_anchor_superseded').values(moved.slice(i, i + 500).map((row) => ({ ...row, restore_id: id }))).execute();
  }
  await tx.deleteFrom('hub_audit_anchor').where('region_code', '=', p.regionCode).where('seq', '>', p.keepThrough).execute();
  return receipt;
}

/** A region's restore declarations, oldest first, each with the hub's receipt and the anchors it superseded (seq and head). */
export async function listRestores(db: Kysely<TongbanDB>, regionCode: string): Promise<Array<{ declaration: RestoreDeclaration; receipt: RestoreReceipt; superseded: Array<{ seq: number; headHash: string; receivedAt: string }> }>> {
  const rows = await db.selectFrom('hub_audit_restore').select(['id', 'declaration', 'receipt']).where('region_code', '=', regionCode).orderBy('recorded_at').orderBy('id').execute();
  const out = [];
  for (const r of rows) {
    const anchors = await db.selectFrom('hub_audit_anchor_superseded').select(['seq', 'head_hash', 'received_at']).where('restore_id', '=', r.id).orderBy('seq').execute();
    out.push({
      declaration: JSON.parse(r.declaration) as RestoreDeclaration,
      receipt: JSON.parse(r.receipt) as RestoreReceipt,
      superseded: anchors.map((a) => ({ seq: Number(a.seq), headHash: a.head_hash, receivedAt: a.received_at })),
    });
  }
  return out;
}

/** The anchors the hub holds for a region, after a seq, oldest first. */
export async function listAnchors(db: Kysely<TongbanDB>, regionCode: string, after = 0, limit = 500): Promise<{ anchors: HubAnchor[]; next?: number }> {
  const rows = await db
    .selectFrom('hub_audit_anchor')
    .select(['seq', 'head_hash', 'received_at', 'checkpoint', 'countersignature'])
    .where('region_code', '=', regionCode)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map((r) => ({
    seq: Number(r.seq),
    headHash: r.head_hash,
    receivedAt: r.received_at,
    checkpoint: JSON.parse(r.checkpoint) as Checkpoint,
    countersignature: JSON.parse(r.countersignature) as Anchor,
  }));
  return rows.length > limit ? { anchors: page, next: page.at(-1)!.seq } : { anchors: page };
}
