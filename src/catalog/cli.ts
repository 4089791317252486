// `tongban catalog …`: a node's catalogue from the command line — list, show, and import a 实施清单
// (service items) from CSV or JSON. Works on the node's database directly, like `tongban users`; every
// change is appended to the node's audit log (actor cli:<os user>) when the node has a key.

import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Option, type Command } from 'commander';
import { withServerDb } from '../cli/db.js';
import { cliActorId, withServerAuditLog } from '../audit/cli-support.js';
import { TongbanError } from '../core/errors.js';
import { CROSS_MODE_ZH, SHARING_TYPE_ZH, type DataResource, type ServiceItem } from './model.js';
import { formatImportProblem, importItems, importProblemsOf, type ImportFormat } from './import.js';
import { CatalogService, ENTRY_KINDS, type CatalogActor, type EntryKind, type EntryView } from './store.js';

const KIND_BY_NAME: Record<string, EntryKind> = { resources: 'resource', 'certificate-types': 'certificate-type', items: 'item', elements: 'element' };
const NAME_OF_KIND: Record<EntryKind, string> = { resource: 'resources', 'certificate-type': 'certificate-types', item: 'items', element: 'elements' };


function kindOf(name: string): EntryKind {
  const k = KIND_BY_NAME[name];
  if (!k) throw new TongbanError('E_INVALID_REQUEST', `kind must be one of ${Object.keys(KIND_BY_NAME).join(', ')} (got ${name})`);
  return k;
}

async function withCatalog<T>(configPath: string, fn: (svc: CatalogService, actor: CatalogActor) => Promise<T>, audited = false): Promise<T> {
  return withServerDb(configPath, 'node', (db, cfg) =>
    withServerAuditLog(db, cfg, async (audit) => {
      if (audited && !audit) console.error(`note: ${cfg.region.name} ${cfg.region.code} has no signing key yet (never started), so this action is not in an audit log`);
      const svc = new CatalogService({ db, regionCode: cfg.region.code, ...(audit ? { audit } : {}) });
      return fn(svc, { type: 'operator', id: cliActorId() });
    }),
  );
}

function versions(v: EntryView): string {
  const p = v.published ? `v${v.published.version}` : '-';
  const w = v.working ? `v${v.working.version} ${v.working.status}` : '-';
  return `${p} / ${w}`;
}

function describe(v: EntryView): string[] {
  const doc = (v.working ?? v.published)!;
  const lines = [`${NAME_OF_KIND[v.kind]}/${v.id}  ${v.name}  [${v.status}]`, `  versions: published ${v.published ? `v${v.published.version} (${v.published.status}, ${v.published.publishedAt ?? '-'})` : '-'}; working ${v.working ? `v${v.working.version} (${v.working.status}, by ${v.review?.authors.join(', ')})` : '-'}`];
  if (v.review?.returnedReason) lines.push(`  returned by ${v.review.returnedBy}: ${v.review.returnedReason}`);
  if (v.kind === 'resource') {
    const r = doc as DataResource;
    lines.push(`  department: ${r.department.name}${r.department.code ? ` (${r.department.code})` : ''}`, `  sharing: ${SHARING_TYPE_ZH[r.sharing.type]} ${r.sharing.type}; methods ${r.sharing.methods.join(', ')}`);
    if (r.sharing.condition) lines.push(`  condition: ${r.sharing.condition}`);
    lines.push(`  source: ${r.source.adapter} (${r.source.system}); update ${r.updateCycle}; ${r.classification.tier}/${r.classification.category}/${r.classification.grade}`, '  fields:');
    for (const f of r.fields) lines.push(`    ${f.name}  ${f.element}  ${f.label.zh}${f.sensitivity === 'sensitive' ? '  (sensitive)' : ''}`);
  } else if (v.kind === 'item') {
    const i = doc as ServiceItem;
    lines.push(
      `  code: ${i.code} (${i.codeKind === 'implementation' ? '实施编码' : 'local code, not an official one'})${i.basicCode ? `; basic code ${i.basicCode}` : ''}`,
      `  department: ${i.department}`,
      `  modes: ${i.modes.length ? i.modes.map((m) => CROSS_MODE_ZH[m]).join('、') : '(not set yet)'}; time limit: ${i.timeLimitDays ? `${i.timeLimitDays} working days` : '(not set yet)'}`,
      `  origin: ${i.origin.kind} — ${i.origin.source}`,
    );
    if (i.materials.length) lines.push('  materials:');
    for (const m of i.materials) {
      const by = m.satisfiedBy ? (m.satisfiedBy.kind === 'resource' ? `免提交: resource ${m.satisfiedBy.resource}` : `免提交: certificate ${m.satisfiedBy.certificateType}`) : 'to upload';
      lines.push(`    ${m.name}${m.required ? '' : ' (选填)'} — ${by}`);
    }
  } else {
    lines.push(`  ${JSON.stringify(doc)}`);
  }
  return lines;
}

