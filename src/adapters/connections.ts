// Connections to departmental databases, shared by the sql adapters that name them. A connection is
// opened on first use (a department database that is down does not stop the node from starting; its
// adapters answer E_SOURCE_UNAVAILABLE until it is back) and only for reading: SQLite files are opened
// with query_only and must exist; PostgreSQL sessions default to read-only transactions. PostgreSQL
// DATE and TIMESTAMP (without zone) values stay text, so a local date is never shifted by a time zone.

import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { TongbanError } from '../core/errors.js';
import { parseDatabaseUrl, redactUrl, withStatementCache } from '../store/db.js';

/** A named connection in the node configuration: a URL, or the name of an environment variable holding one. */
export type ConnectionSpec = string | { url: string } | { urlFromEnv: string };

export interface SqlConnectionsOptions {
  named?: Record<string, ConnectionSpec>;
  /** relative sqlite: paths resolve against this */
  baseDir?: string;
  env?: Readonly<Record<string, string | undefined>>;
  poolSize?: number;
  connectTimeoutMs?: number;
  /**
   * PostgreSQL sources: the server cancels a statement running longer than this (default 10,000 ms,
   * above the adapters' own 5,000 ms default). An adapter's timeout only stops waiting; without this a
   * slow or locked source would keep the pool's few connections busy long after every caller gave up.
   */
  statementTimeoutMs?: number;
}

const SOURCE_STATEMENT_TIMEOUT_MS = 10_000;

const PG_DATE = 1082;
const PG_TIMESTAMP = 1114;

export class SqlConnections {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a department's schema is not ours
  private readonly open = new Map<string, Promise<{ db: Kysely<any>; close(): Promise<void> }>>();
  private closed = false;

  constructor(private readonly o: SqlConnectionsOptions = {}) {}

  names(): string[] {
    return Object.keys(this.o.named ?? {});
  }

  /** The URL a reference stands for: a name from the node configuration, or the URL itself. */
  resolve(ref: string): string {
    if (/^(sqlite:|postgres(ql)?:\/\/)/.test(ref)) return ref;
    const spec = this.o.named?.[ref];
    if (spec === undefined) throw new TongbanError('E_SOURCE_UNAVAILABLE', `no database connection named "${ref}" in the node configuration`);
    if (typeof spec === 'string') return spec;
    if ('url' in spec) return spec.url;
    const url = (this.o.env ?? process.env)[spec.urlFromEnv];
    if (!url) throw new TongbanError('E_SOURCE_UNAVAILABLE', `connection "${ref}": environment variable ${spec.urlFromEnv} is not set`);
    return url;
  }

  /** An open connection (opened now if need be). Failures are E_SOURCE_UNAVAILABLE and are retried on the next call. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a department's schema is not ours
  async get(ref: string): Promise<Kysely<any>> {
    if (this.closed) throw new TongbanError('E_SOURCE_UNAVAILABLE', 'the node is shutting down');
    const url = this.resolve(ref);
    let opening = this.open.get(url);
    if (!opening) {
      opening = this.connect(url);
      this.open.set(url, opening);
      opening.catch(() => this.open.delete(url));
    }
    return (await opening).db;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a department's schema is not ours
  private async connect(url: string): Promise<{ db: Kysely<any>; close(): Promise<void> }> {
    let target;
    try {
      target = parseDatabaseUrl(url, this.o.baseDir);
    } catch (e) {
      throw new TongbanError('E_SOURCE_UNAVAILABLE', (e as TongbanError).detail ?? String(e));
    }
    if (target.engine === 'sqlite') {
      let handle: SQLite.Database;
      try {
        handle = new SQLite(target.location, { fileMustExist: target.location !== ':memory:' });
        handle.pragma('query_only = ON');
        handle.pragma('busy_timeout = 2000');
      } catch (e) {
        throw new TongbanError('E_SOURCE_UNAVAILABLE', `cannot open SQLite database ${target.location}: ${(e as Error).message}`, { cause: e });
      }
      const db = new Kysely({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
      return { db, close: () => db.destroy() };
    }
    const statementTimeout = Math.max(1, Math.round(this.o.statementTimeoutMs ?? SOURCE_STATEMENT_TIMEOUT_MS));
    const options = ['-c default_transaction_read_only=on', `-c statement_timeout=${statementTimeout}`, ...(target.schema ? [`-c search_path=${target.schema}`] : [])].join(' ');
    const pool = new pg.Pool({
      connectionString: target.location,
      max: this.o.poolSize ?? 4,
      connectionTimeoutMillis: this.o.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      application_name: 'tongban-adapter',
      options,
      types: {
        getTypeParser: ((oid: number, format?: string) =>
          oid === PG_DATE || oid === PG_TIMESTAMP ? (v: string) => v : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
    });
    pool.on('error', () => undefined); // an idle client's network error is reported by the next query
    try {
      const client = await pool.connect();
      client.release();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new TongbanError('E_SOURCE_UNAVAILABLE', `cannot connect to PostgreSQL at ${redactUrl(target.location)}: ${(e as Error).message}`, { cause: e });
    }
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    return { db, close: () => db.destroy() };
  }
}
