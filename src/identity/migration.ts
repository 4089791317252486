// Migration 003_identity: local accounts, sessions and the sign-in throttle. Schema builder only,
// so the same DDL runs on SQLite and PostgreSQL.
import type { Kysely, Migration } from 'kysely';

export const identityMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('app_user')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('department', 'varchar(128)', (c) => c.notNull())
      .addColumn('region_code', 'varchar(6)', (c) => c.notNull())
      .addColumn('roles', 'varchar(256)', (c) => c.notNull())
      .addColumn('password_hash', 'varchar(256)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('disabled_at', 'varchar(32)')
      .addColumn('last_login_at', 'varchar(32)')
      .execute();

    await db.schema
      .createTable('app_session')
      .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('last_seen_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('app_session_user').on('app_session').column('user_id').execute();
    await db.schema.createIndex('app_session_expires').on('app_session').column('expires_at').execute();

    await db.schema
      .createTable('app_login_throttle')
      .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('window_started_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'varchar(32)')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['app_login_throttle', 'app_session', 'app_user']) await db.schema.dropTable(t).ifExists().execute();
  },
};
