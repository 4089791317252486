// Migration 005_catalog: the catalogue entry tables and their history. Schema builder only, so the
// same DDL runs on SQLite and PostgreSQL.
import type { Kysely, Migration } from 'kysely';
import { withAutoId } from '../store/migrations/portable.js';

export const CATALOG_ENTRY_TABLES = ['catalog_resource', 'catalog_certificate_type', 'catalog_item', 'catalog_element'] as const;

export const catalogMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const table of CATALOG_ENTRY_TABLES) {
      await db.schema
        .createTable(table)
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('published', 'text')
        .addColumn('published_version', 'integer')
        .addColumn('published_at', 'varchar(32)')
        .addColumn('retired_at', 'varchar(32)')
        .addColumn('working', 'text')
        .addColumn('working_version', 'integer')
        .addColumn('working_status', 'varchar(16)')
        .addColumn('working_authors', 'text')
        .addColumn('submitted_by', 'varchar(128)')
        .addColumn('submitted_at', 'varchar(32)')
        .addColumn('returned_reason', 'text')
        .addColumn('returned_by', 'varchar(128)')
        .addColumn('returned_at', 'varchar(32)')
        .addColumn('latest_version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('created_by', 'varchar(128)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_by', 'varchar(128)', (c) => c.notNull())
        .addColumn('rev', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex(`${table}_status`).on(table).columns(['status', 'id']).execute();
    }

    await withAutoId(db, db.schema.createTable('catalog_history'))
      .addColumn('kind', 'varchar(24)', (c) => c.notNull())
      .addColumn('entry_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('action', 'varchar(16)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('actor', 'varchar(128)', (c) => c.notNull())
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('catalog_history_entry').on('catalog_history').columns(['kind', 'entry_id', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['catalog_history', ...CATALOG_ENTRY_TABLES]) {
      await db.schema.dropTable(t).ifExists().execute();
    }
  },
};
