// `tongban audit verify|tail`: an auditor's view of a server's audit log, read straight from its
// database. verify exits 0 when the log is intact, 1 naming the first bad entry, 2 when the hub could
// not be asked for its anchors (use --offline to skip that on purpose).

import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { ServerConfig } from '../config/index.js';
import type { TongbanDB } from '../store/index.js';
import { pinnedHubKeyId } from '../node/federation.js';
import { suiteFor } from '../core/crypto/index.js';
import { TongbanError } from '../core/errors.js';
import { shanghaiTime } from '../core/time.js';
import { verifyTrustList, type PublicKeyEntry, type TrustListPayload } from '../federation/documents.js';
import { printTable } from '../cli/members.js';
import { cliActorId, existingIdentity, withServerAuditLog } from './cli-support.js';
import { subjectRefOf, type AuditCategory, type AuditOutcome } from './event.js';
import { AUDIT_TAIL_MAX_LIMIT, checkAuditSearch, searchAuditLog } from './search.js';
import { readSubjectKey, subjectKeyPath } from './subject-key.js';
import { withServerDb } from '../cli/db.js';
import { fetchHubRestores, hubAnchorPages, hubGetJson, verifyAuditLog, type HubAnchor, type HubRestore, type VerifyReport } from './verify.js';
import { keysOfRegion } from './documents.js';

const withAnyServerDb = <T>(configPath: string, fn: (db: Kysely<TongbanDB>, cfg: ServerConfig) => Promise<T>) => withServerDb(configPath, 'auto', fn);

interface Inputs {
  regionCode: string;
  trustList: Pick<TrustListPayload, 'members' | 'hub'>;
  extraKeys: PublicKeyEntry[];
  /** read a page at a time while they are compared */
  hubAnchors?: AsyncIterable<HubAnchor>;
  /** the region's restore declarations, as the hub holds them */
  hubRestores?: HubRestore[];
  notes: string[];
  hubUnavailable?: string;
}

async function nodeInputs(db: Kysely<TongbanDB>, cfg: ServerConfig, offline: boolean): Promise<Inputs> {
  const notes: string[] = [];
  const pinned = await pinnedHubKeyId(db, cfg.hub?.keyId);
  let list: TrustListPayload | undefined;
  const cached = await db.selectFrom('trust_list_cache').select('document').where('slot', '=', 'current').executeTakeFirst();
  if (cached && pinned) {
    try {
      list = verifyTrustList(JSON.parse(cached.document), { keyId: pinned });
    } catch (e) {
      notes.push(`the cached member list does not verify against the pinned hub key (${(e as Error).message})`);
    }
  }
  let hubAnchors: AsyncIterable<HubAnchor> | undefined;
  let hubRestores: HubRestore[] | undefined;
  let hubUnavailable: string | undefined;
  if (!offline && cfg.hub) {
    try {
      if (pinned) {
        const fresh = verifyTrustList(await hubGetJson(`${cfg.hub.url}/api/hub/trust-list`), { keyId: pinned });
        if (!list || fresh.version >= list.version) list = fresh;
      }
      hubRestores = await fetchHubRestores(cfg.hub.url, cfg.region.code);
      hubAnchors = hubAnchorPages(cfg.hub.url, cfg.region.code);
    } catch (e) {
      hubUnavailable = e instanceof TongbanError ? (e.detail ?? e.code) : (e as Error).message;
    }
  }
  const extraKeys: PublicKeyEntry[] = [];
  if (!list || keysOfRegion(list, cfg.region.code).length === 0) {
    const own = existingIdentity(cfg);
    if (own) {
      extraKeys.push({ keyId: own.keyId, suite: own.suite.name, publicKey: own.publicKeyPem });
      notes.push(`the member list does not vouch for this node's key; checkpoints were checked against the node's own key ${own.keyId}`);
    }
  }
  return {
    regionCode: cfg.region.code,
    trustList: list ?? { members: [], hub: { name: '', url: '', keys: [] } },
    extraKeys,
    ...(hubAnchors ? { hubAnchors } : {}),
    ...(hubRestores ? { hubRestores } : {}),
    notes,
    ...(hubUnavailable ? { hubUnavailable } : {}),
  };
}

async function hubInputs(db: Kysely<TongbanDB>, cfg: ServerConfig): Promise<Inputs> {
  const notes: string[] = [];
  const own = existingIdentity(cfg);
  if (!own) throw new TongbanError('E_INVALID_CONFIG', `no hub key in ${cfg.dataDir}/keys: this hub has never started`);
  const ownKey = { keyId: own.keyId, suite: own.suite.name, publicKey: own.publicKeyPem };
  const latest = await db.selectFrom('hub_trust_list').select('document').orderBy('version', 'desc').limit(1).executeTakeFirst();
  let list: TrustListPayload | undefined;
  if (latest) {
    try {
      list = verifyTrustList(JSON.parse(latest.document), { keyId: own.keyId });
    } catch (e) {
      notes.push(`the hub's latest member list does not verify with its key (${(e as Error).message}); using the key alone`);
    }
  }
  const trustList = list ?? { members: [], hub: { name: cfg.region.name, url: '', keys: [] } };
  // the hub's earlier keys are in its member lists; its current key is on disk
  const extraKeys = trustList.hub.keys.some((k) => k.keyId === own.keyId) ? [] : [ownKey];
  notes.push('the hub anchors its own log: its checkpoints carry no countersignature');
  return { regionCode: cfg.region.code, trustList, extraKeys, notes };
}

