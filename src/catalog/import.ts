// Import of a province's 实施清单 (service items) from CSV or JSON. All or nothing: every line is read and
// validated first; if any line is broken nothing is written, and the error names every bad line and
// column ("line 7, column 时限: must be 1–365 working days"). Imported items are submitted for review
// (a reviewer other than the importer approves them), or — only from the console, `tongban catalog
// import items --publish` — published at once by the operator, which the audit log records as such.
// The columns are documented in docs/OPERATIONS.md §11 and listed in ITEM_COLUMNS below.

import type { Transaction } from 'kysely';
import { TongbanError } from '../core/errors.js';
import { nowIso } from '../core/time.js';
import type { TongbanDB } from '../store/schema.js';
import { parseCsv } from './csv.js';
import { CROSS_MODE_ZH, type CrossMode, type ServiceItem } from './model.js';
import type { Problem } from './validate.js';
import type { CatalogActor, CatalogService, PublishedChange } from './store.js';

export type ImportFormat = 'csv' | 'json';

export interface ImportProblem {
  /** CSV: the line in the file; JSON: the item's position in the list (1-based) */
  line: number;
  unit: 'line' | 'item';
  /** CSV: the column as the file names it; JSON: the field path */
  column?: string;
  message: string;
  messageZh: string;
}

export interface ImportOptions {
  format: ImportFormat;
  content: string;
  /** where the list comes from, e.g. the file name or 上海市实施清单(2024版); recorded as each item's origin unless a row names its own */
  source: string;
  dryRun?: boolean;
  /** publish at once instead of submitting for review (the console operator only; never offered over HTTP) */
  publish?: boolean;
  actor: CatalogActor;
}

export interface ImportReport {
  ok: boolean;
  dryRun: boolean;
  format: ImportFormat;
  source: string;
  /** what the items become: in review, or published (--publish) */
  status: 'in-review' | 'published';
  count: number;
  items: Array<{ line: number; code: string; name: string; action: 'create' | 'new-version' | 'replace-draft' }>;
  problems: ImportProblem[];
}

/** The CSV columns: the Chinese header, and the other names accepted for it. */
export const ITEM_COLUMNS = [
  { key: 'code', zh: '实施编码', aliases: ['code', '事项编码'], required: true, doc: 'the item\'s 实施编码 (GB/T 39554.1), or a local code' },
  { key: 'basicCode', zh: '基本编码', aliases: ['basicCode'], required: false, doc: 'the 基本编码 of the national item, when known' },
  { key: 'name', zh: '事项名称', aliases: ['name'], required: true, doc: 'name' },
  { key: 'department', zh: '实施部门', aliases: ['department', '实施主体'], required: true, doc: 'implementing department' },
  { key: 'modes', zh: '通办模式', aliases: ['modes'], required: true, doc: '全程网办 / 异地代收代办 / 多地联办 (or online / proxy / joint), several separated by ; 、 or ,' },
  { key: 'timeLimitDays', zh: '时限', aliases: ['timeLimitDays', '承诺办结时限'], required: true, doc: 'promised time limit in working days, 1–365 ("5" or "5个工作日")' },
  { key: 'legalBasis', zh: '设定依据', aliases: ['legalBasis'], required: false, doc: '办事指南: legal basis' },
  { key: 'conditions', zh: '受理条件', aliases: ['conditions'], required: false, doc: '办事指南: conditions' },
  { key: 'process', zh: '办理流程', aliases: ['process'], required: false, doc: '办事指南: process' },
  { key: 'fee', zh: '收费标准', aliases: ['fee', '收费'], required: false, doc: '办事指南: fee' },
  { key: 'contact', zh: '咨询方式', aliases: ['contact', '咨询电话'], required: false, doc: '办事指南: contact' },
  { key: 'location', zh: '办理地点', aliases: ['location'], required: false, doc: '办事指南: where' },
  { key: 'materials', zh: '申请材料', aliases: ['materials'], required: false, doc: 'materials, one a line (or separated by ;): NAME, NAME(选填), NAME=resource:ID, NAME=resource:ID(field,field), NAME=resource:REGION:ID, NAME=certificate:TYPECODE' },
  { key: 'source', zh: '来源', aliases: ['source'], required: false, doc: 'where this line comes from (default: the import\'s source)' },
] as const;
type ColumnKey = (typeof ITEM_COLUMNS)[number]['key'];

