import type { Kysely, Migration } from 'kysely';
import { withAutoId } from './portable.js';

// Written with the schema builder only, so the same DDL runs on SQLite and PostgreSQL.
export const foundation: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('meta')
      .addColumn('key', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('hub_member')
      .addColumn('region_code', 'varchar(6)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('endpoint', 'varchar(512)', (c) => c.notNull())
      .addColumn('suite', 'varchar(16)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('requested_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('decided_at', 'varchar(32)')
      .addColumn('decided_by', 'varchar(128)')
      .addColumn('reason', 'text')
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('hub_member_key')
      .addColumn('key_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('region_code', 'varchar(6)', (c) => c.notNull().references('hub_member.region_code'))
      .addColumn('suite', 'varchar(16)', (c) => c.notNull())
      .addColumn('public_key_pem', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('added_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('retired_at', 'varchar(32)')
      .execute();
    await db.schema.createIndex('hub_member_key_region').on('hub_member_key').column('region_code').execute();

    await withAutoId(db, db.schema.createTable('hub_member_event'))
      .addColumn('region_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      .addColumn('action', 'varchar(32)', (c) => c.notNull())
      .addColumn('actor', 'varchar(128)', (c) => c.notNull())
      .addColumn('detail', 'text')
      .execute();
    await db.schema.createIndex('hub_member_event_region').on('hub_member_event').columns(['region_code', 'id']).execute();

    await db.schema
      .createTable('hub_trust_list')
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('content_digest', 'varchar(128)', (c) => c.notNull())
      .addColumn('issued_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('trust_list_cache')
      .addColumn('slot', 'varchar(16)', (c) => c.primaryKey())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('issued_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('fetched_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('peer_status')
      .addColumn('region_code', 'varchar(6)', (c) => c.primaryKey())
      .addColumn('online', 'integer', (c) => c.notNull())
      .addColumn('last_seen_at', 'varchar(32)')
      .addColumn('last_checked_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['peer_status', 'trust_list_cache', 'hub_trust_list', 'hub_member_event', 'hub_member_key', 'hub_member', 'meta']) {
      await db.schema.dropTable(t).ifExists().execute();
    }
  },
};