function describe(cfg: ServerConfig, r: VerifyReport, inputs: Inputs): string[] {
  const who = cfg.role === 'hub' ? `hub ${cfg.region.code}` : `${cfg.region.name} ${cfg.region.code}`;
  const lines: string[] = [];
  if (r.ok) {
    const range = r.entries ? `seq 1–${r.lastSeq}, ${r.algorithms.join('/')}` : 'empty';
    lines.push(`✓ audit log of ${who} is intact: ${r.entries} entries (${range}), ${plural(r.checkpoints, 'checkpoint')}, ${r.anchored} countersigned by the hub`);
  } else {
    lines.push(`✗ audit log of ${who} has been tampered with — first bad entry: ${r.firstProblem!.reason}`);
    for (const p of r.problems.filter((x) => x !== r.firstProblem).slice(0, 9)) lines.push(`  also: ${p.reason}`);
    if (r.problems.length > 10) lines.push(`  … and ${r.problems.length - 10} more`);
    lines.push(`  ${r.entries} entries read, ${plural(r.checkpoints, 'checkpoint')}`);
  }
  if (r.hubAnchors !== undefined && !r.hubAnchorsError) lines.push(`  compared with ${plural(r.hubAnchors, 'anchor')} held by the hub`);
  else if (r.hubAnchors) lines.push(`  compared with ${plural(r.hubAnchors, 'anchor')} held by the hub before it stopped answering`);
  if (inputs.hubUnavailable) lines.push(`⚠ the hub could not be asked for its anchors (${inputs.hubUnavailable}): a deleted tail would not be seen; --offline skips this on purpose`);
  else if (cfg.role === 'node' && r.hubAnchors === undefined) lines.push('  offline: not compared with the hub (a deleted tail after the last local checkpoint would not be seen)');
  for (const x of r.restores ?? []) {
    const range = x.supersededFrom === x.supersededThrough ? `seq ${x.supersededFrom}` : `seq ${x.supersededFrom}–${x.supersededThrough}`;
    lines.push(
      `⚠ restore declared ${shanghaiTime(x.declaredAt)}: this log lost the history after seq ${x.keepThrough}; the hub set aside ${plural(x.superseded, 'anchor')} of it (${range}) — reason: ${x.reason}`,
    );
  }
  for (const n of inputs.notes) lines.push(`  note: ${n}`);
  return lines;
}

interface TailOptions {
  config: string;
  lines: number;
  subject?: string;
  message?: string;
  category?: string;
  action?: string;
  actor?: string;
  counterparty?: string;
  outcome?: string;
  since?: string;
  until?: string;
  json: boolean;
}