const GUIDE_KEYS = ['legalBasis', 'conditions', 'process', 'fee', 'contact', 'location'] as const;
const MODE_BY_NAME: Record<string, CrossMode> = Object.fromEntries(Object.entries(CROSS_MODE_ZH).map(([k, v]) => [v, k as CrossMode]));
const MAX_ITEMS = 5000;

interface ParsedRow {
  line: number;
  input: Record<string, unknown>;
  /** the file's name for the column a validation path belongs to */
  columnOf: (path: string) => string | undefined;
}

function columnKeyOf(path: string): ColumnKey | undefined {
  const root = path.split(/[.[]/)[0]!;
  if (root === 'guide') return path.split('.')[1] as ColumnKey;
  if (root === 'origin') return 'source';
  return (ITEM_COLUMNS.find((c) => c.key === root)?.key ?? undefined) as ColumnKey | undefined;
}

// ---- CSV -----------------------------------------------------------------------------------------

export function parseItemsCsv(text: string, source: string): { rows: ParsedRow[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const csv = parseCsv(text);
  for (const p of csv.problems) problems.push({ line: p.line, unit: 'line', message: stripLine(p.message), messageZh: stripLineZh(p.messageZh) });
  const [header, ...records] = csv.records;
  if (!header) {
    if (!problems.length) problems.push({ line: 1, unit: 'line', message: 'the file is empty: it needs a header row and at least one item', messageZh: '文件为空:须有表头行和至少一个事项' });
    return { rows: [], problems };
  }
  // header → column keys
  const keyAt: Array<ColumnKey | undefined> = [];
  const nameOfKey = new Map<ColumnKey, string>();
  header.cells.forEach((raw, i) => {
    const h = raw.trim();
    const col = ITEM_COLUMNS.find((c) => c.zh === h || (c.aliases as readonly string[]).includes(h));
    if (!col) {
      problems.push({
        line: header.line,
        unit: 'line',
        column: h || `#${i + 1}`,
        message: `unknown column; the columns are ${ITEM_COLUMNS.map((c) => c.zh).join(', ')}`,
        messageZh: `未知的列;可用的列为${ITEM_COLUMNS.map((c) => c.zh).join('、')}`,
      });
    } else if (nameOfKey.has(col.key)) {
      problems.push({ line: header.line, unit: 'line', column: h, message: `column ${col.zh} appears twice`, messageZh: `"${col.zh}"列重复` });
    } else nameOfKey.set(col.key, h);
    keyAt.push(col?.key);
  });
  for (const c of ITEM_COLUMNS) {
    if (c.required && !nameOfKey.has(c.key)) {
      problems.push({ line: header.line, unit: 'line', column: c.zh, message: 'required column is missing from the header', messageZh: '表头缺少此必需列' });
    }
  }
  if (problems.length) return { rows: [], problems };
  if (records.length === 0) problems.push({ line: header.line, unit: 'line', message: 'no items below the header', messageZh: '表头下没有事项' });
  if (records.length > MAX_ITEMS) {
    problems.push({ line: header.line, unit: 'line', message: `at most ${MAX_ITEMS} items per import (got ${records.length})`, messageZh: `每次最多导入${MAX_ITEMS}个事项(实际${records.length}个)` });
    return { rows: [], problems };
  }

  const rows: ParsedRow[] = [];
  for (const r of records) {
    if (r.cells.length !== header.cells.length) {
      problems.push({
        line: r.line,
        unit: 'line',
        message: `has ${r.cells.length} columns, the header has ${header.cells.length} (a field with a comma or line break must be in double quotes)`,
        messageZh: `有${r.cells.length}列,表头有${header.cells.length}列(含逗号或换行的字段须放在双引号内)`,
      });
      continue;
    }
    const cell: Partial<Record<ColumnKey, string>> = {};
    r.cells.forEach((v, i) => {
      const k = keyAt[i];
      if (k && v.trim() !== '') cell[k] = v.trim();
    });
    const columnOf = (path: string) => {
      const k = columnKeyOf(path);
      return k ? nameOfKey.get(k) : undefined;
    };
    const input: Record<string, unknown> = {
      code: cell.code,
      ...(cell.basicCode ? { basicCode: cell.basicCode } : {}),
      name: cell.name,
      department: cell.department,
      modes: cell.modes ? cell.modes.split(/[;；,，、\s]+/).filter(Boolean).map((m) => MODE_BY_NAME[m] ?? m) : [],
      timeLimitDays: parseDays(cell.timeLimitDays),
      guide: Object.fromEntries(GUIDE_KEYS.filter((k) => cell[k]).map((k) => [k, cell[k]])),
      materials: [],
      origin: { kind: 'regional', source: cell.source ?? source },
    };
    if (cell.materials) {
      const { materials, problems: mp } = parseMaterials(cell.materials);
      input.materials = materials;
      for (const p of mp) problems.push({ line: r.line, unit: 'line', column: nameOfKey.get('materials'), message: p.message, messageZh: p.messageZh });
    }
    rows.push({ line: r.line, input, columnOf });
  }
  return { rows, problems };
}

function stripLine(m: string): string {
  return m.replace(/^line \d+: /, '');
}
function stripLineZh(m: string): string {
  return m.replace(/^第\d+行:/, '');
}

function parseDays(v: string | undefined): unknown {
  if (v === undefined) return undefined;
  const m = /^(\d{1,6})\s*(个?工作日|天|日)?$/.exec(v);
  return m ? Number(m[1]) : v;
}

/** `NAME`, `NAME(选填)`, `NAME=resource:ID`, `NAME=resource:ID(f1,f2)`, `NAME=resource:REGION:ID`, `NAME=certificate:CODE`. */
export function parseMaterials(cell: string): { materials: Array<Record<string, unknown>>; problems: Array<{ message: string; messageZh: string }> } {
  const materials: Array<Record<string, unknown>> = [];
  const problems: Array<{ message: string; messageZh: string }> = [];
  const parts = cell.split(/\r?\n|[;；]/).map((s) => s.trim()).filter(Boolean);
  parts.forEach((part, i) => {
    const eq = part.search(/[=＝]/);
    let name = (eq < 0 ? part : part.slice(0, eq)).trim();
    const spec = eq < 0 ? '' : part.slice(eq + 1).trim();
    let required = true;
    const opt = /\s*[(（](选填|可选|optional)[)）]$/.exec(name);
    if (opt) {
      required = false;
      name = name.slice(0, opt.index).trim();
    }
    let satisfiedBy: Record<string, unknown> | null = null;
    if (spec) {
      const res = /^(?:resource|资源)[:：]\s*([^()（）\s]+)\s*(?:[(（]([^)）]*)[)）])?$/.exec(spec);
      const cert = /^(?:certificate|证照)[:：]\s*(\S+)$/.exec(spec);
      if (res) {
        satisfiedBy = { kind: 'resource', resource: res[1], ...(res[2] !== undefined ? { fields: res[2].split(/[,，、\s]+/).filter(Boolean) } : {}) };
      } else if (cert) {
        satisfiedBy = { kind: 'certificate', certificateType: cert[1] };
      } else {
        problems.push({
          message: `material ${i + 1} (${name || '?'}): after "=" write resource:ID, resource:ID(field,…), resource:REGION:ID or certificate:TYPECODE (got ${JSON.stringify(spec.slice(0, 40))})`,
          messageZh: `材料${i + 1}(${name || '?'}):"="后应为resource:资源标识、resource:资源标识(字段,…)、resource:地区代码:资源标识或certificate:证照类型代码(实际为${JSON.stringify(spec.slice(0, 40))})`,
        });
        return;
      }
    }
    materials.push({ name, required, satisfiedBy });
  });
  return { materials, problems };
}

// ---- JSON ----------------------------------------------------------------------------------------

export function parseItemsJson(text: string, source: string): { rows: ParsedRow[]; problems: ImportProblem[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { rows: [], problems: [{ line: 0, unit: 'item', message: `not valid JSON: ${(e as Error).message}`, messageZh: `不是有效的JSON:${(e as Error).message}` }] };
  }
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { items?: unknown }).items) ? (doc as { items: unknown[] }).items : undefined;
  if (!list) return { rows: [], problems: [{ line: 0, unit: 'item', message: 'must be a list of items, or an object with an "items" list', messageZh: '应为事项列表,或含"items"列表的对象' }] };
  if (list.length === 0) return { rows: [], problems: [{ line: 0, unit: 'item', message: 'the list has no items', messageZh: '列表中没有事项' }] };
  if (list.length > MAX_ITEMS) return { rows: [], problems: [{ line: 0, unit: 'item', message: `at most ${MAX_ITEMS} items per import (got ${list.length})`, messageZh: `每次最多导入${MAX_ITEMS}个事项(实际${list.length}个)` }] };
  const rows = list.map((raw, i) => {
    const input = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : (raw as Record<string, unknown>);
    if (input && typeof input === 'object' && input.origin === undefined) input.origin = { kind: 'regional', source };
    return { line: i + 1, input, columnOf: (path: string) => path || undefined };
  });
  return { rows, problems: [] };
}

