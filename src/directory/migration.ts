// Migration 006_directory: the directory (hub) / directory cache (node), the hub's publication records
// and head row, and the full-text indexes of unified search:
//   SQLite      an external-content FTS5 table with the trigram tokenizer over search_text and
//               search_grams of directory_entry_text, kept in step with it by triggers;
//   PostgreSQL  pg_trgm GIN indexes on the same two columns. The extension is created in schema
//               `public` when absent (CREATE EXTENSION needs the database owner or a superuser; see
//               docs/OPERATIONS.md); when it exists already, in whatever schema, that one is used.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';
import { isSqlite } from '../store/migrations/portable.js';

export const directoryMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('directory_entry')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('region_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('region_name', 'varchar(64)', (c) => c.notNull())
      .addColumn('kind', 'varchar(20)', (c) => c.notNull())
      .addColumn('entry_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('deleted', 'integer', (c) => c.notNull())
      .addColumn('publication', 'integer', (c) => c.notNull())
      .addColumn('changed_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('version', 'integer')
      .addColumn('published_at', 'varchar(32)')
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('name_en', 'varchar(300)')
      .addColumn('department', 'varchar(200)', (c) => c.notNull())
      .addColumn('sharing', 'varchar(16)')
      .addColumn('mode_online', 'integer', (c) => c.notNull())
      .addColumn('mode_proxy', 'integer', (c) => c.notNull())
      .addColumn('mode_joint', 'integer', (c) => c.notNull())
      .addColumn('search_name', 'text', (c) => c.notNull())
      .addColumn('digest', 'varchar(64)')
      .execute();
    await db.schema.createIndex('directory_entry_key').on('directory_entry').columns(['region_code', 'kind', 'entry_id']).unique().execute();
    await db.schema.createIndex('directory_entry_filter').on('directory_entry').columns(['deleted', 'kind', 'region_code']).execute();
    await db.schema.createIndex('directory_entry_department').on('directory_entry').columns(['department', 'deleted']).execute();

    await db.schema
      .createTable('directory_entry_text')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('search_grams', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('directory_entry_body')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('summary', 'text')
      .addColumn('extra', 'text')
      .addColumn('content', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('hub_directory_publication')
      .addColumn('region_code', 'varchar(6)', (c) => c.primaryKey())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('entries_digest', 'varchar(64)', (c) => c.notNull())
      .addColumn('key_id', 'varchar(80)', (c) => c.notNull())
      .addColumn('published_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('entry_count', 'integer', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('hub_directory_head')
      .addColumn('slot', 'varchar(16)', (c) => c.primaryKey())
      .addColumn('directory_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await sql`insert into hub_directory_head (slot, directory_id, seq, updated_at) values ('head', ${randomUUID()}, 0, ${new Date().toISOString()})`.execute(db);

    if (isSqlite(db)) {
      await sql`create virtual table directory_fts using fts5(search_text, search_grams, content='directory_entry_text', content_rowid='seq', tokenize='trigram')`.execute(db);
      await sql`create trigger directory_entry_text_fts_insert after insert on directory_entry_text begin
          insert into directory_fts (rowid, search_text, search_grams) values (new.seq, new.search_text, new.search_grams);
        end`.execute(db);
      await sql`create trigger directory_entry_text_fts_delete after delete on directory_entry_text begin
          insert into directory_fts (directory_fts, rowid, search_text, search_grams) values ('delete', old.seq, old.search_text, old.search_grams);
        end`.execute(db);
      await sql`create trigger directory_entry_text_fts_update after update of search_text, search_grams on directory_entry_text begin
          insert into directory_fts (directory_fts, rowid, search_text, search_grams) values ('delete', old.seq, old.search_text, old.search_grams);
          insert into directory_fts (rowid, search_text, search_grams) values (new.seq, new.search_text, new.search_grams);
        end`.execute(db);
    } else {
      const schema = await trigramSchema(db);
      const opclass = sql`${sql.id(schema)}.gin_trgm_ops`;
      await sql`create index directory_entry_text_text_trgm on directory_entry_text using gin (search_text ${opclass})`.execute(db);
      await sql`create index directory_entry_text_grams_trgm on directory_entry_text using gin (search_grams ${opclass})`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    if (isSqlite(db)) await sql`drop table if exists directory_fts`.execute(db);
    for (const t of ['hub_directory_head', 'hub_directory_publication', 'directory_entry_body', 'directory_entry_text', 'directory_entry']) await db.schema.dropTable(t).ifExists().execute();
  },
};

/** The schema pg_trgm lives in, creating the extension in `public` when it is not installed. */
async function trigramSchema(db: Kysely<unknown>): Promise<string> {
  const find = async () =>
    (await sql<{ schema: string }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db)).rows[0]?.schema;
  const existing = await find();
  if (existing) return existing;
  try {
    await sql`create extension if not exists pg_trgm with schema public`.execute(db);
  } catch (e) {
    throw new Error(
      `unified search needs the PostgreSQL extension pg_trgm and the database user may not create it (${(e as Error).message}); ` +
        'ask the database administrator to run: CREATE EXTENSION pg_trgm;  (see docs/OPERATIONS.md)',
      { cause: e },
    );
  }
  return (await find()) ?? 'public';
}
