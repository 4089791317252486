// The node's and hub's own tables, as Kysely types. One set for both roles and both engines:
// timestamps are ISO-8601 UTC text (sortable, identical on SQLite and PostgreSQL), JSON documents
// are text, booleans are 0/1 integers. Synthetic registries live in a separate database (src/sim).

import type { Generated } from 'kysely';
import type { ExchangeTables } from '../exchange/schema.js';
import type { AuditTables } from '../audit/schema.js';
import type { IdentityTables } from '../identity/schema.js';
import type { CatalogTables } from '../catalog/schema.js';
import type { DirectoryTables } from '../directory/schema.js';

export interface MetaTable {
  key: string;
  value: string;
  updated_at: string;
}

/** Hub: one row per region code, the member's current state. */
export interface HubMemberTable {
  region_code: string;
  name: string;
  endpoint: string;
  suite: string;
  /** pending | approved | rejected | suspended */
  status: string;
  requested_at: string;
  decided_at: string | null;
  decided_by: string | null;
  reason: string | null;
  updated_at: string;
  /** an approved member's requested endpoint, until the operator approves or rejects it */
  pending_endpoint: string | null;
  /** an approved member's requested name, likewise */
  pending_name: string | null;
  /** when the pending change was (last) asked for */
  pending_since: string | null;
}

/** Hub: every key a member has announced; rotation adds rows, old keys stay verifiable. */
export interface HubMemberKeyTable {
  key_id: string;
  region_code: string;
  suite: string;
  public_key_pem: string;
  /** active | retired */
  status: string;
  added_at: string;
  retired_at: string | null;
}

/** Hub: append-only history of membership decisions, for auditors. */
export interface HubMemberEventTable {
  id: Generated<number>;
  region_code: string;
  at: string;
  /** requested | approved | rejected | suspended | reinstated */
  action: string;
  /** node:<keyId>, user:<id> (a hub operator's account), operator-token, cli:<os user>, … */
  actor: string;
  /** English text: rows written before detail_json (newer rows leave it null) */
  detail: string | null;
  /** the event's facts as JSON, a kind and its parameters (src/hub/history.ts MemberEventDetail; migration 013) */
  detail_json: string | null;
}

/** Hub: the signed member list, one row per version (re-signed in place when it nears expiry). */
export interface HubTrustListTable {
  version: number;
  /** digest of the member content; a new version is cut only when it changes */
  content_digest: string;
  issued_at: string;
  expires_at: string;
  document: string;
}

/** Node: the last verified member list from the hub, kept so the node works while the hub is down. */
export interface TrustListCacheTable {
  slot: string;
  version: number;
  issued_at: string;
  expires_at: string;
  fetched_at: string;
  document: string;
}

/** Node: reachability of the other members, probed in the background. */
export interface PeerStatusTable {
  region_code: string;
  online: number;
  last_seen_at: string | null;
  last_checked_at: string;
  last_error: string | null;
}

/** The foundation's tables (migration 001). */
export interface FoundationTables {
  meta: MetaTable;
  hub_member: HubMemberTable;
  hub_member_key: HubMemberKeyTable;
  hub_member_event: HubMemberEventTable;
  hub_trust_list: HubTrustListTable;
  trust_list_cache: TrustListCacheTable;
  peer_status: PeerStatusTable;
}

/**
 * The whole schema: each capability owns its tables' types in its own folder (src/<capability>/schema.ts)
 * and its migration (src/<capability>/migration.ts); they are composed here and in migrations/index.ts.
 */
export type TongbanDB = FoundationTables & ExchangeTables & IdentityTables & AuditTables & CatalogTables & DirectoryTables;
