// Replay protection on the provider side: a message id is accepted once. The database is the
// arbiter (several replicas of a node share it); an in-process map answers repeats without a
// round trip and closes the window between two copies arriving before the first commits.

import type { Kysely } from 'kysely';
import { TongbanError } from '../core/errors.js';
import { nowIso } from '../core/time.js';
import { GroupCommitter } from '../store/group-commit.js';
import { prepareRows } from '../store/prepared.js';
import { PeriodicTask, purgeOlderThan, type PurgeTarget } from '../store/purge.js';
import type { TongbanDB } from '../store/schema.js';
import type { ExchangeReplayTable } from './schema.js';

interface Seen {
  messageId: string;
  from: string;
  createdAt: string;
}

const REPLAY_ROWS: PurgeTarget = { table: 'exchange_replay', key: 'message_id', time: 'received_at' };

/** How many recent ids a provider keeps in memory (a few tens of MB at most). */
const RECENT_IDS = 200_000;

export class ReplayGuard {
  // Recent ids in two generations: a claim checks both; when the newer one is full or older than
  // twice the window it becomes the older one and the oldest generation is dropped whole. O(1) per
  // claim, and at most `recentLimit` ids in memory.
  private current = new Set<string>();
  private previous = new Set<string>();
  private currentSince = Date.now();
  private purger: PeriodicTask | undefined;
  private readonly committer: GroupCommitter<Seen, boolean>;

  /** `windowMs`: the clock window; ids older than twice the window can be forgotten. */
  constructor(
    private readonly db: Kysely<TongbanDB>,
    private readonly windowMs: number,
    private readonly recentLimit = RECENT_IDS,
  ) {
    const insert = prepareRows<ExchangeReplayTable, { message_id: string }>(['message_id', 'from_region', 'created_at', 'received_at'], (rows) =>
      db.insertInto('exchange_replay').values(rows).onConflict((oc) => oc.column('message_id').doNothing()).returning('message_id'),
    );
    this.committer = new GroupCommitter(async (items) => {
      const at = nowIso();
      const inserted = (await this.db.executeQuery(insert(items.map((s) => ({ message_id: s.messageId, from_region: s.from, created_at: s.createdAt, received_at: at }))))).rows;
      const fresh = new Set(inserted.map((r) => r.message_id));
      // the same id twice in one batch: only the first is fresh
      const seenInBatch = new Set<string>();
      return items.map((s) => {
        const ok = fresh.has(s.messageId) && !seenInBatch.has(s.messageId);
        seenInBatch.add(s.messageId);
        return ok;
      });
    });
  }

  /** Claims a message id; throws E_REPLAY if it was used before. Durable once this resolves. */
  async claim(messageId: string, from: string, createdAt: string): Promise<void> {
    const now = Date.now();
    if (this.current.has(messageId) || this.previous.has(messageId)) throw new TongbanError('E_REPLAY', `message ${messageId} was already received`);
    this.remember(messageId, now);
    const fresh = await this.committer.submit({ messageId, from, createdAt });
    if (!fresh) throw new TongbanError('E_REPLAY', `message ${messageId} was already received`);
  }

  /** Ids held in memory (the database holds them all until purge). */
  get remembered(): number {
    return this.current.size + this.previous.size;
  }

  // The sets only save a database round trip for a repeat; the database's unique key decides. So
  // they may forget an id early when full: a repeat of it is then refused by the database instead.
  private remember(messageId: string, now: number): void {
    if (this.current.size >= this.recentLimit / 2 || now - this.currentSince > 2 * this.windowMs) {
      this.previous = this.current;
      this.current = new Set();
      this.currentSince = now;
    }
    this.current.add(messageId);
  }

  /** Deletes ids older than twice the clock window (no message that old passes the clock check). */
  purge(now = new Date(), slice?: number): Promise<number> {
    return purgeOlderThan(this.db, REPLAY_ROWS, new Date(now.getTime() - 2 * this.windowMs).toISOString(), slice);
  }

  /** Purges now and then every `everyMs` until stopped; a failed purge is reported and tried again next time. */
  startPurging(everyMs: number, onError: (e: unknown) => void): void {
    this.purger ??= new PeriodicTask(() => this.purge(), everyMs, onError);
    this.purger.start();
  }

  async stopPurging(): Promise<void> {
    await this.purger?.stop();
  }
}
