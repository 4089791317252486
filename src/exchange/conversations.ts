// Slow exchanges (办件 waiting on a slow source) on the provider: a conversation is remembered before
// the 202 answer, worked on by the replica holding its lease, and answered exactly once — the answer
// is queued for delivery in the same transaction as the audit entry that accounts for it, and only
// while this replica still holds the lease. A replica that dies, or whose answer could not be
// written, lets its lease run out; the next sweep of any replica takes the conversation over.

import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { TongbanError, isTongbanError } from '../core/errors.js';
import { nowIso } from '../core/time.js';
import { maskPersonalData } from '../core/mask.js';
import { isSqlite } from '../store/migrations/portable.js';
import { PeriodicTask } from '../store/purge.js';
import type { TongbanDB } from '../store/schema.js';
import type { SealedResponse, SignedRequest } from './envelope.js';
import type { Outbox } from './outbox.js';

/** How long a replica holds a conversation without renewing; a sweep every third of it renews. */
export const CONVERSATION_LEASE_MS = 30_000;
const TAKE_OVER_BATCH = 100;

export interface ConversationsOptions {
  db: Kysely<TongbanDB>;
  outbox: Outbox;
  logger: Logger;
  leaseMs?: number;
}

/** What the provider needs of the ledger (a test may stand in for it). */
export interface ConversationLedger {
  /** records an accepted slow exchange before its 202 answer, held by this replica */
  remember(req: SignedRequest): Promise<void>;
  /** inside the audit entry's transaction: marks the conversation answered and queues the answer (E_CONFLICT if this replica no longer holds it) */
  answerIn(tx: Kysely<TongbanDB>, conversationId: string, to: string, response: SealedResponse): Promise<void>;
  /** the answer committed: deliver it */
  answered(conversationId: string): void;
  /** the answer could not be committed: let the lease run out, for a later sweep to try again */
  unfinished(conversationId: string, error: unknown): void;
}

export class Conversations extends EventEmitter implements ConversationLedger {
  /** this replica (process): leases name it */
  readonly owner = randomUUID();
  private readonly leaseMs: number;
  /** conversations this replica works on now: their leases are renewed */
  private readonly held = new Set<string>();
  private readonly sweeper: PeriodicTask;
  private resume: ((req: SignedRequest) => Promise<void>) | undefined;

  constructor(private readonly o: ConversationsOptions) {
    super();
    this.leaseMs = o.leaseMs ?? CONVERSATION_LEASE_MS;
    this.sweeper = new PeriodicTask(() => this.sweep(), Math.max(1, Math.floor(this.leaseMs / 3)), (e) =>
      o.logger.warn({ err: (e as Error).message }, 'slow exchanges not swept; next try shortly'),
    );
  }

  /** Sweeps now and then every third of a lease: renews what this replica works on, takes over what nobody holds. */
  start(resume: (req: SignedRequest) => Promise<void>): void {
    this.resume = resume;
    this.sweeper.start();
  }

  async stop(): Promise<void> {
    await this.sweeper.stop();
  }

  async remember(req: SignedRequest): Promise<void> {
    const p = req.payload;
    await this.o.db
      .insertInto('exchange_conversation')
      .values({
        conversation_id: p.messageId, from_region: p.from, request: JSON.stringify(req), status: 'accepted', created_at: nowIso(), completed_at: null,
        lease_owner: this.owner, lease_until: this.leaseEnd(),
      })
      .execute();
    this.held.add(p.messageId);
  }

  async answerIn(tx: Kysely<TongbanDB>, conversationId: string, to: string, response: SealedResponse): Promise<void> {
    // answered: the signed request (with the subject's ID number) is not kept beyond its use; the
    // audit log holds its hash, the requester keeps it as evidence
    const r = await tx
      .updateTable('exchange_conversation')
      .set({ status: 'answered', completed_at: nowIso(), request: '', lease_owner: null, lease_until: null })
      .where('conversation_id', '=', conversationId)
      .where('status', '=', 'accepted')
      .where('lease_owner', '=', this.owner)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new TongbanError('E_CONFLICT', `conversation ${conversationId} is no longer held by this replica`);
    await this.o.outbox.enqueueIn(tx, to, 'inbox', response.payload.messageId, JSON.stringify(response));
  }

  answered(conversationId: string): void {
    this.held.delete(conversationId);
    this.o.outbox.wake();
    this.emit('answered', conversationId);
  }

  unfinished(conversationId: string, error: unknown): void {
    this.held.delete(conversationId);
    const code = isTongbanError(error) ? error.code : undefined;
    // E_CONFLICT: another replica took it over (this one stalled past its lease) and answers it
    if (code !== 'E_CONFLICT') this.o.logger.warn({ err: maskPersonalData(String((error as Error)?.message)), conversation: conversationId }, 'slow exchange not finished; tried again once its lease runs out');
    this.emit('unfinished', { conversationId, code });
  }

  /** Renews this replica's leases, then takes over conversations whose lease has run out; returns how many it took. */
  async sweep(): Promise<number> {
    const db = this.o.db;
    const until = this.leaseEnd();
    if (this.held.size > 0) {
      await db.updateTable('exchange_conversation').set({ lease_until: until })
        .where('conversation_id', 'in', [...this.held]).where('lease_owner', '=', this.owner).where('status', '=', 'accepted')
        .execute();
    }
    if (!this.resume) return 0;
    const now = nowIso();
    const lapsed = db
      .selectFrom('exchange_conversation')
      .select('conversation_id')
      .where('status', '=', 'accepted')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('lease_until')
      .limit(TAKE_OVER_BATCH);
    const taken = await db
      .updateTable('exchange_conversation')
      .set({ lease_owner: this.owner, lease_until: until })
      .where('conversation_id', 'in', isSqlite(db) ? lapsed : lapsed.forUpdate().skipLocked())
      .returning(['conversation_id', 'request'])
      .execute();
    for (const c of taken) {
      this.held.add(c.conversation_id);
      // resume answers or reports unfinished itself; this catch is for a request that no longer parses
      void Promise.resolve()
        .then(() => this.resume!(JSON.parse(c.request) as SignedRequest))
        .catch((e: unknown) => this.unfinished(c.conversation_id, e));
    }
    return taken.length;
  }

  private leaseEnd(): string {
    return new Date(Date.now() + this.leaseMs).toISOString();
  }
}
