// The answer of GET /api/audit/status (status.ts) and where a log and the hub's anchors part
// (restore.ts). No imports: the web console (src/web/audit/api.ts) uses these types as they are, so
// the page and the server cannot drift apart.

/** Where this log and the hub's anchors part. */
export interface Divergence {
  /** the highest seq the hub anchored that this log still holds unchanged (0: none) */
  keepThrough: number;
  keepHeadHash: string | null;
  /** the highest seq the hub anchors for this region */
  hubHighest: number;
  /** anchors after keepThrough: the lost history (0 when the two agree) */
  lost: number;
}

/**
 * anchored: every checkpoint is countersigned; pending: some wait and are retried on the next round
 * (the hub unreachable, or not asked yet); held: the hub refused the oldest (E_CONFLICT: the log went
 * back) and every later one waits behind it until an administrator declares the restore; refused: the
 * hub refused the oldest for another reason (E_FORBIDDEN: this node's membership is not approved, or
 * suspended; E_NOT_TRUSTED, E_CLOCK_SKEW, …) — retried every round, anchored once that is put right.
 */
export type AnchoringState = 'anchored' | 'pending' | 'held' | 'refused';

/** What a restore declaration of this region declared lost, when and why (PROTOCOL §6.6). */
export interface RestoreSummary {
  /** when the node signed the declaration */
  declaredAt: string;
  /** when the hub recorded it */
  recordedAt: string;
  keepThrough: number;
  supersededFrom: number;
  supersededThrough: number;
  /** anchors the hub set aside (kept and listed, not deleted) */
  superseded: number;
  reason: string;
  /** lower-case hex digest of the signed declaration (PROTOCOL §6.6, the receipt's declarationDigest): the one name of it ('' when it is malformed) */
  declarationDigest: string;
}

/**
 * The first check a restore declaration fails (audit verify and the status page use the same rule,
 * verify.ts readRestore): shape, malformed; region, declared for another region; declaration, the
 * region's signature does not verify against its keys in the member list; hub-keys, the hub's keys are
 * not known yet; receipt, the hub's receipt does not verify or does not bind the declaration.
 */
export interface RestoreProblem {
  check: 'shape' | 'region' | 'declaration' | 'hub-keys' | 'receipt';
  /** what exactly (English, for the operator) */
  reason: string;
}

/** Who declared a restore, as this node's own log records it (its audit.restore-declared entry). */
export interface RestoreDeclarer {
  /** the actor's type and id (a member of staff: user and their login name) */
  actorType: string;
  id: string;
  /** the staff member's name from this node's accounts; null when the account is gone, or not a person */
  name: string | null;
  /** the department the entry records (as it was when they declared) */
  department: string | null;
  /** the entry: where `tongban audit tail` shows it */
  seq: number;
  at: string;
}

/** One restore declaration of this region, as the hub lists it. */
export interface RestoreView extends RestoreSummary {
  /** who declared it, from this node's log; null when the log holds no record of it (a later restore from an older backup lost it too, or it is malformed) */
  declaredBy: RestoreDeclarer | null;
  /** the region's signature and the hub's receipt both verify against the member list this node holds */
  verified: boolean;
  /** when not verified: the first check it fails */
  problem?: RestoreProblem;
}

export interface AnchoringStatus {
  regionCode: string;
  state: AnchoringState;
  /** a refusal holds anchoring back (state held) */
  held: boolean;
  /** the last committed entry (seq 0, at null: an empty log) */
  head: { seq: number; at: string | null };
  /** entries after the last checkpoint: they go into the next one */
  sinceCheckpoint: number;
  /** a checkpoint every this many entries, and every this many seconds when there is something new (0: no timer) */
  policy: { everyEntries: number; everySeconds: number };
  checkpoints: { total: number; anchored: number; pending: number };
  lastAnchored: { seq: number; anchoredAt: string | null } | null;
  /**
   * the checkpoint every later one waits behind: its last attempt, what it met (the hub's words) and
   * that answer's code (null: not sent yet, or not recorded)
   */
  oldestPending: { seq: number; createdAt: string; lastAttemptAt: string | null; lastError: string | null; errorCode: string | null } | null;
  /** when held and the hub could be asked: where this log and the hub's anchors part (what a declaration would set aside) */
  divergence?: Divergence;
  /** the region's restore declarations held by the hub, oldest first; null when the hub could not be asked */
  restores: RestoreView[] | null;
  /** why the hub could not be asked */
  hubError?: string;
}
