import { Migrator, type Kysely, type MigrationResult } from 'kysely';
import { TongbanError } from '../core/errors.js';
import { MIGRATIONS } from './migrations/index.js';

export interface MigrationReport {
  applied: string[];
  current: string | undefined;
}

/**
 * Brings the schema to the latest version. On PostgreSQL Kysely holds an advisory lock meanwhile, so
 * replicas starting together migrate once. Pass the PostgreSQL schema when the database has one;
 * openDatabase's result carries it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations work on any schema type
export async function migrateToLatest(store: { db: Kysely<any>; schema?: string }): Promise<MigrationReport> {
  const { db } = store;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'tongban_migration',
    migrationLockTableName: 'tongban_migration_lock',
    // Kysely looks for its tables across all schemas unless told which one is ours.
    ...(store.schema ? { migrationTableSchema: store.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r: MigrationResult) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = (results ?? []).find((r) => r.status === 'Error');
    throw new TongbanError('E_DATABASE_UNAVAILABLE', `migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? error}`, {
      cause: error,
    });
  }
  const all = await migrator.getMigrations();
  const done = all.filter((m) => m.executedAt);
  return { applied, current: done.at(-1)?.name };
}
