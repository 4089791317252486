// A member whose log went back (restored from an older backup) declares it, signed, and the hub
// records the declaration and moves the anchors of the lost history aside: kept, listed with the
// declaration, no longer the ones its new checkpoints are compared with. docs/PROTOCOL.md §6.6.
import type { Kysely, Migration } from 'kysely';

export const auditRestoresMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hub_audit_restore')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('region_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('keep_through', 'bigint', (c) => c.notNull())
      .addColumn('superseded_from', 'bigint', (c) => c.notNull())
      .addColumn('superseded_through', 'bigint', (c) => c.notNull())
      .addColumn('superseded', 'integer', (c) => c.notNull())
      .addColumn('declared_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('recorded_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('declaration', 'text', (c) => c.notNull())
      // a retried declaration finds its first receipt by this
      .addColumn('declaration_digest', 'varchar(64)', (c) => c.notNull())
      .addColumn('receipt', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hub_audit_restore_region').on('hub_audit_restore').columns(['region_code', 'declaration_digest']).execute();
    // the superseded anchors, as they were, with the declaration that moved them
    await db.schema
      .createTable('hub_audit_anchor_superseded')
      .addColumn('restore_id', 'varchar(36)', (c) => c.notNull())
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
      .addPrimaryKeyConstraint('hub_audit_anchor_superseded_pk', ['restore_id', 'seq'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['hub_audit_anchor_superseded', 'hub_audit_restore']) await db.schema.dropTable(t).ifExists().execute();
  },
};
