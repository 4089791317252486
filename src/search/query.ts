// Unified search (统一搜索) over the directory table — the hub's directory and a node's cache have the
// same table, so the same queries serve both. Text matching (src/search/text.ts for the rules):
//   SQLite      one FTS5 MATCH on directory_fts (trigram tokenizer): `search_text : "户口迁移"` for a
//               term of 3+ characters, `search_grams : " 户口 "` for a term of 1–2 characters;
//   PostgreSQL  `search_text LIKE '%户口迁移%'` and `search_grams LIKE '% 户口 %'` on directory_entry_text,
//               both answered by pg_trgm GIN indexes.
// Filters, ranking and counting read the narrow directory_entry rows only; the page's text is fetched
// afterwards for its (at most 100) hits.
// Ranking: exact name, then name prefix, then every term in the name, then matches elsewhere; shorter
// names first within a rank; then region, kind, id so that paging is stable.

import { sql, type Expression, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { TongbanError } from '../core/errors.js';
import type { TongbanDB } from '../store/schema.js';
import { isSqlite } from '../store/migrations/portable.js';
import { CROSS_MODES, SHARING_TYPES, type CrossMode, type SharingType } from '../catalog/model.js';
import { DIRECTORY_KINDS, type DirectoryKind } from '../directory/entry.js';
import { charLength, ftsString, highlightFields, likeEscape, parseQuery, TRIGRAM_MIN, type ParsedQuery } from './text.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** deeper pages than this are refused (offset scans grow with depth) */
export const MAX_PAGE = 500;

export interface SearchFilters {
  /** region codes (any of) */
  region?: string[];
  department?: string;
  kind?: DirectoryKind;
  sharing?: SharingType;
  mode?: CrossMode;
}

export interface SearchParams extends SearchFilters {
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface SearchOptions {
  /**
   * How terms of 1–2 characters are matched: through the gram column and the trigram index (default),
   * or by scanning search_text with LIKE (kept for bench/search.ts, which measures both).
   */
  shortTerms?: 'grams' | 'scan';
}

export type { SearchHit, SearchResult } from './types.js';
import type { SearchHit, SearchResult } from './types.js';

type DB = Kysely<TongbanDB>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the query's selection grows as it is built
type EntryQuery = SelectQueryBuilder<TongbanDB, 'directory_entry', any>;

/** Checks and normalises filter values from the API; throws E_INVALID_REQUEST naming the parameter. */
export function checkFilters(p: { region?: string | string[]; department?: string; kind?: string; sharing?: string; mode?: string }): SearchFilters {
  const out: SearchFilters = {};
  if (p.region !== undefined && p.region !== '') {
    const codes = (Array.isArray(p.region) ? p.region : p.region.split(',')).map((s) => s.trim()).filter(Boolean);
    if (codes.length > 50 || codes.some((c) => !/^[0-9]{6}$/.test(c))) throw new TongbanError('E_INVALID_REQUEST', 'region must be one or more 6-digit region codes, comma-separated');
    if (codes.length) out.region = [...new Set(codes)];
  }
  if (p.department !== undefined && p.department.trim() !== '') {
    if (p.department.length > 200) throw new TongbanError('E_INVALID_REQUEST', 'department is longer than 200 characters');
    out.department = p.department.trim();
  }
  if (p.kind !== undefined && p.kind !== '') {
    if (!DIRECTORY_KINDS.includes(p.kind as DirectoryKind)) throw new TongbanError('E_INVALID_REQUEST', `kind must be one of ${DIRECTORY_KINDS.join(', ')}`);
    out.kind = p.kind as DirectoryKind;
  }
  if (p.sharing !== undefined && p.sharing !== '') {
    if (!SHARING_TYPES.includes(p.sharing as SharingType)) throw new TongbanError('E_INVALID_REQUEST', `sharing must be one of ${SHARING_TYPES.join(', ')}`);
    out.sharing = p.sharing as SharingType;
  }
  if (p.mode !== undefined && p.mode !== '') {
    if (!CROSS_MODES.includes(p.mode as CrossMode)) throw new TongbanError('E_INVALID_REQUEST', `mode must be one of ${CROSS_MODES.join(', ')}`);
    out.mode = p.mode as CrossMode;
  }
  return out;
}

/** Live entries matching the text and every filter except those named in `skip` (facets skip their own). */
function matching(db: DB, query: ParsedQuery, f: SearchFilters, opts: SearchOptions, skip: ReadonlyArray<keyof SearchFilters> = []): EntryQuery {
  let qb: EntryQuery = db.selectFrom('directory_entry').where('deleted', '=', 0);
  if (f.region && !skip.includes('region')) qb = qb.where('region_code', 'in', f.region);
  if (f.department && !skip.includes('department')) qb = qb.where('department', '=', f.department);
  if (f.kind && !skip.includes('kind')) qb = qb.where('kind', '=', f.kind);
  if (f.sharing && !skip.includes('sharing')) qb = qb.where('sharing', '=', f.sharing);
  if (f.mode && !skip.includes('mode')) qb = qb.where(modeColumn(f.mode), '=', 1);
  const text = textCondition(db, query.terms, opts);
  return text ? qb.where(text) : qb;
}

function modeColumn(m: CrossMode): 'mode_online' | 'mode_proxy' | 'mode_joint' {
  return `mode_${m}`;
}

function textCondition(db: DB, terms: string[], opts: SearchOptions): Expression<SqlBool> | undefined {
  if (terms.length === 0) return undefined;
  const scanShort = opts.shortTerms === 'scan';
  const long = terms.filter((t) => charLength(t) >= TRIGRAM_MIN);
  const short = terms.filter((t) => charLength(t) < TRIGRAM_MIN);
  const parts: Array<Expression<SqlBool>> = [];
  if (isSqlite(db)) {
    const fts = [
      ...long.map((t) => `search_text : ${ftsString(t)}`),
      ...(scanShort ? [] : short.map((t) => `search_grams : ${ftsString(` ${t} `)}`)),
    ];
    if (fts.length) parts.push(sql<SqlBool>`seq in (select rowid from directory_fts where directory_fts match ${fts.join(' AND ')})`);
  } else {
    const like = [
      ...long.map((t) => sql`search_text like ${`%${likeEscape(t)}%`} escape '\\'`),
      ...(scanShort ? [] : short.map((t) => sql`search_grams like ${`% ${likeEscape(t)} %`} escape '\\'`)),
    ];
    if (like.length) parts.push(sql<SqlBool>`seq in (select seq from directory_entry_text where ${sql.join(like, sql` and `)})`);
  }
  // the measured alternative: short terms as a plain substring scan of search_text
  if (scanShort && short.length) {
    const like = short.map((t) => sql`search_text like ${`%${likeEscape(t)}%`} escape '\\'`);
    parts.push(sql<SqlBool>`seq in (select seq from directory_entry_text where ${sql.join(like, sql` and `)})`);
  }
  return parts.length === 1 ? parts[0] : sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}

function rankExpression(query: ParsedQuery) {
  if (query.terms.length === 0) return sql<number>`0`;
  const inName = query.terms.map((t) => sql`search_name like ${`%${likeEscape(t)}%`} escape '\\'`);
  return sql<number>`case when search_name = ${query.text} then 0 when search_name like ${`${likeEscape(query.text)}%`} escape '\\' then 1 when ${sql.join(inName, sql` and `)} then 2 else 3 end`;
}

/** One page of hits, ranked, with the total number of matches. */
export async function searchDirectory(db: DB, params: SearchParams, opts: SearchOptions = {}): Promise<SearchResult> {
  const page = params.page ?? 1;
  const pageSize = params.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(page) || page < 1 || page > MAX_PAGE) throw new TongbanError('E_INVALID_REQUEST', `page must be 1–${MAX_PAGE}`);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new TongbanError('E_INVALID_REQUEST', `pageSize must be 1–${MAX_PAGE_SIZE}`);
  const query = parseQuery(params.q);
  const base = matching(db, query, params, opts);
  // 1. rank and page, and count, on the narrow rows (two queries: a window count would make the
  //    engine sort every match instead of keeping the top of the page)
  const [ranked, counted] = await Promise.all([
    base
      .select(['seq', rankExpression(query).as('rank')])
      .orderBy('rank')
      .orderBy(sql`length(name)`)
      .orderBy('region_code')
      .orderBy('kind')
      .orderBy('entry_id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    base.select(sql<number | string>`count(*)`.as('n')).executeTakeFirst(),
  ]);
  const total = Number(counted?.n ?? 0);
  // 2. what the page shows
  const seqs = ranked.map((r) => Number(r.seq));
  const rows = seqs.length
    ? await db
        .selectFrom('directory_entry as e')
        .innerJoin('directory_entry_body as b', 'b.seq', 'e.seq')
        .select(['e.seq', 'e.region_code', 'e.region_name', 'e.kind', 'e.entry_id', 'e.name', 'b.summary', 'e.department', 'e.sharing', 'e.mode_online', 'e.mode_proxy', 'e.mode_joint', 'b.extra'])
        .where('e.seq', 'in', seqs)
        .execute()
    : [];
  const bySeq = new Map(rows.map((r) => [Number(r.seq), r]));
  return {
    total,
    page,
    pageSize,
    hits: seqs.flatMap((seq) => {
      const r = bySeq.get(seq);
      if (!r) return []; // replaced between the two reads (a publication committed in between)
      const modes = CROSS_MODES.filter((m) => Number(r[modeColumn(m)]) === 1);
      const highlights = highlightFields(
        [
          { field: 'name', text: r.name },
          { field: 'summary', text: r.summary },
          { field: 'department', text: r.department },
          ...(r.extra?.split('\n') ?? []).map((text) => ({ field: 'detail', text })),
        ],
        query.terms,
      );
      const details = highlights.filter((h) => h.field === 'detail').slice(0, 3);
      const shown = [...highlights.filter((h) => h.field !== 'detail'), ...details];
      const hit: SearchHit = {
        kind: r.kind as DirectoryKind,
        region: { code: r.region_code, name: r.region_name },
        id: r.entry_id,
        name: r.name,
        ...(r.summary ? { summary: r.summary } : {}),
        department: r.department,
        ...(r.sharing ? { sharing: r.sharing as SharingType } : {}),
        ...(r.kind === 'item' ? { modes } : {}),
        ...(shown.length ? { highlights: shown } : {}),
      };
      return [hit];
    }),
  };
}

export interface FacetCount {
  value: string;
  /** region name, or the Chinese label of a kind, sharing type or mode */
  label: string;
  count: number;
}

export interface Facets {
  region: FacetCount[];
  department: FacetCount[];
  kind: FacetCount[];
  sharing: FacetCount[];
  mode: FacetCount[];
}

const KIND_ZH: Record<DirectoryKind, string> = { resource: '数据资源', 'certificate-type': '证照类型', item: '服务事项' };
const SHARING_ZH: Record<SharingType, string> = { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' };
const MODE_ZH: Record<CrossMode, string> = { online: '全程网办', proxy: '异地代收代办', joint: '多地联办' };

/**
 * Counts for the portal's filters. Each facet counts the entries matching the text and every *other*
 * filter, so a chosen value still shows its alternatives. Departments: the 100 largest.
 */
export async function directoryFacets(db: DB, params: SearchParams, opts: SearchOptions = {}): Promise<Facets> {
  const query = parseQuery(params.q);
  const n = sql<number | string>`count(*)`;
  const [region, department, kind, sharing, mode] = await Promise.all([
    matching(db, query, params, opts, ['region']).select(['region_code', 'region_name', n.as('n')]).groupBy(['region_code', 'region_name']).orderBy('region_code').execute(),
    matching(db, query, params, opts, ['department']).select(['department', n.as('n')]).groupBy('department').orderBy(sql`count(*)`, 'desc').orderBy('department').limit(100).execute(),
    matching(db, query, params, opts, ['kind']).select(['kind', n.as('n')]).groupBy('kind').execute(),
    matching(db, query, params, opts, ['sharing']).where('sharing', 'is not', null).select(['sharing', n.as('n')]).groupBy('sharing').execute(),
    matching(db, query, params, opts, ['mode'])
      .where('kind', '=', 'item')
      .select([sql<number | string>`sum(mode_online)`.as('online'), sql<number | string>`sum(mode_proxy)`.as('proxy'), sql<number | string>`sum(mode_joint)`.as('joint')])
      .executeTakeFirst(),
  ]);
  const order = <T extends string>(list: readonly T[], rows: Array<{ value: T; n: number | string }>, labels: Record<T, string>) =>
    list.map((v) => ({ value: v, label: labels[v], count: Number(rows.find((r) => r.value === v)?.n ?? 0) })).filter((x) => x.count > 0);
  return {
    region: region.map((r) => ({ value: r.region_code, label: r.region_name, count: Number(r.n) })),
    department: department.map((r) => ({ value: r.department, label: r.department, count: Number(r.n) })),
    kind: order(DIRECTORY_KINDS, kind.map((r) => ({ value: r.kind as DirectoryKind, n: r.n })), KIND_ZH),
    sharing: order(SHARING_TYPES, sharing.map((r) => ({ value: r.sharing as SharingType, n: r.n })), SHARING_ZH),
    mode: CROSS_MODES.map((m) => ({ value: m, label: MODE_ZH[m], count: Number(mode?.[m] ?? 0) })).filter((x) => x.count > 0),
  };
}

export interface DirectoryEntryView {
  kind: DirectoryKind;
  region: { code: string; name: string };
  id: string;
  seq: number;
  changedAt: string;
  publication: number;
  version: number | null;
  publishedAt: string | null;
  content: unknown;
}

/** One live entry in full, or undefined. */
export async function getDirectoryEntry(db: DB, regionCode: string, kind: string, id: string): Promise<DirectoryEntryView | undefined> {
  const r = await db
    .selectFrom('directory_entry as e')
    .innerJoin('directory_entry_body as b', 'b.seq', 'e.seq')
    .select(['e.region_code', 'e.region_name', 'e.kind', 'e.entry_id', 'e.seq', 'e.changed_at', 'e.publication', 'e.version', 'e.published_at', 'b.content'])
    .where('e.region_code', '=', regionCode)
    .where('e.kind', '=', kind)
    .where('e.entry_id', '=', id)
    .where('e.deleted', '=', 0)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    kind: r.kind as DirectoryKind,
    region: { code: r.region_code, name: r.region_name },
    id: r.entry_id,
    seq: Number(r.seq),
    changedAt: r.changed_at,
    publication: Number(r.publication),
    version: r.version === null ? null : Number(r.version),
    publishedAt: r.published_at,
    content: JSON.parse(r.content) as unknown,
  };
}
