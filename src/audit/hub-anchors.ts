// Hub side of audit anchoring: checks a member's signed checkpoint against the member list (approved
// members, their active key), records it, and countersigns it. A (region, seq) holds one head forever:
// the same checkpoint again returns the same countersignature; a different head is E_CONFLICT. A
// region's log only grows, so a new head below the highest seq anchored is E_CONFLICT too: the log
// went back (restored from an older backup, or its tail was cut), and anchoring it would let the
// hub hold two histories of one region without noticing.

import type { Kysely } from 'kysely';
import { TongbanError } from '../core/errors.js';
import { suiteFor } from '../core/crypto/index.js';
import { verifyDocument, type Signer } from '../core/signed-document.js';
import { nowIso } from '../core/time.js';
import type { TongbanDB } from '../store/schema.js';
import { buildAnchor, checkCheckpointShape, checkpointDigest, type Anchor, type Checkpoint } from './documents.js';
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
  if (Date.parse(p.at) - now.getTime() > CHECKPOINT_FUTURE_WINDOW_MS) {
    throw new TongbanError('E_CLOCK_SKEW', `checkpoint time ${p.at} is more than 5 minutes ahead of the hub's clock`);
  }
  const member = await db.selectFrom('hub_member').select(['status', 'suite']).where('region_code', '=', p.regionCode).executeTakeFirst();
  if (!member) throw new TongbanError('E_NOT_TRUSTED', `region ${p.regionCode} is not a member`);
  if (member.status !== 'approved') throw new TongbanError('E_FORBIDDEN', `region ${p.regionCode} is ${member.status}; only approved members anchor checkpoints`);
  const key = await db
    .selectFrom('hub_member_key')
    .select(['key_id', 'suite', 'public_key_pem', 'status'])
    .where('key_id', '=', checkpoint.signature.keyId)
    .where('region_code', '=', p.regionCode)
    .executeTakeFirst();
  if (!key || key.status !== 'active') throw new TongbanError('E_NOT_TRUSTED', `checkpoint signed by ${checkpoint.signature.keyId}, which is not an active key of region ${p.regionCode}`);
  verifyDocument(checkpoint, { suite: key.suite, keyId: key.key_id, publicKeyPem: key.public_key_pem });
  if (suiteFor(key.suite).hashName !== p.algorithm) {
    throw new TongbanError('E_INVALID_REQUEST', `a ${key.suite} member hashes its log with ${suiteFor(key.suite).hashName}, not ${p.algorithm}`);
  }

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
