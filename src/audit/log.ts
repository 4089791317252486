// The audit log of one server (I/O): appends with group commit, checkpoints signed by the server's
// key, and (nodes) anchoring of those checkpoints at the hub. The chain rule itself is chain.ts.
//
// Group commit: append() queues the entry and returns a promise; entries queued in the same tick, or
// while a write is in progress, are chained in order and written in one transaction. One writer per
// process (this class); across processes and PostgreSQL replicas, every write transaction begins by
// updating the single audit_head row, which takes its row lock (PostgreSQL) or the database write
// lock (SQLite) until commit, so two writers can never chain onto the same head.

import type { Insertable, Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ERRORS, TongbanError, isTongbanError, type ErrorCode } from '../core/errors.js';
import { maskIdNumber } from '../core/mask.js';
import { nowIso } from '../core/time.js';
import type { Signer } from '../core/signed-document.js';
import type { TrustListPayload } from '../federation/documents.js';
import type { TongbanDB } from '../store/schema.js';
import { isDataRefusal } from '../store/db.js';
import { ENTRY_FIELDS, chainEntries, type AuditAlgorithm, type AuditEntryRecord } from './chain.js';
import { prepareQuery, prepareRows, type Param } from '../store/prepared.js';
import { anchorProblem, buildCheckpoint, type Checkpoint } from './documents.js';
import { RESTORE_DECLARED, declareRestore, type RestoreResult } from './restore.js';
import { hubPostJson } from './verify.js';
import { anchoringStatus } from './status.js';
import type { AnchoringStatus } from './status-types.js';
import { prepareEntry, subjectRefOf, type AuditEvent, type PreparedEntry } from './event.js';

export interface AnchorTarget {
  /** the hub's base URL */
  hubUrl: () => string | undefined;
  /** the verified member list: a countersignature is made with one of its hub keys, a restore declaration with one of the region's; undefined until known */
  trustList: () => Pick<TrustListPayload, 'members' | 'hub'> | undefined;
  timeoutMs?: number;
}

export interface AuditLogOptions {
  db: Kysely<TongbanDB>;
  /** signs checkpoints: the server's own key */
  signer: Signer;
  /** the server's region code (the hub: 000000) */
  regionCode: string;
  /** HMAC key for subject_ref; required only if events carry a subject */
  subjectKey?: Buffer;
  logger?: Logger;
  /** checkpoint after this many new entries (default 1000) */
  checkpointEvery?: number;
  /** and every this many seconds if there are new entries (default 60; 0: no timer) */
  checkpointSeconds?: number;
  /** most entries in one transaction (default 2000) */
  maxBatch?: number;
  /** nodes: where checkpoints are anchored. Absent on the hub, which anchors itself. */
  anchor?: AnchorTarget;
}

export interface AppendResult {
  seq: number;
  hash: string;
}

export interface CheckpointInfo {
  seq: number;
  headHash: string;
  createdAt: string;
  anchored: boolean;
  anchoredAt: string | null;
  /** what the last failed attempt to anchor it met */
  lastError: string | null;
  /** its code: the hub's refusal, or E_HUB_UNAVAILABLE */
  lastErrorCode: string | null;
  document: Checkpoint;
}

export interface AnchorRound {
  anchored: number;
  pending: number;
  error?: string;
}

/** A row of another table to insert with an audit entry (batched with its neighbours' rows of that table). */
export type AuditCompanionRow = { [T in keyof TongbanDB]: { table: T; row: Insertable<TongbanDB[T]> } }[keyof TongbanDB];

/**
 * What commits in the same transaction as an audit entry — the record and the entry that accounts for
 * it exist both or neither: a row to insert (e.g. an exchange's evidence record, exchange_request), or
 * writes of any shape run on the entry's transaction (e.g. a conversation marked answered with its
 * answer queued for delivery). A function that throws takes its entry with it, and only its entry:
 * it is called again if its batch is retried, so it must do nothing but write through `tx`.
 */
export type AuditCompanion = AuditCompanionRow | ((tx: Kysely<TongbanDB>) => Promise<void>);

