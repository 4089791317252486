// The audit tables as Kysely types (migration 002_audit). Integers are bigint on PostgreSQL (read
// back as strings by pg, so readers convert with Number); timestamps are ISO-8601 UTC text.

import type { AuditEntryRecord } from './chain.js';

/** Every server: one row per log entry, hash-chained (src/audit/chain.ts). seq is assigned by the log, never auto-incremented. */
export type AuditEntryTable = AuditEntryRecord;

/**
 * Every server: the single head row (id = 1) — seq and hash of the last entry. Each append
 * transaction starts by updating it, which serialises writers across processes and replicas
 * (PostgreSQL row lock, SQLite write lock); verification also compares it with the log's end.
 */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  updated_at: string;
}

/** Every server: checkpoints it signed over its own log, and (nodes) the hub's countersignature. */
export interface AuditCheckpointTable {
  seq: number;
  head_hash: string;
  entry_count: number;
  created_at: string;
  /** the signed tongban.audit-checkpoint document, JSON text */
  document: string;
  /** the hub's signed tongban.audit-anchor document, JSON text; null until anchored (and always on the hub) */
  countersignature: string | null;
  anchored_at: string | null;
  last_attempt_at: string | null;
  /** what the last failed attempt to anchor it met, in words (the hub's answer) */
  last_error: string | null;
  /** its code (migration 011): the hub's refusal, or E_HUB_UNAVAILABLE; null when none was recorded */
  last_error_code: string | null;
}

/** Hub: the checkpoints members have anchored. One head per (region_code, seq), forever. */
/** Hub: a member's declaration that its log went back, and the anchors it superseded (moved aside). */
export interface HubAuditRestoreTable {
  id: string;
  region_code: string;
  /** the highest anchored seq the member's log still holds (0: none) */
  keep_through: number;
  superseded_from: number;
  superseded_through: number;
  /** anchors moved to hub_audit_anchor_superseded */
  superseded: number;
  declared_at: string;
  recorded_at: string;
  /** the member's signed tongban.audit-restore document, JSON text */
  declaration: string;
  /** hex digest of the declaration (its algorithm): a retry finds its first receipt */
  declaration_digest: string;
  /** the hub's signed tongban.audit-restore-receipt document, JSON text */
  receipt: string;
}

export interface HubAuditAnchorTable {
  region_code: string;
  seq: number;
  head_hash: string;
  entry_count: number;
  checkpoint_at: string;
  key_id: string;
  /** base64 signature of the checkpoint (also inside `checkpoint`) */
  signature: string;
  /** the checkpoint document exactly as received, JSON text */
  checkpoint: string;
  checkpoint_digest: string;
  received_at: string;
  /** the hub's signed tongban.audit-anchor document, JSON text */
  countersignature: string;
}

export interface AuditTables {
  audit_entry: AuditEntryTable;
  audit_head: AuditHeadTable;
  audit_checkpoint: AuditCheckpointTable;
  hub_audit_anchor: HubAuditAnchorTable;
  hub_audit_restore: HubAuditRestoreTable;
  hub_audit_anchor_superseded: HubAuditAnchorTable & { restore_id: string };
}
