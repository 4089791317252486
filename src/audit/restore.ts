// A node's side of a restore declaration (PROTOCOL §6.6): after its database was restored from an
// older backup, its log no longer holds entries the hub anchored, and the hub refuses its new
// checkpoints. The node finds where its log and the hub's anchors part, signs a declaration of
// what was lost, and the hub moves those anchors aside (kept for auditors); anchoring resumes.

import type { Kysely } from 'kysely';
import { TongbanError } from '../core/errors.js';
import type { Signer } from '../core/signed-document.js';
import type { PublicKeyEntry } from '../federation/documents.js';
import type { TongbanDB } from '../store/schema.js';
import type { AuditAlgorithm } from './chain.js';
import { buildRestoreDeclaration, restoreReceiptProblem, type RestoreDeclaration, type RestoreReceipt } from './documents.js';
import { entryHashes, hubAnchorPages, hubPostJson, type HubAnchor } from './verify.js';
import type { Divergence } from './status-types.js';

export type { Divergence };

/** The action of the entry a node's log records a restore declaration with: who declared it, why, the range, and the declaration's digest (entries written before the digest was recorded lack it). */
export const RESTORE_DECLARED = 'audit.restore-declared';

export interface RestoreContext {
  db: Kysely<TongbanDB>;
  signer: Signer;
  regionCode: string;
  algorithm: AuditAlgorithm;
  hubUrl: string;
  /** the hub's keys from the verified member list: the receipt is checked against them */
  hubKeys: readonly PublicKeyEntry[];
  timeoutMs?: number;
}

export interface RestoreResult {
  declaration: RestoreDeclaration;
  receipt: RestoreReceipt;
}

/**
 * Compares the hub's anchors with this log, from the last checkpoint the log itself holds a
 * countersignature for (the hub anchored it, and the log still has it) onwards.
 */
export async function findDivergence(ctx: Pick<RestoreContext, 'db' | 'hubUrl' | 'regionCode' | 'timeoutMs'> & { signal?: AbortSignal }): Promise<Divergence> {
  const known = await ctx.db.selectFrom('audit_checkpoint').select(['seq', 'head_hash']).where('countersignature', 'is not', null).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let keepThrough = known ? Number(known.seq) : 0;
  let keepHeadHash = known?.head_hash ?? null;
  const after: HubAnchor[] = [];
  const limit = { ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) };
  for await (const a of hubAnchorPages(ctx.hubUrl, ctx.regionCode, { after: keepThrough, ...limit })) after.push(a);
  const local = await entryHashes(ctx.db, after.map((a) => a.seq));
  let lost = 0;
  for (const a of after) {
    if (lost === 0 && local.get(a.seq) === a.headHash) {
      keepThrough = a.seq;
      keepHeadHash = a.headHash;
    } else lost++;
  }
  return { keepThrough, keepHeadHash, hubHighest: after.at(-1)?.seq ?? keepThrough, lost };
}

/** Declares the lost history to the hub and checks its receipt. Throws E_CONFLICT when nothing was lost. */
export async function declareRestore(ctx: RestoreContext, reason: string): Promise<RestoreResult> {
  const d = await findDivergence(ctx);
  if (d.lost === 0) throw new TongbanError('E_CONFLICT', `the hub's anchors of region ${ctx.regionCode} (up to seq ${d.hubHighest}) all agree with this log: there is no lost history to declare`);
  const declaration = buildRestoreDeclaration(ctx.signer, {
    regionCode: ctx.regionCode,
    keepThrough: d.keepThrough,
    keepHeadHash: d.keepThrough === 0 ? null : d.keepHeadHash,
    supersededThrough: d.hubHighest,
    reason,
    algorithm: ctx.algorithm,
  });
  const { receipt } = (await hubPostJson(`${ctx.hubUrl}/api/hub/audit/restores`, declaration, ctx.timeoutMs)) as { receipt?: unknown };
  const problem = restoreReceiptProblem(receipt, declaration, ctx.hubKeys);
  if (problem) throw new TongbanError('E_SIGNATURE', problem);
  return { declaration, receipt: receipt as RestoreReceipt };
}
