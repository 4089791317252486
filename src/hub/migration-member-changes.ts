// An approved member's new endpoint or name waits for the operator: the member list keeps the
// approved values until the change is approved, so a signing key alone cannot redirect a region's
// traffic (its requests carry citizens' ID numbers) to another address.
import type { Kysely, Migration } from 'kysely';

export const memberChangesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('hub_member').addColumn('pending_endpoint', 'varchar(512)').execute();
    await db.schema.alterTable('hub_member').addColumn('pending_name', 'varchar(64)').execute();
    await db.schema.alterTable('hub_member').addColumn('pending_since', 'varchar(32)').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const c of ['pending_since', 'pending_name', 'pending_endpoint']) await db.schema.alterTable('hub_member').dropColumn(c).execute();
  },
};