export function registerCatalogCommands(program: Command, printTable: (head: string[], rows: string[][]) => void): void {
  const catalog = program.command('catalog').description("a node's catalogue: data resources, certificate types, service items (事项) and its own data elements");

  catalog
    .command('list [kind]')
    .description('list entries: resources, certificate-types, items or elements (default: all)')
    .requiredOption('-c, --config <file>', 'the node configuration file')
    .addOption(new Option('--status <status>', 'only entries with a version in this state').choices(['draft', 'in-review', 'published', 'retired']))
    .option('--json', 'print JSON', false)
    .action(async (kindName: string | undefined, opts: { config: string; status?: 'draft' | 'in-review' | 'published' | 'retired'; json: boolean }) => {
      const kinds = kindName ? [kindOf(kindName)] : ENTRY_KINDS;
      const views = await withCatalog(opts.config, async (svc) => {
        const all: EntryView[] = [];
        for (const k of kinds) all.push(...(await svc.list(k, { ...(opts.status ? { status: opts.status } : {}), includeWorking: true })));
        return all;
      });
      if (opts.json) return console.log(JSON.stringify(views, null, 2));
      if (views.length === 0) return console.log('(no entries)');
      printTable(['kind', 'id', 'name', 'status', 'published / working'], views.map((v) => [NAME_OF_KIND[v.kind], v.id, v.name, v.status, versions(v)]));
    });

  catalog
    .command('show <kind> <id>')
    .description('one entry: the version in force and the one being worked on (--history: every step)')
    .requiredOption('-c, --config <file>', 'the node configuration file')
    .option('--history', 'also print every version and step', false)
    .option('--json', 'print JSON', false)
    .action(async (kindName: string, id: string, opts: { config: string; history: boolean; json: boolean }) => {
      const kind = kindOf(kindName);
      const { view, history } = await withCatalog(opts.config, async (svc) => ({
        view: await svc.get(kind, id, { includeWorking: true }),
        history: opts.history ? await svc.history(kind, id) : undefined,
      }));
      if (!view) throw new TongbanError('E_NOT_FOUND', `${kindName}/${id}`);
      if (opts.json) return console.log(JSON.stringify(history ? { ...view, history } : view, null, 2));
      for (const l of describe(view)) console.log(l);
      if (history) {
        console.log('  history:');
        for (const h of history) console.log(`    ${h.at}  v${h.version}  ${h.action} → ${h.status}  by ${h.actor}${h.reason ? `: ${h.reason}` : ''}`);
      }
    });

  catalog
    .command('import <kind> <file>')
    .description('import a 实施清单 (kind: items) from CSV (UTF-8, header row) or JSON, all or nothing; the items are submitted for review')
    .requiredOption('-c, --config <file>', 'the node configuration file')
    .addOption(new Option('--format <format>', 'csv or json (default: from the file extension)').choices(['csv', 'json']))
    .option('--source <text>', 'where the list comes from, recorded as each item\'s origin (default: the file name)')
    .option('--dry-run', 'check every line, write nothing', false)
    .option('--publish', 'publish at once instead of submitting for review (you answer for the content; the audit log records it as unreviewed)', false)
    .action(async (kindName: string, file: string, opts: { config: string; format?: ImportFormat; source?: string; dryRun: boolean; publish: boolean }) => {
      if (kindOf(kindName) !== 'item') throw new TongbanError('E_INVALID_REQUEST', 'only items (a 实施清单) can be imported so far');
      const format = opts.format ?? (extname(file).toLowerCase() === '.json' ? 'json' : extname(file).toLowerCase() === '.csv' ? 'csv' : undefined);
      if (!format) throw new TongbanError('E_INVALID_REQUEST', `cannot tell the format of ${file} from its name; add --format csv or --format json`);
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new TongbanError('E_INVALID_REQUEST', code === 'ENOENT' ? `${file}: file not found` : `${file}: ${(e as Error).message}`);
      }
      let content: string;
      try {
        content = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new TongbanError('E_INVALID_REQUEST', `${file} is not UTF-8 text (saved as GBK?); save it as UTF-8 / 文件不是UTF-8编码,请另存为UTF-8`);
      }
      const source = opts.source ?? basename(file);
      try {
        const report = await withCatalog(opts.config, (svc, actor) => importItems(svc, { format, content, source, dryRun: opts.dryRun, publish: opts.publish, actor }), !opts.dryRun);
        if (!report.ok) {
          for (const p of report.problems) {
            const f = formatImportProblem(p);
            console.error(`  ${f.en}\n    ${f.zh}`);
          }
          throw new TongbanError('E_INVALID_REQUEST', `${report.problems.length} problem(s) in ${file}; nothing would be imported`);
        }
        const what = opts.publish ? 'published (without review)' : 'submitted for review';
        console.log(`${opts.dryRun ? '✓ dry run: ' : '✓ '}${report.count} item(s) from ${file} ${opts.dryRun ? 'would be ' : ''}${what}`);
        for (const i of report.items) console.log(`  ${format === 'csv' ? 'line' : 'item'} ${i.line}  ${i.code}  ${i.name}  (${i.action})`);
      } catch (e) {
        const problems = importProblemsOf(e);
        if (!problems) throw e;
        for (const p of problems) {
          const f = formatImportProblem(p);
          console.error(`  ${f.en}\n    ${f.zh}`);
        }
        throw new TongbanError('E_INVALID_REQUEST', `${problems.length} problem(s) in ${file}; nothing was imported`);
      }
    });
}
