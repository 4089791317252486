// Tables of the catalog capability (migration 005_catalog). Four entry tables of one shape — data
// resources, certificate types, service items, custom data elements — each holding one row per entry
// with its version in force (published) and, at most, one version being worked on (draft or in review);
// and one append-only history of every version's full snapshot and every workflow step.
// Timestamps are ISO-8601 UTC text; documents are JSON text.

import type { Generated } from 'kysely';

/** One catalogue entry: the version in force and the version being worked on. */
export interface CatalogEntryTable {
  /** resource id, certificate type code, item code or element code */
  id: string;
  /** the Chinese name, for lists */
  name: string;
  /** draft | in-review (a working version exists), published, retired */
  status: string;
  /** the version in force (or, once retired, the last one that was), JSON of the model object */
  published: string | null;
  published_version: number | null;
  published_at: string | null;
  retired_at: string | null;
  /** the version being worked on, JSON of the model object */
  working: string | null;
  working_version: number | null;
  /** draft | in-review */
  working_status: string | null;
  /** JSON array of the user ids who wrote or submitted the working version (none of them may approve it) */
  working_authors: string | null;
  submitted_by: string | null;
  submitted_at: string | null;
  /** the reviewer's reason, when the working version was returned */
  returned_reason: string | null;
  returned_by: string | null;
  returned_at: string | null;
  /** highest version number ever used */
  latest_version: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  /** bumped by every change: concurrent changes to one entry fail instead of overwriting each other */
  rev: number;
}

/** Every step of every entry, with the full snapshot of the version it concerns. Append-only. */
export interface CatalogHistoryTable {
  id: Generated<number>;
  /** resource | certificate-type | item | element */
  kind: string;
  entry_id: string;
  version: number;
  /** created | updated | submitted | withdrawn | returned | published | discarded | retired | seeded | imported */
  action: string;
  /** the version's status after the step */
  status: string;
  /** user id, cli:<os user>, or system */
  actor: string;
  at: string;
  reason: string | null;
  /** JSON snapshot of the version after the step */
  document: string;
}

export interface CatalogTables {
  catalog_resource: CatalogEntryTable;
  catalog_certificate_type: CatalogEntryTable;
  catalog_item: CatalogEntryTable;
  catalog_element: CatalogEntryTable;
  catalog_history: CatalogHistoryTable;
}