// ---- validation and writing ----------------------------------------------------------------------

/** "line 7, column 时限: must be 1–365 working days" / "第7行,"时限"列:应为1至365个工作日" */
export function formatImportProblem(p: ImportProblem): { en: string; zh: string } {
  const where = p.line === 0 ? '' : p.unit === 'line' ? `line ${p.line}` : `item ${p.line}`;
  const whereZh = p.line === 0 ? '' : p.unit === 'line' ? `第${p.line}行` : `第${p.line}项`;
  const col = p.column ? (p.unit === 'line' ? `column ${p.column}` : `field ${p.column}`) : '';
  const colZh = p.column ? (p.unit === 'line' ? `"${p.column}"列` : `字段${p.column}`) : '';
  const en = [where, col].filter(Boolean).join(', ');
  const zh = [whereZh, colZh].filter(Boolean).join(',');
  return { en: en ? `${en}: ${p.message}` : p.message, zh: zh ? `${zh}:${p.messageZh}` : p.messageZh };
}

export function formatImportProblems(problems: readonly ImportProblem[]): string {
  return problems.map((p) => {
    const f = formatImportProblem(p);
    return `${f.en} / ${f.zh}`;
  }).join('; ');
}

/** Reads, validates and (unless dryRun) imports a list of service items in one transaction. */
export async function importItems(svc: CatalogService, o: ImportOptions): Promise<ImportReport> {
  const parsed = o.format === 'csv' ? parseItemsCsv(o.content, o.source) : parseItemsJson(o.content, o.source);
  const unit = o.format === 'csv' ? 'line' : 'item';
  const status = o.publish ? 'published' : 'in-review';

  const plan = async (tx: Transaction<TongbanDB> | undefined) => {
    const db = tx ?? svc.db;
    const problems = [...parsed.problems];
    const ctx = await svc.validationContext(db);
    const existing = new Map((await db.selectFrom('catalog_item').select(['id', 'published', 'working', 'working_status', 'working_version']).execute()).map((r) => [r.id, r]));
    const seen = new Map<string, number>();
    const items: ImportReport['items'] = [];
    const values: Array<{ line: number; value: Record<string, unknown> }> = [];
    for (const row of parsed.rows) {
      const code = typeof row.input?.code === 'string' ? row.input.code : undefined;
      const prior = code ? existing.get(code) : undefined;
      const priorDoc = prior ? (JSON.parse((prior.working ?? prior.published)!) as ServiceItem) : undefined;
      let input = row.input;
      if (priorDoc?.origin.kind === 'national-confirmed' && input && typeof input === 'object') {
        // a confirmed national item keeps its origin; the list sets this region's implementation of it
        input = { ...input, origin: priorDoc.origin };
      }
      const v = svc.validate('item', input, ctx, priorDoc ?? null);
      const rowProblems: Problem[] = v.ok ? [] : v.problems;
      for (const p of rowProblems) problems.push(problemAt(row, unit, p));
      if (code) {
        const first = seen.get(code);
        if (first !== undefined) {
          problems.push({ line: row.line, unit, column: row.columnOf('code'), message: `item ${code} is also on ${unit} ${first}`, messageZh: `事项${code}与第${first}${unit === 'line' ? '行' : '项'}重复` });
        } else seen.set(code, row.line);
        if (prior?.working_status === 'in-review') {
          problems.push({
            line: row.line,
            unit,
            column: row.columnOf('code'),
            message: `item ${code} has version ${prior.working_version} in review; it must be approved, returned or withdrawn first`,
            messageZh: `事项${code}的第${prior.working_version}版正在审核,须先通过、退回或撤回`,
          });
        }
      }
      if (v.ok && code) {
        values.push({ line: row.line, value: v.value });
        items.push({ line: row.line, code, name: String(v.value.name), action: !prior ? 'create' : prior.working ? 'replace-draft' : 'new-version' });
      }
    }
    problems.sort((a, b) => a.line - b.line);
    return { problems, items, values };
  };

  const report = (p: { problems: ImportProblem[]; items: ImportReport['items'] }): ImportReport => ({
    ok: p.problems.length === 0,
    dryRun: Boolean(o.dryRun),
    format: o.format,
    source: o.source,
    status,
    count: p.problems.length ? 0 : p.items.length,
    items: p.problems.length ? [] : p.items,
    problems: p.problems,
  });

  if (o.dryRun) return report(await plan(undefined));

  const at = nowIso();
  const changes: PublishedChange[] = [];
  const events: Array<{ kind: 'item'; id: string; version: number; step: 'imported'; detail: Record<string, string | number | boolean | null> }> = [];
  const result = await svc.db.transaction().execute(async (tx) => {
    const p = await plan(tx);
    if (p.problems.length) {
      const err = new TongbanError(
        'E_INVALID_REQUEST',
        `${p.problems.length} problem${p.problems.length === 1 ? '' : 's'} in ${o.source}; nothing was imported: ${formatImportProblems(p.problems)}`,
        { problems: p.problems.map((x) => ({ line: x.line, ...(x.column !== undefined ? { column: x.column } : {}), message: x.message, messageZh: x.messageZh })) },
      );
      (err as TongbanError & { importProblems?: ImportProblem[] }).importProblems = p.problems;
      throw err;
    }
    for (const { value } of p.values) {
      if (o.publish) {
        const c = await svc.publishDirectly(tx, 'item', value, o.actor, 'imported', at);
        changes.push(c);
        events.push({ kind: 'item', id: c.id, version: c.version, step: 'imported', detail: { status: 'published', source: o.source, reviewed: false } });
      } else {
        const version = await svc.submitImported(tx, 'item', value, o.actor, at);
        events.push({ kind: 'item', id: String(value.code), version, step: 'imported', detail: { status: 'in-review', source: o.source } });
      }
    }
    return p;
  });
  await svc.afterCommit(events, o.actor, changes);
  return report(result);
}