interface Pending {
  entry: PreparedEntry;
  companion: AuditCompanion | undefined;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

/** A batch failure one entry's companion caused: its data refused, or its writes' own error. */
function byOneEntry(e: unknown): boolean {
  return isDataRefusal(e) || (isTongbanError(e) && e.code !== 'E_INTERNAL' && e.code !== 'E_DATABASE_UNAVAILABLE');
}

const INSERT_CHUNK = 500; // rows per INSERT: ~23 parameters each, well under SQLite's and PostgreSQL's limits
const HEAD_ID = 1;

export class AuditLog {
  readonly algorithm: AuditAlgorithm;
  /** committed transactions and entries since this object was made (group commit at work) */
  readonly stats = { batches: 0, entries: 0 };
  private queue: Pending[] = [];
  private scheduled = false;
  private writing: Promise<void> | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private lastSeq = 0;
  private lastCheckpointSeq: number | undefined;
  private checkpointing: Promise<unknown> = Promise.resolve();
  private anchoring: Promise<AnchorRound> | undefined;
  private readonly every: number;
  private readonly seconds: number;
  private readonly maxBatch: number;
  private readonly observers: Array<(event: AuditEvent) => void> = [];
  // every exchange appends on both sides: these statements are built once (store/prepared.ts)
  private readonly lockHead = prepareQuery((p: Param<'at'>) =>
    this.opts.db.updateTable('audit_head').set({ updated_at: p('at') }).where('id', '=', HEAD_ID).returning(['seq', 'hash']),
  );
  private readonly moveHead = prepareQuery((p: Param<'seq' | 'hash'>) =>
    this.opts.db.updateTable('audit_head').set({ seq: p('seq') as unknown as number, hash: p('hash') }).where('id', '=', HEAD_ID),
  );
  private readonly insertEntries = prepareRows<AuditEntryRecord>([...ENTRY_FIELDS, 'hash'], (rows) => this.opts.db.insertInto('audit_entry').values(rows));
  private readonly companionInserts = new Map<string, ReturnType<typeof prepareRows<object>>>();

  /** The prepared insert for a companion table and the columns its rows carry (a row without one writes NULL). */
  private companionInsert(table: keyof TongbanDB, rows: object[]) {
    const first = Object.keys(rows[0]!);
    const same = rows.every((r) => Object.keys(r).length === first.length && first.every((c) => c in r));
    const columns = same ? first : [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const key = `${table}(${columns.join(',')})`;
    let insert = this.companionInserts.get(key);
    if (!insert) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each row was typed for its table by AuditCompanion
      insert = prepareRows<object>(columns as never[], (rows) => this.opts.db.insertInto(table).values(rows as any));
      if (this.companionInserts.size < 32) this.companionInserts.set(key, insert);
    }
    return insert;
  }

  constructor(private readonly opts: AuditLogOptions) {
    this.algorithm = opts.signer.suite.hashName;
    this.every = opts.checkpointEvery ?? 1000;
    this.seconds = opts.checkpointSeconds ?? 60;
    this.maxBatch = opts.maxBatch ?? 2000;
  }

  get regionCode(): string {
    return this.opts.regionCode;
  }