/** A node's subject key, to find a person's entries; the hub keeps no subjects. */
function nodeSubjectKey(cfg: ServerConfig): Buffer {
  if (cfg.role === 'hub') throw new TongbanError('E_INVALID_REQUEST', '--subject: the hub keeps no citizens\' data in its log; search a node\'s');
  return readSubjectKey(subjectKeyPath(cfg.dataDir));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description("auditors: verify a server's hash-chained audit log and its hub anchors, or show its latest entries");

  audit
    .command('verify')
    .description('recompute the whole chain, check every checkpoint signature and hub countersignature, and compare with the hub\'s anchors')
    .requiredOption('-c, --config <file>', "the server's configuration file")
    .option('--offline', 'do not ask the hub for its anchors', false)
    .option('--json', 'print the report as JSON', false)
    .action(async (opts: { config: string; offline: boolean; json: boolean }) => {
      await withAnyServerDb(opts.config, async (db, cfg) => {
        const inputs = cfg.role === 'hub' ? await hubInputs(db, cfg) : await nodeInputs(db, cfg, opts.offline);
        const report = await verifyAuditLog(db, {
          regionCode: inputs.regionCode,
          trustList: inputs.trustList,
          suiteAlgorithm: suiteFor(cfg.suite).hashName,
          extraKeys: inputs.extraKeys,
          ...(inputs.hubAnchors ? { hubAnchors: inputs.hubAnchors } : {}),
          ...(inputs.hubRestores ? { hubRestores: inputs.hubRestores } : {}),
        });
        // the hub stopped answering part-way through its anchors: those before were compared
        if (report.hubAnchorsError) inputs.hubUnavailable ??= report.hubAnchorsError;
        if (opts.json) console.log(JSON.stringify({ ...report, notes: inputs.notes, ...(inputs.hubUnavailable ? { hubUnavailable: inputs.hubUnavailable } : {}) }, null, 2));
        else for (const l of describe(cfg, report, inputs)) console.log(l);
        process.exitCode = !report.ok ? 1 : inputs.hubUnavailable ? 2 : 0;
      });
    });

  audit
    .command('tail')
    .description('the latest audit entries, or the latest matching filters (subjects masked); a search by --subject is itself appended to the log')
    .requiredOption('-c, --config <file>', "the server's configuration file")
    .option('-n, --lines <n>', 'how many entries', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > AUDIT_TAIL_MAX_LIMIT) throw new TongbanError('E_INVALID_REQUEST', `-n must be an integer 1–${AUDIT_TAIL_MAX_LIMIT} (got ${v})`);
      return n;
    }, 20)
    .option('--subject <id>', 'entries about this ID number or 统一社会信用代码 (a node; recorded as audit.subject-searched)')
    .option('--message <id>', 'entries about this exchange message')
    .option('--category <category>', 'exchange, admin, membership or security')
    .option('--action <action>', 'exact action, e.g. exchange.request.served')
    .option('--actor <id>', "exact actor: a staff member's login name, a node's key id, cli:<user>…")
    .option('--counterparty <code>', "the partner region's 6-digit code")
    .option('--outcome <outcome>', 'ok, refused, error or pending')
    .option('--since <time>', 'from this UTC time, inclusive (2026-11-24T16:00:00Z)')
    .option('--until <time>', 'before this UTC time')
    .option('--json', 'print JSON (the entries as POST /api/audit/search answers them)', false)
    .action(async (opts: TailOptions) => {
      await withAnyServerDb(opts.config, async (db, cfg) => {
        const subjectKey = opts.subject !== undefined ? nodeSubjectKey(cfg) : undefined;
        const algorithm = suiteFor(cfg.suite).hashName;
        const query = checkAuditSearch(
          {
            ...(opts.subject !== undefined ? { subject: opts.subject } : {}),
            ...(opts.message !== undefined ? { messageId: opts.message } : {}),
            ...(opts.category !== undefined ? { category: opts.category as AuditCategory } : {}),
            ...(opts.action !== undefined ? { action: opts.action } : {}),
            ...(opts.actor !== undefined ? { actor: opts.actor } : {}),
            ...(opts.counterparty !== undefined ? { counterparty: opts.counterparty } : {}),
            ...(opts.outcome !== undefined ? { outcome: opts.outcome as AuditOutcome } : {}),
            ...(opts.since !== undefined ? { from: opts.since } : {}),
            ...(opts.until !== undefined ? { to: opts.until } : {}),
            limit: opts.lines,
          },
          (id) => subjectRefOf(subjectKey!, algorithm, id),
          AUDIT_TAIL_MAX_LIMIT,
        );
        const page = await searchAuditLog(db, query, cfg.region.code);
        if (opts.subject !== undefined) {
          // as the console's search does: whoever looked a person up is in that person's history
          await withServerAuditLog(
            db,
            cfg,
            async (audit) => {
              await audit?.append({
                category: 'security',
                action: 'audit.subject-searched',
                actor: { type: 'operator', id: cliActorId(), regionCode: cfg.region.code },
                outcome: 'ok',
                subject: { idNumber: opts.subject! },
                detail: { matches: page.entries.length, ...(page.nextBefore !== null ? { more: true } : {}) },
              });
            },
            { subjectKey },
          );
        }
        const rows = [...page.entries].reverse();
        if (opts.json) {
          console.log(JSON.stringify(rows, null, 2));
          return;
        }
        if (rows.length === 0) {
          const filtered = Object.keys(query).length > 1; // more than the limit
          console.log(filtered ? '(no audit entry matches)' : '(the audit log is empty)');
          return;
        }
        printTable(
          ['seq', 'time (Asia/Shanghai)', 'action', 'actor', 'outcome', 'counterparty', 'subject', 'purpose', 'message'],
          rows.map((r) => {
            const actor = [r.actor.type, r.actor.id, r.actor.regionCode, r.actor.department].filter(Boolean).join(' ');
            return [
              String(r.seq), shanghaiTime(r.at), r.action, actor, r.errorCode ? `${r.outcome} ${r.errorCode}` : r.outcome,
              r.counterparty ?? '', r.subjectMasked ?? '', r.purpose ? `${r.purpose.serviceItem} / ${r.purpose.caseId}` : '', r.messageId ?? '',
            ];
          }),
        );
        if (page.nextBefore !== null && Object.keys(query).length > 1) console.log(`(older entries match too: raise -n, or narrow with --since/--until)`);
      });
    });
}