/** The problems of a failed import (attached to its E_INVALID_REQUEST). */
export function importProblemsOf(e: unknown): ImportProblem[] | undefined {
  return (e as { importProblems?: ImportProblem[] } | null)?.importProblems;
}

function problemAt(row: ParsedRow, unit: 'line' | 'item', p: Problem): ImportProblem {
  const column = row.columnOf(p.path);
  let message = p.message;
  let messageZh = p.messageZh;
  const m = /^materials\[(\d+)\](?:\.(.+))?$/.exec(p.path);
  if (m && unit === 'line') {
    const idx = Number(m[1]);
    const mat = (row.input.materials as Array<{ name?: unknown }> | undefined)?.[idx];
    const label = typeof mat?.name === 'string' && mat.name ? ` (${mat.name})` : '';
    message = `material ${idx + 1}${label}${m[2] ? `, ${m[2]}` : ''}: ${p.message}`;
    messageZh = `材料${idx + 1}${label}${m[2] ? `,${m[2]}` : ''}:${p.messageZh}`;
  } else if (unit === 'line' && column && p.path.includes('[')) {
    message = `${p.path}: ${p.message}`;
    messageZh = `${p.path}:${p.messageZh}`;
  }
  return { line: row.line, unit, ...(column ? { column } : {}), message, messageZh };
}