  /**
   * Appends one event, and `companion` with it. Resolves with its seq and hash once the transaction
   * holding it has committed; rejects with E_INVALID_REQUEST (bad event: nothing written) or
   * E_DATABASE_UNAVAILABLE (nothing of its batch written).
   */
  append(event: AuditEvent, companion?: AuditCompanion): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new TongbanError('E_INTERNAL', 'the audit log is closed'));
    let entry: PreparedEntry;
    try {
      entry = prepareEntry(event, { algorithm: this.algorithm, at: nowIso(), subjectRef: (id) => this.subjectRef(id) });
    } catch (e) {
      return Promise.reject(e);
    }
    const committed = new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ entry, companion, resolve, reject });
      this.kick();
    });
    if (this.observers.length === 0) return committed;
    return committed.then((r) => {
      for (const observe of this.observers) observe(event);
      return r;
    });
  }

  /** Calls `fn` with every event once its entry has committed (metrics). */
  observe(fn: (event: AuditEvent) => void): void {
    this.observers.push(fn);
  }

  /** The keyed hash the log stores instead of an ID number: use it to find "who accessed my data". */
  subjectRef(idNumber: string): string {
    if (!this.opts.subjectKey) throw new TongbanError('E_INTERNAL', 'this audit log has no subject key');
    return subjectRefOf(this.opts.subjectKey, this.algorithm, idNumber);
  }

  /** 340104199003071234 → 3401**********1234, the only form of an ID number the log keeps. */
  static maskId(idNumber: string): string {
    return maskIdNumber(idNumber.trim().toUpperCase());
  }

  /** Resolves once everything appended so far is committed. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.writing || this.scheduled) {
      if (this.writing) await this.writing;
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Same as flush(). */
  drain(): Promise<void> {
    return this.flush();
  }

  /** Resolves once appends, and any checkpoint or anchoring they set off, have finished (for tests and shutdown). */
  async settled(): Promise<void> {
    await this.flush();
    await this.checkpointing.catch(() => undefined);
    await this.anchoring?.catch(() => undefined);
  }

  /** Loads the checkpoint position and starts the checkpoint/anchoring timer. */
  async start(): Promise<void> {
    await this.loadPosition();
    if (this.seconds > 0) {
      this.timer = setInterval(() => {
        void this.periodic();
      }, this.seconds * 1000).unref();
    }
    if (this.opts.anchor) void this.anchorPending().catch(() => undefined);
  }

  /** Flushes, signs a last checkpoint over anything new (anchored on the next start), and stops. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    await this.anchoring?.catch(() => undefined);
    await this.checkpointNow().catch((e) => this.opts.logger?.warn({ err: (e as Error).message }, 'audit: final checkpoint failed'));
  }

  // ---- group commit ------------------------------------------------------------------------

  private kick(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // setImmediate, not a microtask: every append issued in this turn of the event loop joins the batch
    setImmediate(() => {
      this.scheduled = false;
      this.writing = this.writeQueued().finally(() => {
        this.writing = undefined;
        if (this.queue.length > 0) this.kick();
      });
    });
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.commit(batch);
      } catch (e) {
        if (batch.length === 1 || !byOneEntry(e)) {
          this.refuse(batch, e);
          continue;
        }
        // one entry's companion is what failed (a duplicate row, a conflict its writes found): each
        // alone, so that it fails by itself and its neighbours commit. Not when the database itself
        // failed (busy, unreachable): each alone would wait out the same failure once per entry.
        for (const p of batch) await this.commit([p]).catch((x: unknown) => this.refuse([p], x));
      }
    }
    if (this.lastCheckpointSeq !== undefined && this.lastSeq - this.lastCheckpointSeq >= this.every) {
      this.lastCheckpointSeq = this.lastSeq; // one trigger per threshold crossing
      void this.checkpointNow()
        .then(() => (this.opts.anchor ? this.anchorPending() : undefined))
        .catch((e) => this.opts.logger?.warn({ err: (e as Error).message }, 'audit checkpoint failed'));
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    const results = await this.writeBatch(batch.map((p) => p.entry), batch.map((p) => p.companion));
    this.stats.batches++;
    this.stats.entries += results.length;
    batch.forEach((p, i) => p.resolve(results[i]!));
    this.lastSeq = results.at(-1)!.seq;
  }

  private refuse(batch: Pending[], e: unknown): void {
    const err = isTongbanError(e) ? e : new TongbanError('E_DATABASE_UNAVAILABLE', `audit append failed: ${(e as Error).message}`, { cause: e });
    if (err.code === 'E_DATABASE_UNAVAILABLE' || err.code === 'E_INTERNAL') this.opts.logger?.error({ err: err.message, entries: batch.length }, 'audit append failed');
    batch.forEach((p) => p.reject(err));
  }

  private async writeBatch(entries: PreparedEntry[], companions: Array<AuditCompanion | undefined> = []): Promise<AppendResult[]> {
    const byTable = new Map<keyof TongbanDB, object[]>();
    const writes: Array<(tx: Kysely<TongbanDB>) => Promise<void>> = [];
    for (const c of companions) {
      if (!c) continue;
      if (typeof c === 'function') {
        writes.push(c);
        continue;
      }
      const rows = byTable.get(c.table);
      if (rows) rows.push(c.row);
      else byTable.set(c.table, [c.row]);
    }
    return this.opts.db.transaction().execute(async (tx) => {
      // The first statement is a write on the head row: it takes the lock every other writer waits on.
      const head = (await tx.executeQuery(this.lockHead({ at: nowIso() }))).rows[0];
      if (!head) throw new TongbanError('E_INTERNAL', 'audit_head row is missing: the audit log has been tampered with');
      const chained = chainEntries({ seq: Number(head.seq), hash: head.hash }, entries);
      for (let i = 0; i < chained.length; i += INSERT_CHUNK) {
        await tx.executeQuery(this.insertEntries(chained.slice(i, i + INSERT_CHUNK)));
      }
      for (const [table, rows] of byTable) {
        const insert = this.companionInsert(table, rows);
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.executeQuery(insert(rows.slice(i, i + INSERT_CHUNK)));
      }
      for (const write of writes) await write(tx);
      const last = chained.at(-1)!;
      await tx.executeQuery(this.moveHead({ seq: last.seq, hash: last.hash }));
      return chained.map((e) => ({ seq: e.seq, hash: e.hash }));
    });
  }

  // ---- checkpoints and anchoring -----------------------------------------------------------

  private async loadPosition(): Promise<void> {
    const head = await this.opts.db.selectFrom('audit_head').select('seq').where('id', '=', HEAD_ID).executeTakeFirst();
    const cp = await this.opts.db.selectFrom('audit_checkpoint').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    this.lastSeq = Number(head?.seq ?? 0);
    this.lastCheckpointSeq = Number(cp?.seq ?? 0);
  }

  private async periodic(): Promise<void> {
    try {
      await this.checkpointNow();
      if (this.opts.anchor) await this.anchorPending();
    } catch (e) {
      this.opts.logger?.warn({ err: (e as Error).message }, 'audit checkpoint round failed');
    }
  }

  /**
   * Signs a checkpoint over the last committed entry, unless one already covers it. Resolves with the
   * new checkpoint, or undefined when there was nothing new. Serialised: concurrent calls queue.
   */
  checkpointNow(): Promise<CheckpointInfo | undefined> {
    const run = this.checkpointing.catch(() => undefined).then(() => this.checkpointOnce());
    this.checkpointing = run;
    return run;
  }

  private async checkpointOnce(): Promise<CheckpointInfo | undefined> {
    const db = this.opts.db;
    const last = await db.selectFrom('audit_entry').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!last) return undefined;
    const seq = Number(last.seq);
    const prior = await db.selectFrom('audit_checkpoint').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (prior && Number(prior.seq) >= seq) return undefined;
    const doc = buildCheckpoint(this.opts.signer, { regionCode: this.opts.regionCode, seq, headHash: last.hash, algorithm: this.algorithm });
    const createdAt = doc.payload.at;
    // another replica may have checkpointed the same seq a moment ago: keep theirs
    await db
      .insertInto('audit_checkpoint')
      .values({
        seq,
        head_hash: last.hash,
        entry_count: seq,
        created_at: createdAt,
        document: JSON.stringify(doc),
        countersignature: null,
        anchored_at: null,
        last_attempt_at: null,
        last_error: null,
        last_error_code: null,
      })
      .onConflict((oc) => oc.column('seq').doNothing())
      .execute();
    this.lastCheckpointSeq = Math.max(this.lastCheckpointSeq ?? 0, seq);
    this.opts.logger?.debug({ seq }, 'audit checkpoint');
    return { seq, headHash: last.hash, createdAt, anchored: false, anchoredAt: null, lastError: null, lastErrorCode: null, document: doc };
  }

  /**
   * Sends every checkpoint the hub has not countersigned yet, oldest first, and stores the
   * countersignatures. Stops at the first failure (the hub is down: retried on the next round).
   */
  anchorPending(): Promise<AnchorRound> {
    this.anchoring ??= this.anchorOnce().finally(() => {
      this.anchoring = undefined;
    });
    return this.anchoring;
  }

  private async anchorOnce(): Promise<AnchorRound> {
    const db = this.opts.db;
    const target = this.opts.anchor;
    const pendingRows = await db.selectFrom('audit_checkpoint').select(['seq', 'document']).where('countersignature', 'is', null).orderBy('seq').execute();
    if (!target || pendingRows.length === 0) return { anchored: 0, pending: pendingRows.length };
    const hubUrl = target.hubUrl();
    const hubKeys = target.trustList()?.hub.keys;
    if (!hubUrl || !hubKeys?.length) return { anchored: 0, pending: pendingRows.length, error: 'no verified member list yet (hub key unknown)' };
    let anchored = 0;
    for (const row of pendingRows) {
      let checkpoint = JSON.parse(row.document) as Checkpoint;
      const at = nowIso();
      if (checkpoint.signature.keyId !== this.opts.signer.keyId) {
        // signed before a key rotation: the hub accepts only active keys, so the same head is signed
        // again with the current key (the retired key's signature adds nothing the new one does not)
        const p = checkpoint.payload;
        checkpoint = buildCheckpoint(this.opts.signer, { regionCode: p.regionCode, seq: p.seq, headHash: p.headHash, algorithm: p.algorithm });
        await db.updateTable('audit_checkpoint').set({ document: JSON.stringify(checkpoint) }).where('seq', '=', Number(row.seq)).execute();
      }
      let error: string | undefined;
      try {
        const anchor = await this.postCheckpoint(hubUrl, checkpoint, target.timeoutMs ?? 5000);
        const problem = anchorProblem(anchor, checkpoint, hubKeys);
        if (problem) throw new TongbanError('E_SIGNATURE', problem);
        await db
          .updateTable('audit_checkpoint')
          .set({ countersignature: JSON.stringify(anchor), anchored_at: at, last_attempt_at: at, last_error: null, last_error_code: null })
          .where('seq', '=', Number(row.seq))
          .execute();
        anchored++;
      } catch (e) {
        // the code as data (the status page's state follows it), the words beside it
        const code: ErrorCode = isTongbanError(e) ? e.code : 'E_INTERNAL';
        const detail = isTongbanError(e) ? (e.detail ?? ERRORS[code].en) : (e as Error).message;
        error = `${code}: ${detail}`;
        await db.updateTable('audit_checkpoint').set({ last_attempt_at: at, last_error: detail, last_error_code: code }).where('seq', '=', Number(row.seq)).execute();
        if (code !== 'E_CONFLICT') this.opts.logger?.warn({ seq: Number(row.seq), err: error }, 'audit checkpoint not anchored; will retry');
        // a conflict does not pass by itself (a log restored behind the hub's anchors): later
        // checkpoints wait behind this one until an operator acts
        else this.opts.logger?.error({ seq: Number(row.seq), err: error }, 'the hub refused an audit checkpoint; anchoring is held until this is resolved (docs/OPERATIONS.md, "Backups")');
        return { anchored, pending: pendingRows.length - anchored, error };
      }
    }
    return { anchored, pending: 0 };
  }

  /**
   * After a restore from an older backup (the hub refuses this log's checkpoints: it anchors entries
   * the log no longer holds): declares the lost history to the hub (restore.ts), records the
   * declaration in this log, and anchors what waited. Who declares it, and why, is in the entry, with
   * the declaration's digest.
   */
  async declareRestore(reason: string, actor: AuditEvent['actor']): Promise<RestoreResult & { anchoring: AnchorRound }> {
    const target = this.opts.anchor;
    const hubUrl = target?.hubUrl();
    const hubKeys = target?.trustList()?.hub.keys;
    if (!target || !hubUrl || !hubKeys?.length) throw new TongbanError('E_HUB_UNAVAILABLE', 'no verified member list yet (hub key unknown)');
    await this.anchoring?.catch(() => undefined);
    const event = (outcome: AuditEvent['outcome'], detail: Record<string, string | number>, errorCode?: string): AuditEvent => ({
      category: 'security',
      action: RESTORE_DECLARED,
      actor,
      outcome,
      ...(errorCode ? { errorCode } : {}),
      detail: { reason, ...detail },
    });
    let result: RestoreResult;
    try {
      result = await declareRestore(
        { db: this.opts.db, signer: this.opts.signer, regionCode: this.opts.regionCode, algorithm: this.algorithm, hubUrl, hubKeys, timeoutMs: target.timeoutMs ?? 10_000 },
        reason,
      );
    } catch (e) {
      await this.append(event('error', {}, isTongbanError(e) ? e.code : 'E_INTERNAL'));
      throw e;
    }
    const r = result.receipt.payload;
    // the declaration's digest names it: the status page finds who declared each one by it
    await this.append(
      event('ok', { keepThrough: r.keepThrough, supersededFrom: r.supersededFrom, supersededThrough: r.supersededThrough, superseded: r.superseded, declarationDigest: r.declarationDigest }),
    );
    this.opts.logger?.warn({ keepThrough: r.keepThrough, supersededFrom: r.supersededFrom, supersededThrough: r.supersededThrough }, 'restore declared: the hub set the lost history aside; anchoring resumes');
    return { ...result, anchoring: await this.anchorPending() };
  }

  private async postCheckpoint(hubUrl: string, checkpoint: Checkpoint, timeoutMs: number): Promise<unknown> {
    const { anchor } = (await hubPostJson(`${hubUrl}/api/hub/audit/anchors`, checkpoint, timeoutMs)) as { anchor?: unknown };
    if (!anchor) throw new TongbanError('E_HUB_UNAVAILABLE', 'the hub answered without an anchor');
    return anchor;
  }

  // ---- reading -------------------------------------------------------------------------------

  /** seq and hash of the last committed entry (0 and 64 zeros for an empty log). */
  async head(): Promise<AppendResult> {
    const h = await this.opts.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', HEAD_ID).executeTakeFirst();
    return { seq: Number(h?.seq ?? 0), hash: h?.hash ?? '' };
  }

  async checkpoints(): Promise<CheckpointInfo[]> {
    const rows = await this.opts.db.selectFrom('audit_checkpoint').selectAll().orderBy('seq').execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      headHash: r.head_hash,
      createdAt: r.created_at,
      anchored: r.countersignature !== null,
      anchoredAt: r.anchored_at,
      lastError: r.last_error,
      lastErrorCode: r.last_error_code,
      document: JSON.parse(r.document) as Checkpoint,
    }));
  }

  /** Where anchoring stands (status.ts): counts, the oldest waiting checkpoint and why, a refusal holding it, and the hub's restore declarations. */
  anchoringStatus(opts: { timeoutMs?: number } = {}): Promise<AnchoringStatus> {
    return anchoringStatus({
      db: this.opts.db,
      regionCode: this.opts.regionCode,
      policy: { everyEntries: this.every, everySeconds: this.seconds },
      hubUrl: this.opts.anchor?.hubUrl(),
      trustList: this.opts.anchor?.trustList(),
      ...opts,
    });
  }

  /** The most recent entries, newest first. */
  async tail(n = 20): Promise<AuditEntryRecord[]> {
    return readTail(this.opts.db, n);
  }

  /** Every entry about one person (by ID number, looked up through subject_ref), newest first. */
  async findBySubject(idNumber: string, limit = 200): Promise<AuditEntryRecord[]> {
    const rows = await this.opts.db.selectFrom('audit_entry').selectAll().where('subject_ref', '=', this.subjectRef(idNumber)).orderBy('seq', 'desc').limit(limit).execute();
    return rows.map(normaliseEntry);
  }

  /** Every entry about one exchange message, in order. */
  async findByMessage(messageId: string): Promise<AuditEntryRecord[]> {
    const rows = await this.opts.db.selectFrom('audit_entry').selectAll().where('message_id', '=', messageId).orderBy('seq').execute();
    return rows.map(normaliseEntry);
  }
}

export async function readTail(db: Kysely<TongbanDB>, n: number): Promise<AuditEntryRecord[]> {
  const rows = await db.selectFrom('audit_entry').selectAll().orderBy('seq', 'desc').limit(n).execute();
  return rows.map(normaliseEntry);
}

/** pg returns bigint columns as strings. */
export function normaliseEntry(r: AuditEntryRecord): AuditEntryRecord {
  return typeof r.seq === 'number' ? r : { ...r, seq: Number(r.seq) };
}
