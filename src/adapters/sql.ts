// The sql adapter: a table or view of any shape in SQLite or PostgreSQL. The subject is looked up in
// one or more key columns (any may match); with latestBy the newest matching row wins, otherwise two
// rows are E_AMBIGUOUS_SUBJECT. Only the columns the requested fields need are selected. Identifiers
// from the configuration are checked against a plain pattern and quoted by Kysely; the subject id is
// always a bound parameter.

import { sql, type Compilable, type CompiledQuery, type Kysely } from 'kysely';
import { prepareQuery, type Param } from '../store/prepared.js';
import { TongbanError, isTongbanError } from '../core/errors.js';
import { maskPersonalData } from '../core/mask.js';
import type { SqlAdapterConfig } from './config.js';
import { SQL_IDENT, SQL_TABLE } from './config.js';
import type { SqlConnections } from './connections.js';
import { SourceHealth, withTimeout, type Clock } from './health.js';
import type { ConfiguredAdapter } from './index.js';
import { CompiledMapping, capFlags, type MappingOptions } from './values.js';

type Row = Record<string, unknown>;

export interface SqlAdapterContext extends MappingOptions {
  connections: SqlConnections;
  clock: Clock;
  /** names the source in errors and health (e.g. the source system) */
  label: string;
}

export function sqlAdapter(cfg: SqlAdapterConfig, ctx: SqlAdapterContext): ConfiguredAdapter {
  for (const name of [...cfg.keys, ...(cfg.latestBy ? [cfg.latestBy] : [])]) {
    if (!SQL_IDENT.test(name)) throw new TongbanError('E_INVALID_CONFIG', `sql adapter: "${name}" is not a plain SQL identifier`);
  }
  if (!SQL_TABLE.test(cfg.table)) throw new TongbanError('E_INVALID_CONFIG', `sql adapter: "${cfg.table}" is not a plain table name`);
  const mapping = new CompiledMapping(cfg.fields, cfg.dataTime, ctx);
  const timeoutMs = cfg.timeoutMs ?? 5000;
  const health = new SourceHealth('sql', ctx.label, ctx.clock, { failures: cfg.breaker?.failures ?? 5, coolDownMs: cfg.breaker?.coolDownMs ?? 30_000 });
  health.source = { connection: /^(sqlite:|postgres)/.test(cfg.connection) ? 'url' : cfg.connection, table: cfg.table, keys: cfg.keys.join(',') };

  // One prepared statement per connection and column set (store/prepared.ts): building a query costs
  // more than running a point query on SQLite. The subject id is always a bound parameter.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a department's schema is not ours
  const prepared = new WeakMap<Kysely<any>, Map<string, (v: { subject: unknown }) => CompiledQuery<Row>>>();
  const query = async (subjectId: string, columns: string[]): Promise<Row[]> => {
    const db = await ctx.connections.get(cfg.connection);
    let byColumns = prepared.get(db);
    if (!byColumns) prepared.set(db, (byColumns = new Map()));
    const cacheKey = columns.join('\u0001');
    let q = byColumns.get(cacheKey);
    if (!q) {
      q = prepareQuery((p: Param<'subject'>) => {
        let b = db.selectFrom(cfg.table).select(columns.map((col) => sql.ref(col).as(col)));
        b = b.where((eb) => eb.or(cfg.keys.map((k) => eb(sql.ref(k), '=', p('subject')))));
        return (cfg.latestBy ? b.orderBy(sql.ref(cfg.latestBy), 'desc').limit(1) : b.limit(2)) as unknown as Compilable<Row>;
      });
      if (byColumns.size < 256) byColumns.set(cacheKey, q);
    }
    return (await db.executeQuery(q({ subject: subjectId }))).rows;
  };

  return {
    kind: 'sql',
    health: () => health.snapshot(),
    close: async () => undefined, // connections are shared and closed by their owner
    async fetch(subjectId, fields) {
      const refs = mapping.refsFor(fields); // E_INVALID_REQUEST for an unknown field, before touching the source
      const columns = [...new Set([...cfg.keys, ...refs, ...(cfg.latestBy ? [cfg.latestBy] : [])])];
      for (const c of columns) if (!SQL_IDENT.test(c)) throw new TongbanError('E_INVALID_CONFIG', `sql adapter: "${c}" is not a plain column name`);
      return health.run(async () => {
        let rows: Row[];
        try {
          rows = await withTimeout(query(subjectId, columns), timeoutMs, `${ctx.label} (${cfg.table})`);
        } catch (e) {
          if (isTongbanError(e)) throw e;
          // database messages can quote the value that failed (the subject id): mask before it travels
          const msg = maskPersonalData(String((e as Error).message ?? e).replaceAll(subjectId, '***'));
          throw new TongbanError('E_SOURCE_UNAVAILABLE', `${ctx.label} (${cfg.table}): ${msg}`, { cause: e });
        }
        if (rows.length === 0) throw new TongbanError('E_SUBJECT_NOT_FOUND');
        if (rows.length > 1) throw new TongbanError('E_AMBIGUOUS_SUBJECT', `several rows in ${cfg.table} match the subject`);
        const row = rows[0]!;
        const view = { get: (ref: string) => row[ref], matchedKey: cfg.keys.find((k) => String(row[k]) === subjectId) };
        const { values, quality } = mapping.read(view, subjectId, fields);
        const t = mapping.dataTime(view, subjectId);
        if (t?.flag) quality.push(t.flag);
        if (!t) quality.push('dataTime: the adapter maps no data time; the time of reading is given');
        return { values, dataTime: t?.iso ?? (t ? new Date(0).toISOString() : new Date(ctx.clock()).toISOString()), quality: capFlags(quality) };
      });
    },
  };
}
