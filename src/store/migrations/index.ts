// The one migration set, applied in order on both engines. Add a file, register it here; never
// edit a migration that has shipped.
import type { Migration } from 'kysely';
import { foundation } from './001_foundation.js';
import { auditMigration } from '../../audit/migration.js';
import { exchangeMigration } from '../../exchange/migration.js';
import { identityMigration } from '../../identity/migration.js';
import { catalogMigration } from '../../catalog/migration.js';
import { directoryMigration } from '../../directory/migration.js';
import { pendingCheckpointsMigration } from '../../audit/migration-pending-checkpoints.js';
import { conversationLeasesMigration } from '../../exchange/migration-conversation-leases.js';
import { memberChangesMigration } from '../../hub/migration-member-changes.js';
import { auditRestoresMigration } from '../../audit/migration-restores.js';
import { checkpointErrorCodeMigration } from '../../audit/migration-error-code.js';
import { restoreDeclaredIndexMigration } from '../../audit/migration-restore-declared.js';
import { memberEventDataMigration } from '../../hub/migration-member-event-data.js';

export const MIGRATIONS: Record<string, Migration> = {
  '001_foundation': foundation,
  '002_audit': auditMigration,
  '003_identity': identityMigration,
  '004_exchange': exchangeMigration,
  '005_catalog': catalogMigration,
  '006_directory': directoryMigration,
  '007_audit_pending_checkpoints': pendingCheckpointsMigration,
  '008_exchange_conversation_leases': conversationLeasesMigration,
  '009_hub_member_changes': memberChangesMigration,
  '010_hub_audit_restores': auditRestoresMigration,
  '011_audit_checkpoint_error_code': checkpointErrorCodeMigration,
  '012_audit_restore_declared_index': restoreDeclaredIndexMigration,
  '013_hub_member_event_data': memberEventDataMigration,
};
