// A member's history keeps the facts of each event structured (a kind and its parameters, as JSON
// text; src/hub/history.ts), so that a client says them in its own language. Older rows keep their
// English text in `detail`; nothing is rewritten.
import type { Kysely, Migration } from 'kysely';

export const memberEventDataMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('hub_member_event').addColumn('detail_json', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('hub_member_event').dropColumn('detail_json').execute();
  },
};
