// The signed documents of audit anchoring (pure): the checkpoint a server signs over the head of its
// log, the anchor (countersignature) the hub signs over a checkpoint it has recorded, and — when a
// member's log went back — the member's restore declaration and the hub's receipt for it.
// docs/PROTOCOL.md §6.3–6.4 and §6.6 specify them.

import { canonicalBytes } from '../core/jcs.js';
import { TongbanError } from '../core/errors.js';
import { parseProtocolTime, TIME_PROBLEM } from '../core/time.js';
import { assertSignedShape, signDocument, verifyDocument, type SignedDocument, type Signer } from '../core/signed-document.js';
import type { PublicKeyEntry, TrustListPayload } from '../federation/documents.js';
import { digestFor, isAuditAlgorithm, type AuditAlgorithm } from './chain.js';

export const CHECKPOINT_TYPE = 'tongban.audit-checkpoint';
export const ANCHOR_TYPE = 'tongban.audit-anchor';
export const RESTORE_TYPE = 'tongban.audit-restore';
export const RESTORE_RECEIPT_TYPE = 'tongban.audit-restore-receipt';
export const AUDIT_FORMAT_VERSION = 1;
/** the hub's own log is checkpointed under this region code (config HUB_IDENTITY) */
export const HUB_REGION_CODE = '000000';

export interface CheckpointPayload {
  type: typeof CHECKPOINT_TYPE;
  formatVersion: typeof AUDIT_FORMAT_VERSION;
  regionCode: string;
  /** seq of the last entry covered */
  seq: number;
  /** that entry's hash */
  headHash: string;
  /** entries covered: always equal to seq, since seq counts from 1 without gaps */
  count: number;
  algorithm: AuditAlgorithm;
  at: string;
}
export type Checkpoint = SignedDocument<CheckpointPayload>;

export interface AnchorPayload {
  type: typeof ANCHOR_TYPE;
  formatVersion: typeof AUDIT_FORMAT_VERSION;
  regionCode: string;
  seq: number;
  headHash: string;
  /** hex digest (the checkpoint's algorithm) of JCS(the whole signed checkpoint document) */
  checkpointDigest: string;
  anchoredAt: string;
}
export type Anchor = SignedDocument<AnchorPayload>;

const CHECKPOINT_KEYS = ['type', 'formatVersion', 'regionCode', 'seq', 'headHash', 'count', 'algorithm', 'at'].sort().join(',');
const ANCHOR_KEYS = ['type', 'formatVersion', 'regionCode', 'seq', 'headHash', 'checkpointDigest', 'anchoredAt'].sort().join(',');
const HEX64 = /^[0-9a-f]{64}$/;

export function buildCheckpoint(
  signer: Signer,
  fields: { regionCode: string; seq: number; headHash: string; algorithm: AuditAlgorithm },
  at = new Date(),
): Checkpoint {
  const payload: CheckpointPayload = {
    type: CHECKPOINT_TYPE,
    formatVersion: AUDIT_FORMAT_VERSION,
    regionCode: fields.regionCode,
    seq: fields.seq,
    headHash: fields.headHash,
    count: fields.seq,
    algorithm: fields.algorithm,
    at: at.toISOString(),
  };
  return signDocument(payload, signer);
}

/** Shape of a checkpoint as received: closed payload, sane values. Throws E_INVALID_REQUEST. */
export function checkCheckpointShape(doc: unknown): Checkpoint {
  const d = assertSignedShape<CheckpointPayload>(doc);
  const p = d.payload;
  const problems = memberPayloadProblems(p, CHECKPOINT_TYPE, CHECKPOINT_KEYS);
  if (!Number.isSafeInteger(p.seq) || p.seq < 1) problems.push('payload.seq must be a positive integer');
  if (p.count !== p.seq) problems.push('payload.count must equal payload.seq');
  if (typeof p.headHash !== 'string' || !HEX64.test(p.headHash)) problems.push('payload.headHash must be 64 lower-case hex digits');
  if (problems.length) throw new TongbanError('E_INVALID_REQUEST', problems.join('; '));
  return d;
}

/** What a member's checkpoint and restore declaration share: closed fields, type, version, region, algorithm, time. */
function memberPayloadProblems(p: { type: string; formatVersion: number; regionCode: string; algorithm: string; at: string }, type: string, keys: string): string[] {
  const problems: string[] = [];
  if (Object.keys(p).sort().join(',') !== keys) problems.push(`payload must have exactly the fields ${keys}`);
  if (p.type !== type) problems.push(`payload.type must be "${type}"`);
  if (p.formatVersion !== AUDIT_FORMAT_VERSION) problems.push(`payload.formatVersion must be ${AUDIT_FORMAT_VERSION}`);
  if (typeof p.regionCode !== 'string' || !/^[0-9]{6}$/.test(p.regionCode)) problems.push('payload.regionCode must be 6 digits');
  if (!isAuditAlgorithm(p.algorithm)) problems.push('payload.algorithm must be sm3 or sha256');
  if (parseProtocolTime(p.at) === undefined) problems.push(TIME_PROBLEM('payload.at'));
  return problems;
}

