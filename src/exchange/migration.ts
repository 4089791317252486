import type { Kysely, Migration } from 'kysely';
import { withAutoId } from '../store/migrations/portable.js';

export const exchangeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('exchange_replay')
      .addColumn('message_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('from_region', 'varchar(6)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('exchange_replay_received').on('exchange_replay').column('received_at').execute();

    await db.schema
      .createTable('exchange_request')
      .addColumn('message_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('target_region', 'varchar(6)', (c) => c.notNull())
      .addColumn('resource', 'varchar(128)', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('subject_masked', 'varchar(64)', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('user_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('user_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('route', 'varchar(16)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('request_hash', 'varchar(80)', (c) => c.notNull())
      .addColumn('request', 'text', (c) => c.notNull())
      .addColumn('response', 'text')
      .addColumn('seal', 'text')
      .addColumn('error_code', 'varchar(64)')
      .addColumn('error_detail', 'text')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('completed_at', 'varchar(32)')
      .addColumn('latency_ms', 'integer')
      .execute();
    await db.schema.createIndex('exchange_request_user').on('exchange_request').columns(['user_id', 'created_at']).execute();

    await db.schema
      .createTable('exchange_outbox')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('target_region', 'varchar(6)', (c) => c.notNull())
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('message_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('body', 'text')
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('lease_until', 'varchar(32)')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('delivered_at', 'varchar(32)')
      .execute();
    await db.schema.createIndex('exchange_outbox_due').on('exchange_outbox').columns(['status', 'next_attempt_at']).execute();

    await db.schema
      .createTable('exchange_inbox')
      .addColumn('message_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('from_region', 'varchar(6)', (c) => c.notNull())
      .addColumn('in_reply_to', 'varchar(64)', (c) => c.notNull())
      .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('exchange_conversation')
      .addColumn('conversation_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('from_region', 'varchar(6)', (c) => c.notNull())
      .addColumn('request', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('completed_at', 'varchar(32)')
      .execute();

    await withAutoId(db, db.schema.createTable('hub_relay_log'))
      .addColumn('message_id', 'varchar(64)')
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('from_region', 'varchar(6)')
      .addColumn('to_region', 'varchar(6)', (c) => c.notNull())
      .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('bytes_in', 'integer', (c) => c.notNull())
      .addColumn('bytes_out', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hub_relay_log_at').on('hub_relay_log').column('received_at').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['hub_relay_log', 'exchange_conversation', 'exchange_inbox', 'exchange_outbox', 'exchange_request', 'exchange_replay']) {
      await db.schema.dropTable(t).ifExists().execute();
    }
  },
};
