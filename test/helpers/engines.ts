// Runs a storage test on both engines. SQLite always; PostgreSQL whenever it is reachable at
// TONGBAN_TEST_PG (default postgres://postgres@127.0.0.1:5432/test). With REQUIRE_PG=1 (set by
// .ci/run) an unreachable PostgreSQL fails the suite instead of skipping its half.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Engine } from '../../src/store/db.js';

export const PG_URL = process.env.TONGBAN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgReachable: Promise<boolean> | undefined;

export function isPgReachable(): Promise<boolean> {
  pgReachable ??= (async () => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return pgReachable;
}

export interface TestDatabase {
  engine: Engine;
  url: string;
  /** removes the temp file or drops the schema */
  cleanup(): Promise<void>;
}

/** A fresh, empty database URL on the given engine. */
export async function freshDatabase(engine: Engine, label = 't'): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `tongban-${label}-`));
    return {
      engine,
      url: `sqlite:${join(dir, 'db.sqlite')}`,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${label.replace(/[^a-z0-9_]/g, '_').slice(0, 20)}_${randomBytes(5).toString('hex')}`;
  return {
    engine,
    url: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * The engines a storage test must run on. PostgreSQL is included when reachable; when it is not,
 * REQUIRE_PG=1 turns that into a failure.
 */
export async function engines(): Promise<Engine[]> {
  if (await isPgReachable()) return ['sqlite', 'postgres'];
  if (process.env.REQUIRE_PG === '1') {
    throw new Error(`REQUIRE_PG=1 but PostgreSQL is not reachable at ${PG_URL}`);
  }
  return ['sqlite'];
}
