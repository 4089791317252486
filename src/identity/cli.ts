// `tongban users …`: a server's local accounts from the command line (add, list, disable, enable,
// reset-password) — a node's staff, or the hub's operators, whichever the config file is for. Works on
// the server's database directly, like `tongban members`; a running server sees the change at once
// (sessions of a disabled user end immediately). Every change is appended to the server's audit log.

import type { Command } from 'commander';
import { withServerDb } from '../cli/db.js';
import type { Kysely } from 'kysely';
import type { Role } from '../config/index.js';
import { TongbanError } from '../core/errors.js';
import type { TongbanDB } from '../store/index.js';
import { adminActionEvent, type AuditSink } from '../audit/index.js';
import { cliActorId, withServerAuditLog } from '../audit/cli-support.js';
import type { AdminActionHook, AdminContext } from './events.js';
import { generatePassword, passwordProblem } from './password.js';
import { createUser, disableUser, enableUser, HUB_ROLES, isUserRole, listUsers, NODE_ROLES, resetPassword, USER_ROLES, type UserRole, type UserView } from './users.js';

/**
 * Runs an account command on the database of the server the config file is for (a node or the hub),
 * with its audit log: every administrative action is appended to the server's tamper-evident log
 * (category admin, actor cli:<os user>), exactly as if the running server had done it. A server that
 * has never started has no key and so no log yet; then the command says so on stderr.
 */
async function withAccountsDb<T>(
  configPath: string,
  fn: (db: Kysely<TongbanDB>, server: { role: Role; region: { code: string; name: string } }, ctx: AdminContext) => Promise<T>,
): Promise<T> {
  return withServerDb(configPath, 'auto', (db, cfg) =>
    withServerAuditLog(db, cfg, async (audit) => {
      if (!audit) console.error(`note: ${cfg.region.name} ${cfg.region.code} has no signing key yet (never started), so this action is not in an audit log`);
      return fn(db, { role: cfg.role, region: cfg.region }, adminContext(audit));
    }),
  );
}

/** Where the CLI's administrative actions are reported: the node's audit log, when it has one. */
export function cliAdminHook(audit: AuditSink | undefined): AdminActionHook | undefined {
  return audit ? async (e) => void (await audit.append(adminActionEvent(e))) : undefined;
}

function adminContext(audit: AuditSink | undefined): AdminContext {
  const hook = cliAdminHook(audit);
  return { actor: cliActorId(), ...(hook ? { onAdminAction: hook } : {}) };
}


async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) console.error('password (then Enter, Ctrl-D):');
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new TongbanError('E_INVALID_REQUEST', '--password-stdin: nothing on standard input');
  return line;
}

async function choosePassword(fromStdin: boolean, userId: string): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: generatePassword(), generated: true };
  const password = await readPasswordFromStdin();
  const problem = passwordProblem(password, userId);
  if (problem) throw new TongbanError('E_INVALID_REQUEST', `${problem.en} / ${problem.zh}`);
  return { password, generated: false };
}

function collectRole(value: string, previous: UserRole[] = []): UserRole[] {
  if (!isUserRole(value)) throw new TongbanError('E_INVALID_REQUEST', `--role must be one of ${USER_ROLES.join(', ')} (got ${value})`);
  return previous.includes(value) ? previous : [...previous, value];
}

function printUsers(users: UserView[], json: boolean, print: (head: string[], rows: string[][]) => void): void {
  if (json) {
    console.log(JSON.stringify(users, null, 2));
    return;
  }
  if (users.length === 0) {
    console.log('(no users)');
    return;
  }
  print(
    ['id', 'name', 'department', 'roles', 'status', 'created', 'last sign-in'],
    users.map((u) => [u.id, u.name, u.department, u.roles.join(','), u.disabledAt ? 'disabled' : 'active', u.createdAt.slice(0, 16), u.lastLoginAt?.slice(0, 16) ?? '-']),
  );
}

function showPasswordOnce(password: string): void {
  console.log(`  password (shown once, not stored; hand it over securely): ${password}`);
}

export function registerUserCommands(program: Command, printTable: (head: string[], rows: string[][]) => void): void {
  const users = program
    .command('users')
    .description("a server's local staff accounts: a node's window clerks, approvers, administrators and auditors, or the hub's operators");
  const config = ['-c, --config <file>', 'the node or hub configuration file'] as const;

  users
    .command('add <id>')
    .description('create an account; prints a generated strong password once unless --password-stdin')
    .requiredOption(...config)
    .requiredOption('--name <name>', 'the person\'s name, e.g. 王芳')
    .requiredOption('--department <department>', 'e.g. "上海市浦东新区行政服务中心"')
    .requiredOption('--role <role>', `on a node ${NODE_ROLES.join(' | ')}, on the hub ${HUB_ROLES.join(' | ')}; repeat for several`, collectRole)
    .option('--password-stdin', 'read the password from standard input instead of generating one', false)
    .action(async (id: string, opts: { config: string; name: string; department: string; role: UserRole[]; passwordStdin: boolean }) => {
      const { password, generated } = await choosePassword(opts.passwordStdin, id.toLowerCase());
      const u = await withAccountsDb(opts.config, (db, server, ctx) =>
        createUser(db, { server: server.role, id, name: opts.name, department: opts.department, regionCode: server.region.code, roles: opts.role, password }, ctx),
      );
      console.log(`✓ created ${u.id}: ${u.name}, ${u.department} (${u.regionCode}), roles ${u.roles.join(', ')}`);
      if (generated) showPasswordOnce(password);
    });

  users
    .command('list')
    .description('list the accounts of this server')
    .requiredOption(...config)
    .option('--json', 'print JSON', false)
    .action(async (opts: { config: string; json: boolean }) => {
      printUsers(await withAccountsDb(opts.config, (db) => listUsers(db)), opts.json, printTable);
    });

  users
    .command('disable <id>')
    .description('disable an account and end its sessions at once')
    .requiredOption(...config)
    .action(async (id: string, opts: { config: string }) => {
      const u = await withAccountsDb(opts.config, (db, _server, ctx) => disableUser(db, id, ctx));
      console.log(`✓ ${u.id} disabled; its sessions have ended`);
    });

  users
    .command('enable <id>')
    .description('enable a disabled account again')
    .requiredOption(...config)
    .action(async (id: string, opts: { config: string }) => {
      const u = await withAccountsDb(opts.config, (db, _server, ctx) => enableUser(db, id, ctx));
      console.log(`✓ ${u.id} enabled`);
    });

  users
    .command('reset-password <id>')
    .description('set a new password (generated and printed once unless --password-stdin); ends the sessions and clears a lockout')
    .requiredOption(...config)
    .option('--password-stdin', 'read the password from standard input instead of generating one', false)
    .action(async (id: string, opts: { config: string; passwordStdin: boolean }) => {
      const { password, generated } = await choosePassword(opts.passwordStdin, id.toLowerCase());
      const u = await withAccountsDb(opts.config, (db, _server, ctx) => resetPassword(db, id, password, ctx));
      console.log(`✓ new password set for ${u.id}; its sessions have ended`);
      if (generated) showPasswordOnce(password);
    });
}
