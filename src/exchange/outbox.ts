// Durable delivery between nodes: a transactional outbox on the sender. A message is written to
// the outbox in the sender's database, then pushed over HTTP with retries and exponential backoff
// until the receiver acknowledges it; the receiver's inbox (message-id unique) makes repeats
// harmless — at least once on the wire, exactly once in effect. Several replicas of a node on one
// PostgreSQL database claim rows with FOR UPDATE SKIP LOCKED.

import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { nowIso } from '../core/time.js';
import { isSqlite } from '../store/migrations/portable.js';
import type { TongbanDB } from '../store/schema.js';
import type { PeerHttp } from './http.js';

export interface OutboxOptions {
  db: Kysely<TongbanDB>;
  http: PeerHttp;
  /** where a message of this kind for this region goes now (direct or via the relay) */
  resolveUrl: (targetRegion: string, kind: string) => string | undefined;
  logger: Logger;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** background polling interval as a backstop to in-process wake-ups (0: no background loop) */
  pollMs?: number;
  /** the body to send for a message now (e.g. sealed again after a key rotation); default: as stored */
  beforeSend?: (kind: string, body: string) => Promise<string>;
}

const LEASE_MS = 30_000;
const BATCH = 20;

export class Outbox extends EventEmitter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;
  private readonly owner = randomUUID();

  constructor(private readonly o: OutboxOptions) {
    super();
    this.setMaxListeners(100);
  }

  /**
   * Adds a message inside the caller's transaction. The caller calls wake() once it has committed:
   * on PostgreSQL a wake-up before the commit looks from another connection, finds nothing, and the
   * message would wait for the next poll.
   */
  async enqueueIn(tx: Kysely<TongbanDB>, target: string, kind: string, messageId: string, body: string): Promise<void> {
    const at = nowIso();
    await tx
      .insertInto('exchange_outbox')
      .values({
        id: randomUUID(), target_region: target, kind, message_id: messageId, body, status: 'pending', attempts: 0,
        next_attempt_at: at, lease_until: null, last_error: null, created_at: at, delivered_at: null,
      })
      .execute();
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Delivery attempt now (after the current one, if any). */
  wake(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), 0);
  }

  private async tick(): Promise<void> {
    const n = await this.runOnce().catch((e: Error) => {
      this.o.logger.warn({ err: e.message }, 'outbox run failed');
      return 0;
    });
    if (this.stopped) return;
    const delay = n === BATCH ? 0 : await this.untilNextDue();
    if (delay !== undefined) this.timer = setTimeout(() => void this.tick(), delay).unref();
  }

  private async untilNextDue(): Promise<number | undefined> {
    const next = await this.o.db
      .selectFrom('exchange_outbox')
      .select('next_attempt_at')
      .where('status', '=', 'pending')
      .orderBy('next_attempt_at')
      .limit(1)
      .executeTakeFirst();
    const poll = this.o.pollMs ?? 5000;
    if (!next) return poll > 0 ? poll : undefined;
    return Math.max(0, Math.min(Date.parse(next.next_attempt_at) - Date.now(), poll > 0 ? poll : Infinity));
  }

  /** Claims and attempts the due messages once; returns how many were attempted. */
  runOnce(): Promise<number> {
    this.running ??= this.attemptDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async attemptDue(): Promise<number> {
    const rows = await this.claim();
    await Promise.all(rows.map((r) => this.attempt(r)));
    return rows.length;
  }

  private async claim() {
    const now = nowIso();
    const until = new Date(Date.now() + LEASE_MS).toISOString();
    const db = this.o.db;
    const due = db
      .selectFrom('exchange_outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(BATCH);
    const ids = isSqlite(db) ? due : due.forUpdate().skipLocked();
    return db.updateTable('exchange_outbox').set({ lease_until: until }).where('id', 'in', ids).returningAll().execute();
  }

  private async attempt(row: { id: string; target_region: string; kind: string; message_id: string; body: string | null; attempts: number }): Promise<void> {
    const url = this.o.resolveUrl(row.target_region, row.kind);
    let ok = false;
    let permanent = false;
    let error = '';
    if (!url || row.body === null) {
      error = url ? 'nothing to deliver' : `no endpoint for ${row.target_region}`;
    } else {
      try {
        const body = this.o.beforeSend ? await this.o.beforeSend(row.kind, row.body) : row.body;
        const res = await this.o.http.postJson(url, body, { timeoutMs: 10_000 });
        ok = res.status >= 200 && res.status < 300;
        const code = (res.body as { error?: { code?: string } } | null)?.error?.code;
        // the receiver will never accept it: wrong signature, not trusted, malformed
        permanent = !ok && (code === 'E_SIGNATURE' || code === 'E_INVALID_REQUEST' || code === 'E_NOT_TRUSTED');
        if (!ok) error = `HTTP ${res.status} ${code ?? ''}`.trim();
      } catch (e) {
        error = (e as Error).message;
      }
    }
    const attempts = row.attempts + 1;
    if (ok) {
      await this.o.db
        .updateTable('exchange_outbox')
        .set({ status: 'delivered', body: null, attempts, delivered_at: nowIso(), lease_until: null, last_error: null })
        .where('id', '=', row.id)
        .execute();
      this.emit('delivered', { messageId: row.message_id, target: row.target_region, attempts });
      return;
    }
    const dead = permanent || attempts >= (this.o.maxAttempts ?? 20);
    const delay = Math.min((this.o.baseDelayMs ?? 1000) * 2 ** (attempts - 1), this.o.maxDelayMs ?? 300_000);
    const jitter = Math.floor(delay * 0.1 * ((attempts * 7919) % 10) / 10);
    await this.o.db
      .updateTable('exchange_outbox')
      .set({
        status: dead ? 'dead' : 'pending',
        attempts,
        next_attempt_at: new Date(Date.now() + delay + jitter).toISOString(),
        lease_until: null,
        last_error: error.slice(0, 500),
      })
      .where('id', '=', row.id)
      .execute();
    this.o.logger.warn({ target: row.target_region, messageId: row.message_id, attempts, dead, error }, 'delivery failed');
    this.emit(dead ? 'dead' : 'retry', { messageId: row.message_id, target: row.target_region, attempts, error });
  }

  /** Makes every pending message due now (operator "retry now", e.g. after a partner's outage). */
  async retryNow(): Promise<number> {
    const n = await retryPendingNow(this.o.db);
    this.wake();
    return n;
  }

  /** Puts dead messages back in the queue (operator redrive). */
  async redrive(): Promise<number> {
    const n = await redriveDead(this.o.db);
    this.wake();
    return n;
  }
}

// Operator actions on the outbox, usable with or without a running node (which polls the table).

export async function retryPendingNow(db: Kysely<TongbanDB>): Promise<number> {
  const r = await db.updateTable('exchange_outbox').set({ next_attempt_at: nowIso() }).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function redriveDead(db: Kysely<TongbanDB>): Promise<number> {
  const r = await db.updateTable('exchange_outbox').set({ status: 'pending', next_attempt_at: nowIso(), attempts: 0 }).where('status', '=', 'dead').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function outboxStatus(db: Kysely<TongbanDB>) {
  const counts = await db.selectFrom('exchange_outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const failing = await db
    .selectFrom('exchange_outbox')
    .select(['target_region', 'message_id', 'status', 'attempts', 'next_attempt_at', 'last_error'])
    .where('status', 'in', ['pending', 'dead'])
    .where('attempts', '>', 0)
    .orderBy('next_attempt_at')
    .limit(20)
    .execute();
  return { counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])), failing };
}
