// audit: the tamper-evident audit log every server keeps — the hash-chain rule (chain.ts), appends with
// group commit, checkpoints signed by the server and countersigned by the hub (anchoring), the hub's
// anchor registry and routes, whole-log verification naming the first bad entry, and `tongban audit`.
export { AuditLog, type AuditLogOptions, type AnchorTarget, type AppendResult, type CheckpointInfo, type AnchorRound, type AuditCompanion } from './log.js';
export { AUDIT_CATEGORIES, AUDIT_OUTCOMES, ACTOR_TYPES, type AuditEvent, type AuditCategory, type AuditOutcome, type AuditActorType } from './event.js';
export { GENESIS_HASH, computeEntryHash, verifyChain, ChainVerifier, type AuditAlgorithm, type AuditEntryRecord, type ChainProblem } from './chain.js';
export { CHECKPOINT_TYPE, ANCHOR_TYPE, HUB_REGION_CODE, type Checkpoint, type CheckpointPayload, type Anchor, type AnchorPayload } from './documents.js';
export { verifyAuditLog, fetchHubAnchors, type VerifyOptions, type VerifyReport, type HubAnchor } from './verify.js';
export type { AnchoringStatus, AnchoringState, RestoreView } from './status-types.js';
export { loadOrCreateSubjectKey, subjectKeyPath } from './subject-key.js';
export { adminActionEvent, type AdminActionLike } from './admin.js';
export type { AuditTables } from './schema.js';
import type { AuditEvent } from './event.js';
import type { AuditCompanion } from './log.js';

/**
 * What code that only records events needs (e.g. decideMembership's hook): the append method. A
 * companion row commits in the same transaction as the entry — both or neither.
 */
export interface AuditSink {
  append(event: AuditEvent, companion?: AuditCompanion): Promise<unknown>;
}
