// `tongban outbox status|retry|redrive`: the node operator's view of durable delivery (answers of
// slow sources waiting for their requester). Works on the node's database; a running node picks
// the changes up within its polling interval.
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { TongbanDB } from '../store/index.js';
import { withServerDb } from './db.js';
import { outboxStatus, redriveDead, retryPendingNow } from '../exchange/outbox.js';
import { printTable } from './members.js';

const withNodeDb = <T>(configPath: string, fn: (db: Kysely<TongbanDB>) => Promise<T>) => withServerDb(configPath, 'node', (db) => fn(db));

export function registerOutboxCommands(program: Command): void {
  const outbox = program.command('outbox').description('durable delivery of exchange answers: status, retry now, redrive dead messages');
  outbox
    .command('status')
    .requiredOption('-c, --config <file>', 'the node configuration file')
    .action(async (opts: { config: string }) => {
      const s = await withNodeDb(opts.config, outboxStatus);
      console.log(`pending ${s.counts.pending ?? 0}  delivered ${s.counts.delivered ?? 0}  dead ${s.counts.dead ?? 0}`);
      if (s.failing.length) {
        printTable(
          ['to', 'message', 'status', 'attempts', 'next attempt', 'last error'],
          s.failing.map((f) => [f.target_region, f.message_id, f.status, String(f.attempts), f.next_attempt_at, (f.last_error ?? '').slice(0, 60)]),
        );
      }
    });
  outbox
    .command('retry')
    .description('make every pending message due now (after a partner came back)')
    .requiredOption('-c, --config <file>', 'the node configuration file')
    .action(async (opts: { config: string }) => console.log(`✓ ${await withNodeDb(opts.config, retryPendingNow)} pending message(s) due now`));
  outbox
    .command('redrive')
    .description('put dead messages back in the queue')
    .requiredOption('-c, --config <file>', 'the node configuration file')
    .action(async (opts: { config: string }) => console.log(`✓ ${await withNodeDb(opts.config, redriveDead)} dead message(s) queued again`));
}
