// `tongban members …`: the hub operator's membership decisions from the command line. Works on the
// hub's database directly (the running hub serves the new member list on the next fetch).
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { withServerDb } from './db.js';
import type { ServerConfig } from '../config/index.js';
import type { TongbanDB } from '../store/index.js';
import { DECISIONS, DECISIONS_WITH_REASON, decideMembership, getMember, listMembers, type MemberStatus, type MemberView } from '../hub/membership.js';
import { memberHistory, type MemberEventView } from '../hub/history.js';
import { TongbanError } from '../core/errors.js';
import { cliActorId, withHubAuditLog } from '../audit/cli-support.js';
import { shanghaiTime } from '../core/time.js';

const withHubDb = <T>(configPath: string, fn: (db: Kysely<TongbanDB>, cfg: ServerConfig) => Promise<T>) => withServerDb(configPath, 'hub', fn);

function printMembers(members: MemberView[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify(members, null, 2));
    return;
  }
  if (members.length === 0) {
    console.log('(none)');
    return;
  }
  const rows = members.map((m) => [
    m.regionCode, m.name, m.status, m.suite, m.keys.find((k) => k.status === 'active')?.keyId ?? '-', m.endpoint, m.requestedAt,
    m.pendingChange ? `${m.pendingChange.endpoint}${m.pendingChange.name !== m.name ? ` (${m.pendingChange.name})` : ''} — approve-change / reject-change` : '',
  ]);
  const head = ['code', 'name', 'status', 'suite', 'key', 'endpoint', 'requested', 'change waiting'];
  printTable(head, rows);
}

/** One member as the operator reads it: who, where, its state and why, its keys, then what was decided when. */
function printMember(m: MemberView, history: MemberEventView[]): void {
  const facts: Array<[string, string]> = [
    ['region', `${m.regionCode} ${m.name}`],
    ['status', m.status],
    ['endpoint', m.endpoint],
    ['suite', m.suite],
    ['requested', shanghaiTime(m.requestedAt)],
    ...(m.decidedAt ? [['decided', `${shanghaiTime(m.decidedAt)} by ${m.decidedBy ?? '?'}`] as [string, string]] : []),
    ...(m.reason ? [['reason', m.reason] as [string, string]] : []),
    ...(m.pendingChange ? [['change waiting', `${m.pendingChange.endpoint} (${m.pendingChange.name}) since ${shanghaiTime(m.pendingChange.since)} — approve-change / reject-change`] as [string, string]] : []),
  ];
  const w = Math.max(...facts.map(([k]) => k.length));
  for (const [k, v] of facts) console.log(`${k.padEnd(w)}  ${v}`);
  console.log('\nkeys');
  printTable(['key id', 'suite', 'status', 'added'], m.keys.map((k) => [k.keyId, k.suite, k.status, shanghaiTime(k.addedAt)]));
  console.log('\nhistory (Asia/Shanghai)');
  if (history.length === 0) console.log('(none)');
  else {
    printTable(
      ['time', 'action', 'by', 'detail'],
      history.map((e) => [shanghaiTime(e.at), e.action, e.actorName ? `${e.actor} ${e.actorName}${e.actorDepartment ? ` (${e.actorDepartment})` : ''}` : e.actor, e.detail ?? '']),
    );
  }
}

/** Columns a string takes in a terminal: Chinese characters and full-width forms take two. */
export function displayWidth(s: string): number {
  return [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
}

export function printTable(head: string[], rows: string[][]): void {
  const width = displayWidth;
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

export function registerMemberCommands(program: Command): void {
  const members = program.command('members').description("hub operator: list and decide on members' requests to join");

  members
    .command('list')
    .description('list membership requests and members')
    .requiredOption('-c, --config <file>', 'the hub configuration file')
    .option('--status <status>', 'only pending | approved | rejected | suspended')
    .option('--json', 'print JSON', false)
    .action(async (opts: { config: string; status?: string; json: boolean }) => {
      if (opts.status && !['pending', 'approved', 'rejected', 'suspended'].includes(opts.status)) {
        throw new TongbanError('E_INVALID_REQUEST', `--status must be pending, approved, rejected or suspended (got ${opts.status})`);
      }
      printMembers(await withHubDb(opts.config, (db) => listMembers(db, opts.status as MemberStatus | undefined)), opts.json);
    });

  members
    .command('show <code>')
    .description('one member with its keys and decision history')
    .requiredOption('-c, --config <file>', 'the hub configuration file')
    .option('--json', 'print JSON', false)
    .action(async (code: string, opts: { config: string; json: boolean }) => {
      await withHubDb(opts.config, async (db) => {
        const m = await getMember(db, code);
        if (!m) throw new TongbanError('E_NOT_FOUND', `no member or request for region ${code}`);
        const history = await memberHistory(db, code);
        if (opts.json) console.log(JSON.stringify({ member: m, history }, null, 2));
        else printMember(m, history);
      });
    });

  for (const decision of DECISIONS) {
    members
      .command(`${decision} <code>`)
      .description(decision.endsWith('-change') ? `${decision.replace('-change', '')} an approved member's pending endpoint/name change` : `${decision} the member or request for a region code`)
      .requiredOption('-c, --config <file>', 'the hub configuration file')
      .option('--reason <text>', DECISIONS_WITH_REASON.includes(decision) ? 'why (required)' : 'why (recorded in the history)')
      .action(async (code: string, opts: { config: string; reason?: string }) => {
        if (!/^[0-9]{6}$/.test(code)) throw new TongbanError('E_INVALID_REQUEST', `region code must be 6 digits (got ${code})`);
        const actor = cliActorId();
        // appended to the hub's audit log like decisions made through the operator API
        const m = await withHubDb(opts.config, (db, cfg) => withHubAuditLog(db, cfg, (audit) => decideMembership(db, code, decision, actor, opts.reason, undefined, { audit })));
        console.log(`✓ ${m.regionCode} ${m.name}: ${m.status}${m.pendingChange ? ` (change waiting: ${m.pendingChange.endpoint}, ${m.pendingChange.name})` : ''}  ${m.endpoint}`);
      });
  }
}
