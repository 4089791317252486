// Bulk loading of generated rows. Rows are buffered per table and flushed in one transaction as
// multi-row INSERT statements through Kysely (CompiledQuery.raw: no per-row query building). On
// SQLite that is a prepared statement of a few hundred rows bound at once; on PostgreSQL each table's
// batch is one INSERT … SELECT FROM unnest($1::text[], …) with one array parameter per column, which
// avoids the 65,535-parameter limit and the parse cost of huge VALUES lists.

import { CompiledQuery, type Kysely } from 'kysely';
import type { Engine } from '../../store/db.js';
import { TABLES, type DataTable } from './tables.js';

export interface TableStats {
  rows: number;
  /** time spent in INSERT statements, ms */
  writeMs: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDB = Kysely<any>;

const SQLITE_ROWS_PER_STATEMENT = 400;
const PG_ROWS_PER_STATEMENT = 5000;

export class BulkWriter {
  private readonly buffers = new Map<DataTable, unknown[][]>();
  private readonly sqlCache = new Map<string, string>();
  readonly stats = new Map<DataTable, TableStats>();
  private pending = 0;

  constructor(
    private readonly db: AnyDB,
    private readonly engine: Engine,
  ) {
    for (const t of Object.keys(TABLES) as DataTable[]) {
      this.buffers.set(t, []);
      this.stats.set(t, { rows: 0, writeMs: 0 });
    }
  }

  add(table: DataTable, row: unknown[]): void {
    (this.buffers.get(table) as unknown[][]).push(row);
    this.pending++;
  }

  /** rows waiting to be written */
  get buffered(): number {
    return this.pending;
  }

  /** Writes every buffered row in one transaction. */
  async flush(): Promise<void> {
    if (this.pending === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const [table, rows] of this.buffers) {
        if (rows.length === 0) continue;
        const t0 = performance.now();
        if (this.engine === 'sqlite') await this.insertSqlite(trx, table, rows);
        else await this.insertPostgres(trx, table, rows);
        const s = this.stats.get(table) as TableStats;
        s.rows += rows.length;
        s.writeMs += performance.now() - t0;
      }
    });
    for (const rows of this.buffers.values()) rows.length = 0;
    this.pending = 0;
  }

  private async insertSqlite(trx: AnyDB, table: DataTable, rows: unknown[][]): Promise<void> {
    const width = TABLES[table].length;
    for (let i = 0; i < rows.length; i += SQLITE_ROWS_PER_STATEMENT) {
      const n = Math.min(SQLITE_ROWS_PER_STATEMENT, rows.length - i);
      const params = new Array<unknown>(n * width);
      let k = 0;
      for (let j = i; j < i + n; j++) {
        const row = rows[j] as unknown[];
        for (let c = 0; c < width; c++) params[k++] = row[c];
      }
      await trx.executeQuery(CompiledQuery.raw(this.sqliteInsert(table, n), params));
    }
  }

  private sqliteInsert(table: DataTable, n: number): string {
    const key = `${table}:${n}`;
    let text = this.sqlCache.get(key);
    if (!text) {
      const cols = TABLES[table];
      const tuple = `(${cols.map(() => '?').join(',')})`;
      text = `insert into "${table}" (${cols.map((c) => `"${c.name}"`).join(',')}) values ${new Array(n).fill(tuple).join(',')}`;
      this.sqlCache.set(key, text);
    }
    return text;
  }

  private async insertPostgres(trx: AnyDB, table: DataTable, rows: unknown[][]): Promise<void> {
    const cols = TABLES[table];
    const text =
      this.sqlCache.get(table) ??
      `insert into "${table}" (${cols.map((c) => `"${c.name}"`).join(',')}) select * from unnest(${cols
        .map((c, i) => `$${i + 1}::${c.type === 'integer' ? 'integer' : 'text'}[]`)
        .join(',')})`;
    this.sqlCache.set(table, text);
    for (let i = 0; i < rows.length; i += PG_ROWS_PER_STATEMENT) {
      const n = Math.min(PG_ROWS_PER_STATEMENT, rows.length - i);
      const columns = cols.map(() => new Array<unknown>(n));
      for (let j = 0; j < n; j++) {
        const row = rows[i + j] as unknown[];
        for (let c = 0; c < cols.length; c++) (columns[c] as unknown[])[j] = row[c];
      }
      await trx.executeQuery(CompiledQuery.raw(text, columns));
    }
  }
}
