// From a directory entry to its rows: one function for the hub (recording a publication) and for nodes
// (applying the hub's directory to their cache), so both derive the same search columns. A live entry
// is a directory_entry row with its directory_entry_text and directory_entry_body rows (same seq); a
// tombstone is the first alone.
import type { Insertable, Kysely } from 'kysely';
import type { TongbanDB } from '../store/schema.js';
import type { DirectoryEntryBodyTable, DirectoryEntryTable, DirectoryEntryTextTable } from './schema.js';
import { contentDigest, entryFields, searchColumns, type DirectoryKind, type EntryFields } from './entry.js';

export interface EntryRows {
  entry: Insertable<DirectoryEntryTable>;
  text?: Insertable<DirectoryEntryTextTable>;
  body?: Insertable<DirectoryEntryBodyTable>;
}

export interface RowKey {
  region: { code: string; name: string };
  kind: DirectoryKind;
  id: string;
  seq: number;
  publication: number;
  changedAt: string;
}

/** A live entry's rows; `fields` when the caller has derived them already. */
export function liveRow(k: RowKey, content: unknown, fields: EntryFields = entryFields(k.kind, content), digest = contentDigest(content)): EntryRows {
  const c = content as { version?: unknown; publishedAt?: unknown };
  const { search_name, search_text, search_grams } = searchColumns(k.id, fields);
  return {
    entry: {
      ...keyColumns(k),
      deleted: 0,
      version: Number.isSafeInteger(c.version) ? (c.version as number) : null,
      published_at: typeof c.publishedAt === 'string' ? c.publishedAt.slice(0, 32) : null,
      name: fields.name,
      name_en: fields.nameEn,
      department: fields.department,
      sharing: fields.sharing,
      mode_online: fields.modes.includes('online') ? 1 : 0,
      mode_proxy: fields.modes.includes('proxy') ? 1 : 0,
      mode_joint: fields.modes.includes('joint') ? 1 : 0,
      search_name,
      digest,
    },
    text: { seq: k.seq, search_text, search_grams },
    body: {
      seq: k.seq,
      summary: fields.summary,
      extra: fields.extra.length ? fields.extra.join('\n') : null,
      content: JSON.stringify(content),
    },
  };
}

/** A withdrawn entry: its key and last name, nothing to search or show. */
export function tombstoneRow(k: RowKey, last: { name: string; department: string }): EntryRows {
  return {
    entry: {
      ...keyColumns(k),
      deleted: 1,
      version: null,
      published_at: null,
      name: last.name,
      name_en: null,
      department: last.department,
      sharing: null,
      mode_online: 0,
      mode_proxy: 0,
      mode_joint: 0,
      search_name: '',
      digest: null,
    },
  };
}

function keyColumns(k: RowKey) {
  return { seq: k.seq, region_code: k.region.code, region_name: k.region.name, kind: k.kind, entry_id: k.id, publication: k.publication, changed_at: k.changedAt };
}

/** Inserts rows in chunks (SQLite and PostgreSQL both cap bound parameters per statement). */
export async function insertRows(db: Kysely<TongbanDB>, rows: EntryRows[], chunk = 400): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await db.insertInto('directory_entry').values(part.map((r) => r.entry)).execute();
    const texts = part.flatMap((r) => (r.text ? [r.text] : []));
    if (texts.length) await db.insertInto('directory_entry_text').values(texts).execute();
    const bodies = part.flatMap((r) => (r.body ? [r.body] : []));
    if (bodies.length) await db.insertInto('directory_entry_body').values(bodies).execute();
  }
}

/** Deletes entries (with their text and body) by seq, in chunks. */
export async function deleteRows(db: Kysely<TongbanDB>, seqs: number[], chunk = 500): Promise<void> {
  for (let i = 0; i < seqs.length; i += chunk) {
    const part = seqs.slice(i, i + chunk);
    await db.deleteFrom('directory_entry_text').where('seq', 'in', part).execute();
    await db.deleteFrom('directory_entry_body').where('seq', 'in', part).execute();
    await db.deleteFrom('directory_entry').where('seq', 'in', part).execute();
  }
}
