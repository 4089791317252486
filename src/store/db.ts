// store: opening a database on either engine behind one Kysely type. A database is named by a URL:
//   sqlite:PATH            embedded default (WAL), PATH relative to the caller's base directory
//   sqlite::memory:        in-memory (tests)
//   postgres://…           production; `?schema=NAME` keeps Tongban's tables in their own schema
// Every caller goes through openDatabase, so pragmas, pool settings and connection errors live here.

import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type DatabaseIntrospector, type DatabaseMetadataOptions, type TableMetadata } from 'kysely';
import { TongbanError } from '../core/errors.js';

export type Engine = 'sqlite' | 'postgres';

export interface DatabaseTarget {
  engine: Engine;
  /** sqlite: absolute file path or ':memory:'; postgres: connection string without our own params */
  location: string;
  /** postgres only: schema for search_path */
  schema?: string;
}

export interface Database<DB> {
  db: Kysely<DB>;
  /** postgres: the schema in use ('public' unless the URL names one) */
  schema?: string;
  engine: Engine;
  target: DatabaseTarget;
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Parses a database URL; throws E_INVALID_CONFIG naming what is wrong. */
export function parseDatabaseUrl(url: string, baseDir = process.cwd()): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (!path) throw new TongbanError('E_INVALID_CONFIG', 'database: "sqlite:" needs a file path, e.g. sqlite:./data/node.db');
    if (path === ':memory:') return { engine: 'sqlite', location: ':memory:' };
    return { engine: 'sqlite', location: isAbsolute(path) ? path : resolve(baseDir, path) };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TongbanError('E_INVALID_CONFIG', 'database: not a valid postgres:// URL');
    }
    const schema = parsed.searchParams.get('schema') ?? undefined;
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new TongbanError('E_INVALID_CONFIG', `database: schema "${schema}" must be lower-case letters, digits and _`);
    }
    parsed.searchParams.delete('schema');
    return { engine: 'postgres', location: parsed.toString(), ...(schema ? { schema } : {}) };
  }
  throw new TongbanError('E_INVALID_CONFIG', 'database: must start with sqlite: or postgres://');
}

export interface OpenOptions {
  baseDir?: string;
  /** postgres pool size (default 10) */
  poolSize?: number;
  /** create the postgres schema if it does not exist (default true) */
  createSchema?: boolean;
}

export async function openDatabase<DB>(url: string, opts: OpenOptions = {}): Promise<Database<DB>> {
  const target = parseDatabaseUrl(url, opts.baseDir);
  return target.engine === 'sqlite' ? openSqlite<DB>(target) : openPostgres<DB>(target, opts);
}

function openSqlite<DB>(target: DatabaseTarget): Database<DB> {
  let handle: SQLite.Database;
  try {
    if (target.location !== ':memory:') mkdirSync(dirname(target.location), { recursive: true });
    handle = new SQLite(target.location);
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = NORMAL');
    handle.pragma('foreign_keys = ON');
    handle.pragma('busy_timeout = 5000');
    // Checkpoints (which sync the database file) run in a background thread, off the event loop;
    // this connection checkpoints itself only if the WAL ever grows past ~200 MB.
    handle.pragma('wal_autocheckpoint = 50000');
  } catch (e) {
    throw new TongbanError('E_DATABASE_UNAVAILABLE', `cannot open SQLite database ${target.location}: ${(e as Error).message}`, { cause: e });
  }
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
  const checkpointer = target.location === ':memory:' ? undefined : startCheckpointer(target.location);
  return {
    db,
    engine: 'sqlite',
    target,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

const require = createRequire(import.meta.url);

/**
 * A background thread with its own connection that checkpoints the WAL every second (PASSIVE: it
 * never blocks readers or writers). The event loop never waits for the fsync a checkpoint needs.
 */
function startCheckpointer(path: string, intervalMs = 1000): { stop(): Promise<void> } {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.path);
    db.pragma('busy_timeout = 1000');
    const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
    const timer = setInterval(checkpoint, workerData.intervalMs);
    parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); parentPort.close(); });
  `;
  const worker = new Worker(code, { eval: true, workerData: { module: require.resolve('better-sqlite3'), path, intervalMs } });
  let exited = false;
  worker.once('exit', () => {
    exited = true;
  });
  worker.unref();
  worker.on('error', () => undefined); // the main connection's own autocheckpoint is the fallback
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
        // a worker that does not answer is ended; this timer also keeps the process alive meanwhile
        const t = setTimeout(() => void worker.terminate().finally(() => resolve()), 2000);
        worker.once('exit', () => clearTimeout(t));
      }),
  };
}

/**
 * Kysely prepares every SQLite statement anew; preparing costs more than running a point query.
 * Statements are cached by their SQL text (bounded), which is safe because better-sqlite3 runs each
 * statement to completion before the next starts.
 */
export function withStatementCache(handle: SQLite.Database, limit = 512): { prepare(sql: string): SQLite.Statement; close(): void } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = handle.prepare(sql);
        if (cache.size >= limit) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
    close: () => handle.close(),
  };
}

async function openPostgres<DB>(target: DatabaseTarget, opts: OpenOptions): Promise<Database<DB>> {
  const poolConfig: pg.PoolConfig = {
    connectionString: target.location,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    // a stuck claim must not hold locks forever (stack.md, queue hygiene)
    idle_in_transaction_session_timeout: 60_000,
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  };
  const pool = new pg.Pool(poolConfig);
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      if (target.schema && opts.createSchema !== false) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
      }
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new TongbanError('E_DATABASE_UNAVAILABLE', `cannot connect to PostgreSQL at ${redactUrl(target.location)}: ${describePgError(e)}`, {
      cause: e,
    });
  }
  const db = new Kysely<DB>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
  return { db, engine: 'postgres', target, schema: target.schema ?? 'public', close: () => db.destroy() };
}

/**
 * Kysely's migrator asks the introspector for every table of every schema, a catalog query that
 * fails when another tenant of the database drops a schema at the same moment. Tongban only ever
 * needs to know its own schema's tables, so the introspector looks at the current schema alone.
 */
class SchemaScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    const full = super.createIntrospector(db);
    return {
      getSchemas: () => full.getSchemas(),
      getMetadata: async (options) => ({ tables: await this.tablesOf(db, options) }),
      getTables: (options) => this.tablesOf(db, options),
    };
  }

  private async tablesOf(db: Kysely<unknown>, _options?: DatabaseMetadataOptions): Promise<TableMetadata[]> {
    const rows = await sql<{ name: string; schema: string; type: string }>`
      select table_name as name, table_schema as schema, table_type as type
      from information_schema.tables where table_schema = current_schema()`.execute(db);
    return rows.rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.type === 'VIEW', columns: [] }));
  }
}

function describePgError(e: unknown): string {
  const err = e as { code?: string; message?: string; errors?: Array<{ message?: string }> };
  if (err.errors?.length) return err.errors.map((x) => x.message).join('; ');
  return [err.code, err.message].filter(Boolean).join(' ') || String(e);
}

/** Hides the password in a connection string for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
  }
}

/** Cheap liveness probe for /readyz. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- works on any schema type
export async function pingDatabase(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}

/**
 * Whether a database error is a rule refusing this write's data — a unique key, a check, a trigger —
 * rather than the database being unavailable (busy, unreachable): the same write with other data would
 * pass. SQLite: SQLITE_CONSTRAINT_*; PostgreSQL: class 23 (integrity) and P0001 (raised by a trigger).
 */
export function isDataRefusal(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || /^23[0-9A-Z]{3}$/.test(code) || code === 'P0001');
}