/** hex digest of JCS(the whole signed checkpoint), with the checkpoint's own algorithm. */
export function checkpointDigest(doc: Checkpoint): string {
  return digestFor(doc.payload.algorithm)(canonicalBytes(doc)).toString('hex');
}

export function buildAnchor(hub: Signer, checkpoint: Checkpoint, at = new Date()): Anchor {
  const p = checkpoint.payload;
  const payload: AnchorPayload = {
    type: ANCHOR_TYPE,
    formatVersion: AUDIT_FORMAT_VERSION,
    regionCode: p.regionCode,
    seq: p.seq,
    headHash: p.headHash,
    checkpointDigest: checkpointDigest(checkpoint),
    anchoredAt: at.toISOString(),
  };
  return signDocument(payload, hub);
}

/**
 * Verifies a member's checkpoint or restore declaration with one of the keys given (a member's keys,
 * retired ones included: what an old key signed stays verifiable). Returns a reason when it fails.
 */
export function memberSignatureProblem(doc: SignedDocument<{ regionCode: string }>, keys: readonly PublicKeyEntry[]): string | undefined {
  const key = keys.find((k) => k.keyId === doc.signature.keyId && k.suite === doc.signature.suite);
  if (!key) return `signed by ${doc.signature.keyId}, which is not a key of region ${doc.payload.regionCode} on the member list`;
  try {
    verifyDocument(doc, { suite: key.suite, keyId: key.keyId, publicKeyPem: key.publicKey });
    return undefined;
  } catch {
    return 'signature does not verify';
  }
}

/** Verifies the hub's countersignature of a checkpoint: hub key, signature, and that it binds this checkpoint. */
export function anchorProblem(anchor: unknown, checkpoint: Checkpoint, hubKeys: readonly PublicKeyEntry[]): string | undefined {
  const checked = hubDocument<AnchorPayload>(anchor, ANCHOR_TYPE, ANCHOR_KEYS, hubKeys, 'hub countersignature');
  if (typeof checked === 'string') return checked;
  const p = checked.payload;
  const c = checkpoint.payload;
  if (p.regionCode !== c.regionCode || p.seq !== c.seq || p.headHash !== c.headHash) return 'hub countersignature is for another checkpoint';
  if (p.checkpointDigest !== checkpointDigest(checkpoint)) return 'hub countersignature does not bind this checkpoint document (digest differs)';
  return undefined;
}

/** A document the hub signed, of this type with exactly these payload fields, by a hub key: the document, or why not. */
function hubDocument<P extends { type: string; formatVersion: number }>(doc: unknown, type: string, keys: string, hubKeys: readonly PublicKeyEntry[], what: string): SignedDocument<P> | string {
  let d: SignedDocument<P>;
  try {
    d = assertSignedShape<P>(doc);
  } catch {
    return `${what} is not a signed document`;
  }
  const p = d.payload;
  if (Object.keys(p).sort().join(',') !== keys || p.type !== type || p.formatVersion !== AUDIT_FORMAT_VERSION) return `${what} is not a ${type} document of format version 1`;
  const key = hubKeys.find((k) => k.keyId === d.signature.keyId && k.suite === d.signature.suite);
  if (!key) return `${what} is by ${d.signature.keyId}, which is not a hub key on the member list`;
  try {
    verifyDocument(d, { suite: key.suite, keyId: key.keyId, publicKeyPem: key.publicKey });
  } catch {
    return `${what} does not verify`;
  }
  return d;
}

// ---- restore declarations -------------------------------------------------------------------

/**
 * A member declares that its log went back: it still holds the anchored history up to `keepThrough`
 * (whose head is `keepHeadHash`; 0 and null when it holds none of it), and the hub's anchors after
 * that, up to `supersededThrough` (the highest the hub holds), are of a history it has lost.
 */
export interface RestorePayload {
  type: typeof RESTORE_TYPE;
  formatVersion: typeof AUDIT_FORMAT_VERSION;
  regionCode: string;
  keepThrough: number;
  keepHeadHash: string | null;
  supersededThrough: number;
  /** why (a restore from the backup of …, a disk failure): for the auditors who will read it */
  reason: string;
  algorithm: AuditAlgorithm;
  at: string;
}
export type RestoreDeclaration = SignedDocument<RestorePayload>;

