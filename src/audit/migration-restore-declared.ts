// The console's status page names who declared each restore (PROTOCOL §6.6) from the node's own log:
// its audit.restore-declared entries. A partial index (both engines support them) holds only those
// few, so the page does not read the whole log to find them; appends of every other entry leave it be.
// The action is written out here, not imported: a migration stays as it shipped.
import { sql, type Kysely, type Migration } from 'kysely';

export const restoreDeclaredIndexMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('audit_entry_restore_declared').on('audit_entry').column('seq').where(sql.ref('action'), '=', sql.lit('audit.restore-declared')).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('audit_entry_restore_declared').ifExists().execute();
  },
};
