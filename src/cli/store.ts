// `tongban migrate`, `tongban operator-token` and `tongban metrics-token`: storage chores on a server's own database.
import type { Command } from 'commander';
import { Option } from 'commander';
import { loadConfig, type Role } from '../config/index.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../store/index.js';
import { rotateMetricsToken, rotateOperatorToken } from '../server/start.js';
import { withServerDb } from './db.js';

export function registerStoreCommands(program: Command, roleOf: (path: string) => Role): void {
  program
    .command('migrate')
    .description("bring a server's database schema to the latest version (servers also do this at start)")
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
    .addOption(new Option('--role <role>', 'hub or node (default: from the file)').choices(['hub', 'node']))
    .action(async (opts: { config: string; role?: Role }) => {
      const cfg = loadConfig(opts.config, opts.role ?? roleOf(opts.config));
      const store = await openDatabase<TongbanDB>(cfg.database);
      try {
        const r = await migrateToLatest(store);
        console.log(r.applied.length ? `✓ applied ${r.applied.join(', ')}` : `✓ already at ${r.current}`);
      } finally {
        await store.close();
      }
    });

  program
    .command('operator-token')
    .description("issue a new hub operator token (the old one stops working); written to <dataDir>/operator.token")
    .requiredOption('-c, --config <file>', 'the hub configuration file')
    .action(async (opts: { config: string }) =>
      withServerDb(opts.config, 'hub', async (db, cfg) => {
        await rotateOperatorToken(db, cfg);
        console.log(`✓ new operator token written to ${cfg.dataDir}/operator.token`);
      }),
    );

  program
    .command('metrics-token')
    .description('issue a new token for GET /metrics (the old one stops working); written to <dataDir>/metrics.token')
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
    .addOption(new Option('--role <role>', 'hub or node (default: from the file)').choices(['hub', 'node']))
    .action(async (opts: { config: string; role?: Role }) =>
      withServerDb(opts.config, opts.role ?? 'auto', async (db, cfg) => {
        await rotateMetricsToken(db, cfg);
        console.log(`✓ new metrics token written to ${cfg.dataDir}/metrics.token`);
      }),
    );
}