/** The hub's receipt: it recorded the declaration and moved these anchors aside. */
export interface RestoreReceiptPayload {
  type: typeof RESTORE_RECEIPT_TYPE;
  formatVersion: typeof AUDIT_FORMAT_VERSION;
  regionCode: string;
  keepThrough: number;
  supersededFrom: number;
  supersededThrough: number;
  /** how many anchors were superseded */
  superseded: number;
  /** hex digest (the declaration's algorithm) of JCS(the whole signed declaration) */
  declarationDigest: string;
  recordedAt: string;
}
export type RestoreReceipt = SignedDocument<RestoreReceiptPayload>;

export const MAX_RESTORE_REASON = 500;
const RESTORE_KEYS = ['type', 'formatVersion', 'regionCode', 'keepThrough', 'keepHeadHash', 'supersededThrough', 'reason', 'algorithm', 'at'].sort().join(',');
const RECEIPT_KEYS = ['type', 'formatVersion', 'regionCode', 'keepThrough', 'supersededFrom', 'supersededThrough', 'superseded', 'declarationDigest', 'recordedAt'].sort().join(',');

export function buildRestoreDeclaration(
  signer: Signer,
  fields: { regionCode: string; keepThrough: number; keepHeadHash: string | null; supersededThrough: number; reason: string; algorithm: AuditAlgorithm },
  at = new Date(),
): RestoreDeclaration {
  return signDocument<RestorePayload>({ type: RESTORE_TYPE, formatVersion: AUDIT_FORMAT_VERSION, ...fields, at: at.toISOString() }, signer);
}

/** Shape of a restore declaration as received: closed payload, sane values. Throws E_INVALID_REQUEST. */
export function checkRestoreShape(doc: unknown): RestoreDeclaration {
  const d = assertSignedShape<RestorePayload>(doc);
  const p = d.payload;
  const problems = memberPayloadProblems(p, RESTORE_TYPE, RESTORE_KEYS);
  if (!Number.isSafeInteger(p.keepThrough) || p.keepThrough < 0) problems.push('payload.keepThrough must be an integer ≥ 0');
  if (p.keepThrough === 0 ? p.keepHeadHash !== null : typeof p.keepHeadHash !== 'string' || !HEX64.test(p.keepHeadHash)) {
    problems.push('payload.keepHeadHash must be 64 lower-case hex digits (null when keepThrough is 0)');
  }
  if (!Number.isSafeInteger(p.supersededThrough) || p.supersededThrough <= p.keepThrough) problems.push('payload.supersededThrough must be an integer above keepThrough');
  if (typeof p.reason !== 'string' || p.reason.trim().length === 0 || p.reason.length > MAX_RESTORE_REASON) problems.push(`payload.reason must be 1–${MAX_RESTORE_REASON} characters`);
  if (problems.length) throw new TongbanError('E_INVALID_REQUEST', problems.join('; '));
  return d;
}

export function restoreDigest(doc: RestoreDeclaration): string {
  return digestFor(doc.payload.algorithm)(canonicalBytes(doc)).toString('hex');
}

export function buildRestoreReceipt(hub: Signer, declaration: RestoreDeclaration, moved: { from: number; through: number; count: number }, at = new Date()): RestoreReceipt {
  const p = declaration.payload;
  return signDocument<RestoreReceiptPayload>(
    {
      type: RESTORE_RECEIPT_TYPE,
      formatVersion: AUDIT_FORMAT_VERSION,
      regionCode: p.regionCode,
      keepThrough: p.keepThrough,
      supersededFrom: moved.from,
      supersededThrough: moved.through,
      superseded: moved.count,
      declarationDigest: restoreDigest(declaration),
      recordedAt: at.toISOString(),
    },
    hub,
  );
}

/** Verifies the hub's receipt for a restore declaration: hub key, signature, and that it binds this declaration. */
export function restoreReceiptProblem(receipt: unknown, declaration: RestoreDeclaration, hubKeys: readonly PublicKeyEntry[]): string | undefined {
  const checked = hubDocument<RestoreReceiptPayload>(receipt, RESTORE_RECEIPT_TYPE, RECEIPT_KEYS, hubKeys, 'restore receipt');
  if (typeof checked === 'string') return checked;
  const p = checked.payload;
  const d = declaration.payload;
  if (p.regionCode !== d.regionCode || p.keepThrough !== d.keepThrough || p.supersededThrough !== d.supersededThrough) return 'restore receipt is for another declaration';
  if (p.declarationDigest !== restoreDigest(declaration)) return 'restore receipt does not bind this declaration (digest differs)';
  return undefined;
}

/** The keys that may have signed a region's checkpoints: a member's keys, or the hub's for its own log. */
export function keysOfRegion(trustList: Pick<TrustListPayload, 'members' | 'hub'>, regionCode: string): PublicKeyEntry[] {
  if (regionCode === HUB_REGION_CODE) return trustList.hub.keys;
  const m = trustList.members.find((x) => x.regionCode === regionCode);
  return m ? m.keys.map((k) => ({ keyId: k.keyId, suite: k.suite, publicKey: k.publicKey })) : [];
}
