// store: the one query layer (Kysely) over SQLite or PostgreSQL, the schema and its migrations.
export * from './db.js';
export * from './schema.js';
export { migrateToLatest, type MigrationReport } from './migrate.js';
export { nowIso } from '../core/time.js';
export { getMeta, setMeta } from './meta.js';
