// Tables of the directory capability (migration 006_directory).

/**
 * One row per (region, kind, id). On the hub this is the federation's directory; on a node it is the
 * node's cache of it (the same shape, the same search). Withdrawn entries stay on the hub as tombstones
 * (deleted = 1, no body) so incremental readers learn of them; a node removes them from its cache.
 * The row is narrow — what filters, ranking and counting read; what search matches is in
 * directory_entry_text and what a hit shows in directory_entry_body, so a search that matches most of
 * the directory touches small rows only.
 */
export interface DirectoryEntryTable {
  /** the directory's change sequence of the entry's latest change (hub-assigned, never reused): the key */
  seq: number;
  region_code: string;
  region_name: string;
  /** resource | certificate-type | item */
  kind: string;
  /** resource id, certificate type code or item code */
  entry_id: string;
  deleted: number;
  /** the publisher's publication sequence that made the change */
  publication: number;
  changed_at: string;
  /** catalogue version and publication time of the content, when given */
  version: number | null;
  published_at: string | null;
  name: string;
  name_en: string | null;
  department: string;
  /** resources: unconditional | conditional | none */
  sharing: string | null;
  /** items: 1 when the cross-province mode is offered */
  mode_online: number;
  mode_proxy: number;
  mode_joint: number;
  /** normalised name (src/search/text.ts), for the exact-name rank */
  search_name: string;
  /** SHA-256 of the content's RFC 8785 bytes; NULL for a tombstone */
  digest: string | null;
}

/** What search matches for a live entry (same seq): indexed by FTS5 (SQLite) or pg_trgm (PostgreSQL). */
export interface DirectoryEntryTextTable {
  seq: number;
  /** normalised text of every searchable field, one per line; and its gram words (src/search/text.ts) */
  search_text: string;
  search_grams: string;
}

/** What a live entry shows (same seq): read for a page of hits and for the entry itself. */
export interface DirectoryEntryBodyTable {
  seq: number;
  summary: string | null;
  /** further searchable lines (materials, field labels, codes), newline-separated */
  extra: string | null;
  /** JSON of the published entry */
  content: string;
}

/** Hub: the latest accepted publication of each region (its sequence only ever increases). */
export interface HubDirectoryPublicationTable {
  region_code: string;
  sequence: number;
  entries_digest: string;
  key_id: string;
  published_at: string;
  received_at: string;
  entry_count: number;
  /** the signed publication as received (JSON): evidence of what the region published */
  document: string;
}

/** Hub: the directory's identity and latest change sequence; one row, locked by every publication. */
export interface HubDirectoryHeadTable {
  slot: string;
  directory_id: string;
  seq: number;
  updated_at: string;
}

export interface DirectoryTables {
  directory_entry: DirectoryEntryTable;
  directory_entry_text: DirectoryEntryTextTable;
  directory_entry_body: DirectoryEntryBodyTable;
  hub_directory_publication: HubDirectoryPublicationTable;
  hub_directory_head: HubDirectoryHeadTable;
}
