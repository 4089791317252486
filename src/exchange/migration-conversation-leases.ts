// Slow exchanges on several replicas of a provider: a conversation is worked on by the replica that
// holds its lease, taken over by another once the lease runs out (a replica died, or its answer could
// not be written). Delivery bookkeeping is purged after its retention: the indexes those deletes use.
import type { Kysely, Migration } from 'kysely';

export const conversationLeasesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('exchange_conversation').addColumn('lease_owner', 'varchar(64)').execute();
    await db.schema.alterTable('exchange_conversation').addColumn('lease_until', 'varchar(32)').execute();
    await db.schema.createIndex('exchange_conversation_open').on('exchange_conversation').columns(['status', 'lease_until']).execute();
    await db.schema.createIndex('exchange_conversation_completed').on('exchange_conversation').column('completed_at').execute();
    await db.schema.createIndex('exchange_inbox_received').on('exchange_inbox').column('received_at').execute();
    await db.schema.createIndex('exchange_outbox_delivered').on('exchange_outbox').column('delivered_at').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const i of ['exchange_outbox_delivered', 'exchange_inbox_received', 'exchange_conversation_completed', 'exchange_conversation_open']) {
      await db.schema.dropIndex(i).ifExists().execute();
    }
    await db.schema.alterTable('exchange_conversation').dropColumn('lease_until').execute();
    await db.schema.alterTable('exchange_conversation').dropColumn('lease_owner').execute();
  },
};
