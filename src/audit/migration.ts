// Migration 002_audit: the hash-chained log, its head row, checkpoints, and the hub's anchors.
// Schema builder only, so the same DDL runs on SQLite and PostgreSQL.
import type { Kysely, Migration } from 'kysely';
import { GENESIS_HASH } from './chain.js';

export const auditMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_entry')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      .addColumn('alg', 'varchar(16)', (c) => c.notNull())
      .addColumn('category', 'varchar(16)', (c) => c.notNull())
      .addColumn('action', 'varchar(64)', (c) => c.notNull())
      .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('actor_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('actor_region', 'varchar(6)')
      .addColumn('actor_department', 'varchar(128)')
      .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
      .addColumn('error_code', 'varchar(64)')
      .addColumn('message_id', 'varchar(128)')
      .addColumn('conversation_id', 'varchar(128)')
      .addColumn('counterparty', 'varchar(6)')
      .addColumn('subject_ref', 'varchar(64)')
      .addColumn('subject_masked', 'varchar(64)')
      .addColumn('purpose', 'text')
      .addColumn('resource', 'varchar(128)')
      .addColumn('fields', 'text')
      .addColumn('request_hash', 'varchar(128)')
      .addColumn('response_hash', 'varchar(128)')
      .addColumn('detail', 'text')
      .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('hash', 'varchar(64)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_entry_subject').on('audit_entry').columns(['subject_ref', 'seq']).execute();
    await db.schema.createIndex('audit_entry_message').on('audit_entry').column('message_id').execute();
    await db.schema.createIndex('audit_entry_at').on('audit_entry').column('at').execute();

    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed on an unknown schema
    await (db as Kysely<any>).insertInto('audit_head').values({ id: 1, seq: 0, hash: GENESIS_HASH, updated_at: new Date().toISOString() }).execute();

    await db.schema
      .createTable('audit_checkpoint')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('head_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('entry_count', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('countersignature', 'text')
      .addColumn('anchored_at', 'varchar(32)')
      .addColumn('last_attempt_at', 'varchar(32)')
      .addColumn('last_error', 'text')
      .execute();

    await db.schema
      .createTable('hub_audit_anchor')
      .addColumn('region_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('head_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('entry_count', 'bigint', (c) => c.notNull())
      .addColumn('checkpoint_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('key_id', 'varchar(80)', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addColumn('checkpoint', 'text', (c) => c.notNull())
      .addColumn('checkpoint_digest', 'varchar(64)', (c) => c.notNull())
      .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('countersignature', 'text', (c) => c.notNull())
      // one head per (region, seq): a node cannot have two different histories anchored
      .addPrimaryKeyConstraint('hub_audit_anchor_pk', ['region_code', 'seq'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['hub_audit_anchor', 'audit_checkpoint', 'audit_head', 'audit_entry']) {
      await db.schema.dropTable(t).ifExists().execute();
    }
  },
};
