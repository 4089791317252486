// Replay protection on the provider side: a message id is accepted once. The database is the
// arbiter (several replicas of a node share it); an in-process map answers repeats without a
// round trip and closes the window between two copies arriving before the first commits.

import type { Kysely } from 'kysely';
import { TongbanError } from '../core/errors.js';
import { nowIso } from '../core/time.js';
import { GroupCommitter } from '../store/group-commit.js';
import { prepareRows } from '../store/prepared.js';
import type { TongbanDB } from '../store/schema.js';
import type { ExchangeReplayTable } from './schema.js';

interface Seen {
  messageId: string;
  from: string;
  createdAt: string;
}

export class ReplayGuard {
  private readonly recent = new Map<string, number>();
  private readonly committer: GroupCommitter<Seen, boolean>;

  /** `windowMs`: the clock window; ids older than twice the window can be forgotten. */
  constructor(
    private readonly db: Kysely<TongbanDB>,
    private readonly windowMs: number,
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
    if (this.recent.has(messageId)) throw new TongbanError('E_REPLAY', `message ${messageId} was already received`);
    this.recent.set(messageId, now);
    if (this.recent.size > 200_000) this.forgetOld(now);
    const fresh = await this.committer.submit({ messageId, from, createdAt });
    if (!fresh) throw new TongbanError('E_REPLAY', `message ${messageId} was already received`);
  }

  private forgetOld(now: number): void {
    for (const [id, at] of this.recent) {
      if (now - at > 2 * this.windowMs) this.recent.delete(id);
    }
  }

  /** Deletes ids older than twice the clock window (no message that old passes the clock check). */
  async purge(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - 2 * this.windowMs).toISOString();
    const r = await this.db.deleteFrom('exchange_replay').where('received_at', '<', cutoff).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
