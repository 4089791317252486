// The code of a checkpoint's last failed anchoring attempt, as data beside its text (last_error): the
// hub's refusal (E_CONFLICT: the log went back; E_FORBIDDEN: the membership is not approved; …) or
// E_HUB_UNAVAILABLE (retried). The status page decides its state from it. Rows written before this
// migration have none: their state is unknown until the next attempt writes one.
import type { Kysely, Migration } from 'kysely';

export const checkpointErrorCodeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('audit_checkpoint').addColumn('last_error_code', 'varchar(64)').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('audit_checkpoint').dropColumn('last_error_code').execute();
  },
};
