// Anchoring reads the checkpoints the hub has not countersigned yet, every minute; a node writes a
// checkpoint at least once a minute, so without this index that read scans ~500,000 rows a year.
// A partial index (both engines support them) holds only the pending few.
import { sql, type Kysely, type Migration } from 'kysely';

export const pendingCheckpointsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('audit_checkpoint_pending').on('audit_checkpoint').column('seq').where(sql.ref('countersignature'), 'is', null).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('audit_checkpoint_pending').ifExists().execute();
  },
};
