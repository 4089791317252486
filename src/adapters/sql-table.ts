// Source adapter over a SQL table or view (SQLite or PostgreSQL) of any shape: the subject is looked
// up by one or more key columns, each resource field is mapped from a column or computed from the row.

import { sql, type Kysely } from 'kysely';
import { TongbanError } from '../core/errors.js';
import type { SourceAdapter, SourceRecord } from './index.js';

type Row = Record<string, unknown>;
type Value = string | number | null;

export interface SqlTableAdapterOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a department's schema is not ours
  db: Kysely<any>;
  table: string;
  /** columns that identify the subject; a row matches when any of them equals the subject id */
  keys: string[];
  /** resource field → source column, or a function of the row (and the subject id) */
  fields: Record<string, string | ((row: Row, subjectId: string) => Value)>;
  /** column holding the record's last change, or a function of the row */
  dataTime: string | ((row: Row) => unknown);
  /** several rows may match (e.g. marriage registrations): take the latest by this column */
  latestBy?: string;
  /** value checks run on read; each returns a quality flag or undefined */
  checks?: Record<string, (value: Value) => string | undefined>;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

export function sqlTableAdapter(o: SqlTableAdapterOptions): SourceAdapter {
  for (const name of [o.table, ...o.keys, ...(o.latestBy ? [o.latestBy] : [])]) {
    if (!IDENT.test(name)) throw new TongbanError('E_INVALID_CONFIG', `adapter: "${name}" is not a plain SQL identifier`);
  }
  return {
    async fetch(subjectId: string, fields: string[]): Promise<SourceRecord> {
      let rows: Row[];
      try {
        let q = o.db.selectFrom(o.table).selectAll();
        q = q.where((eb) => eb.or(o.keys.map((k) => eb(sql.ref(k), '=', subjectId))));
        if (o.latestBy) q = q.orderBy(sql.ref(o.latestBy), 'desc').limit(1);
        else q = q.limit(2);
        rows = (await q.execute()) as Row[];
      } catch (e) {
        throw new TongbanError('E_SOURCE_UNAVAILABLE', `${o.table}: ${(e as Error).message}`, { cause: e });
      }
      if (rows.length === 0) throw new TongbanError('E_SUBJECT_NOT_FOUND');
      if (rows.length > 1) throw new TongbanError('E_AMBIGUOUS_SUBJECT', `${rows.length} rows in ${o.table}`);
      const row = rows[0]!;
      const values: Record<string, Value> = {};
      const quality: string[] = [];
      for (const f of fields) {
        const m = o.fields[f];
        if (m === undefined) throw new TongbanError('E_INVALID_REQUEST', `unknown field "${f}"`);
        const v = typeof m === 'function' ? m(row, subjectId) : toValue(row[m]);
        values[f] = v;
        const flag = o.checks?.[f]?.(v);
        if (flag) quality.push(`${f}: ${flag}`);
      }
      const rawTime = typeof o.dataTime === 'function' ? o.dataTime(row) : row[o.dataTime];
      const dataTime = toIsoTime(rawTime);
      if (!dataTime) quality.push('dataTime: missing or unreadable in the source');
      return { values, dataTime: dataTime ?? new Date(0).toISOString(), quality };
    },
  };
}

function toValue(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/**
 * Department systems keep local time (Asia/Shanghai) as 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS';
 * Tongban speaks UTC.
 */
export function toIsoTime(v: unknown): string | undefined {
  if (v instanceof Date) return v.toISOString();
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/.exec(v);
  const t = m ? Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}+08:00`) : Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
