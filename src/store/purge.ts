// Deleting rows that have stopped mattering (replay ids out of the clock window, relay metadata past
// its retention), a slice at a time so that the writes of live traffic never wait long for the lock,
// and on a timer that a server starts with its background work and stops before closing the store.

import { sql, type Kysely } from 'kysely';
import type { TongbanDB } from './schema.js';

export interface PurgeTarget {
  table: keyof TongbanDB;
  /** a unique column to delete by */
  key: string;
  /** an indexed ISO-time column; rows older than the cutoff go */
  time: string;
}

/** Deletes the target's rows older than `cutoff` (ISO time), `slice` rows a statement; returns how many went. */
export async function purgeOlderThan(db: Kysely<TongbanDB>, target: PurgeTarget, cutoff: string, slice = 5000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const r = await sql`delete from ${sql.table(target.table)} where ${sql.ref(target.key)} in (select ${sql.ref(target.key)} from ${sql.table(target.table)} where ${sql.ref(target.time)} < ${cutoff} limit ${slice})`.execute(db);
    const n = Number(r.numAffectedRows ?? 0);
    deleted += n;
    if (n < slice) return deleted;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Runs `task` now and then every `everyMs` until stopped; a failure is reported and tried again next time. */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** the current start(); a run of an earlier one (stopped meanwhile) schedules nothing */
  private generation = 0;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly everyMs: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    const generation = ++this.generation;
    const run = () => {
      this.running = this.task()
        .then(() => undefined, this.onError)
        .finally(() => {
          if (generation === this.generation && this.timer !== undefined) this.timer = setTimeout(run, this.everyMs).unref();
        });
    };
    this.timer = setTimeout(run, 0).unref();
  }

  async stop(): Promise<void> {
    this.generation++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
