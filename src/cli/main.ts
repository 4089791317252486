#!/usr/bin/env node
// cli: the `tongban` command. Each subcommand parses its options, calls the module that owns the
// work, and turns vocabulary errors into a clear two-language message and a non-zero exit.

import { Command, Option } from 'commander';
import { TongbanError, ERRORS, isTongbanError } from '../core/errors.js';
import { packageVersion } from '../paths.js';
import { loadConfig, roleOfConfigFile, type Role } from '../config/index.js';
import { startServer } from '../server/start.js';
import { printTable, registerMemberCommands } from './members.js';
import { registerStoreCommands } from './store.js';
import { registerAuditCommands } from '../audit/cli.js';
import { registerUserCommands } from '../identity/cli.js';
import { registerCatalogCommands } from '../catalog/cli.js';
import { runDemoCommand } from './demo.js';
import { registerCryptoCommands } from './crypto.js';
import { registerOutboxCommands } from './outbox.js';
import { registerValidateCommand } from './validate.js';
import { registerExchangeCommands } from '../exchange/cli.js';
import { runUntilSignal } from './signals.js';

const program = new Command();
program
  .name('tongban')
  .description('通办 Tongban — cross-province government data exchange: hub, region nodes and the demo federation')
  .version(packageVersion())
  .showHelpAfterError();

program
  .command('demo')
  .description('start the hub and five province nodes (上海 江苏 浙江 安徽 贵州) on this machine, seeded with synthetic registries')
  .option('--data <dir>', 'data directory', '.tongban')
  .option('--port <base>', 'base port: hub on <base>, nodes on the next five', parsePort, 7300)
  .option('--host <host>', 'listen address', '127.0.0.1')
  .option('--citizens <n>', 'synthetic citizens per node (1,000 – 1,000,000)', parseCitizens, 10_000)
  .addOption(new Option('--suite <suite>', 'crypto suite of every server').choices(['sm2-sm3', 'ed25519']).default('sm2-sm3'))
  .option('--seed <text>', 'seed of the synthetic data generator', 'tongban')
  .option('--reset', 'delete the data directory first', false)
  .action(async (opts) => runDemoCommand(opts));

for (const role of ['hub', 'node'] as const) {
  program
    .command(role)
    .description(role === 'hub' ? 'run the federation hub (membership, signed member list)' : "run a region's node")
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
    .action(async (opts: { config: string }) => runServerCommand(role, opts.config));
}

program
  .command('config')
  .description('check a configuration file and print the settings that would be used')
  .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
  .addOption(new Option('--role <role>', 'hub or node (default: from the file)').choices(['hub', 'node']))
  .action(async (opts: { config: string; role?: Role }) => {
    const role = opts.role ?? roleOfConfigFile(opts.config);
    const cfg = loadConfig(opts.config, role);
    console.log(JSON.stringify({ ...cfg, database: redact(cfg.database) }, null, 2));
    console.error(`✓ ${opts.config} is a valid ${role} configuration`);
  });

registerStoreCommands(program, roleOfConfigFile);
registerMemberCommands(program);
registerAuditCommands(program);
registerCryptoCommands(program);
registerOutboxCommands(program);
registerValidateCommand(program);
registerExchangeCommands(program);
registerUserCommands(program, printTable);
registerCatalogCommands(program, printTable);

async function runServerCommand(role: Role, configPath: string): Promise<void> {
  const cfg = loadConfig(configPath, role);
  const server = await startServer(cfg);
  const stopped = runUntilSignal([server]);
  if (server.newOperatorToken) {
    console.error(`operator token written to ${cfg.dataDir}/operator.token (owner-only; for scripts and first setup); keep it secret`);
    console.error(`give each hub operator an account of their own: tongban users add <id> -c ${configPath} --name … --department … --role operator`);
  }
  // last line of start-up: supervisors and tests wait for it
  console.error(`${role === 'hub' ? '国家枢纽 hub' : `${cfg.region.name} ${cfg.region.code} node`} listening on ${server.url}  (key ${server.identity.keyId})`);
  await stopped;
}


function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65530) throw new TongbanError('E_INVALID_REQUEST', `--port must be an integer 1–65530 (got ${v})`);
  return n;
}

function parseCitizens(v: string): number {
  const n = Number(v.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1000 || n > 1_000_000) throw new TongbanError('E_INVALID_REQUEST', `--citizens must be an integer 1,000–1,000,000 (got ${v})`);
  return n;
}

function redact(url: string): string {
  return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
}

export function reportError(e: unknown): number {
  if (isTongbanError(e)) {
    const spec = ERRORS[e.code];
    console.error(`✗ ${e.code}: ${e.detail ?? spec.en}`);
    console.error(`  ${spec.zh} / ${spec.en}`);
    return 1;
  }
  console.error(`✗ ${(e as Error)?.stack ?? String(e)}`);
  return 1;
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.exitCode = reportError(e);
}
