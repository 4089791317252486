// The two signed documents of audit anchoring (pure): the checkpoint a server signs over the head of
// its log, and the anchor (countersignature) the hub signs over a checkpoint it has recorded.
// docs/PROTOCOL.md §6.3–6.4 specifies both.

import { canonicalBytes } from '../core/jcs.js';
import { TongbanError } from '../core/errors.js';
import { assertSignedShape, signDocument, verifyDocument, type SignedDocument, type Signer } from '../core/signed-document.js';
import type { PublicKeyEntry, TrustListPayload } from '../federation/documents.js';
import { digestFor, isAuditAlgorithm, type AuditAlgorithm } from './chain.js';

export const CHECKPOINT_TYPE = 'tongban.audit-checkpoint';
export const ANCHOR_TYPE = 'tongban.audit-anchor';
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
  const problems: string[] = [];
  if (Object.keys(p).sort().join(',') !== CHECKPOINT_KEYS) problems.push(`payload must have exactly the fields ${CHECKPOINT_KEYS}`);
  if (p.type !== CHECKPOINT_TYPE) problems.push(`payload.type must be "${CHECKPOINT_TYPE}"`);
  if (p.formatVersion !== AUDIT_FORMAT_VERSION) problems.push(`payload.formatVersion must be ${AUDIT_FORMAT_VERSION}`);
  if (typeof p.regionCode !== 'string' || !/^[0-9]{6}$/.test(p.regionCode)) problems.push('payload.regionCode must be 6 digits');
  if (!Number.isSafeInteger(p.seq) || p.seq < 1) problems.push('payload.seq must be a positive integer');
  if (p.count !== p.seq) problems.push('payload.count must equal payload.seq');
  if (typeof p.headHash !== 'string' || !HEX64.test(p.headHash)) problems.push('payload.headHash must be 64 lower-case hex digits');
  if (!isAuditAlgorithm(p.algorithm)) problems.push('payload.algorithm must be sm3 or sha256');
  if (typeof p.at !== 'string' || Number.isNaN(Date.parse(p.at))) problems.push('payload.at must be an ISO-8601 time');
  if (problems.length) throw new TongbanError('E_INVALID_REQUEST', problems.join('; '));
  return d;
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
 * Verifies a checkpoint's signature with one of the keys given (a member's keys, retired ones
 * included: what an old key signed stays verifiable). Returns a reason when it fails.
 */
export function checkpointSignatureProblem(doc: Checkpoint, keys: readonly PublicKeyEntry[]): string | undefined {
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
  let a: Anchor;
  try {
    a = assertSignedShape<AnchorPayload>(anchor);
  } catch {
    return 'hub countersignature is not a signed document';
  }
  const p = a.payload;
  if (Object.keys(p).sort().join(',') !== ANCHOR_KEYS || p.type !== ANCHOR_TYPE || p.formatVersion !== AUDIT_FORMAT_VERSION) {
    return `hub countersignature is not a ${ANCHOR_TYPE} document of format version 1`;
  }
  const key = hubKeys.find((k) => k.keyId === a.signature.keyId && k.suite === a.signature.suite);
  if (!key) return `hub countersignature is by ${a.signature.keyId}, which is not a hub key on the member list`;
  try {
    verifyDocument(a, { suite: key.suite, keyId: key.keyId, publicKeyPem: key.publicKey });
  } catch {
    return 'hub countersignature does not verify';
  }
  const c = checkpoint.payload;
  if (p.regionCode !== c.regionCode || p.seq !== c.seq || p.headHash !== c.headHash) return 'hub countersignature is for another checkpoint';
  if (p.checkpointDigest !== checkpointDigest(checkpoint)) return 'hub countersignature does not bind this checkpoint document (digest differs)';
  return undefined;
}

/** The keys that may have signed a region's checkpoints: a member's keys, or the hub's for its own log. */
export function keysOfRegion(trustList: Pick<TrustListPayload, 'members' | 'hub'>, regionCode: string): PublicKeyEntry[] {
  if (regionCode === HUB_REGION_CODE) return trustList.hub.keys;
  const m = trustList.members.find((x) => x.regionCode === regionCode);
  return m ? m.keys.map((k) => ({ keyId: k.keyId, suite: k.suite, publicKey: k.publicKey })) : [];
}
