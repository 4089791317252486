// Hub side of the directory: accepting a member's signed publication (its whole published catalog)
// and replacing that member's entries atomically, each change taking the next directory sequence; and
// serving the directory as signed pages of the entries changed after a sequence. PROTOCOL.md §7.

import type { Kysely } from 'kysely';
import { TongbanError } from '../core/errors.js';
import { verifyDocument, type Signer } from '../core/signed-document.js';
import { nowIso } from '../core/time.js';
import type { TongbanDB } from '../store/schema.js';
import { checkPublishedEntry, contentDigest, MAX_ENTRIES_PER_PUBLICATION, type DirectoryKind, type EntryContent } from './entry.js';
import {
  checkPublicationShape, entriesDigest, signDirectory, DIRECTORY_PAGE_DEFAULT, DIRECTORY_PAGE_MAX, PUBLICATION_FUTURE_WINDOW_MS,
  type DirectoryDocument, type DirectoryEntryWire,
} from './documents.js';
import { deleteRows, insertRows, liveRow, tombstoneRow, type EntryRows } from './rows.js';

export interface PublicationOutcome {
  regionCode: string;
  sequence: number;
  /** false when this publication had been accepted before (a retry); nothing changed */
  accepted: boolean;
  added: number;
  updated: number;
  withdrawn: number;
  unchanged: number;
  /** the directory's sequence after this publication */
  head: number;
}

/**
 * Checks a publication (shape, clock, approved member, active key, signature, every entry) and applies
 * it in one transaction: entries new or changed take the next sequences, entries no longer published
 * become tombstones, the rest keep their sequence. A sequence not above the accepted one is refused
 * (E_CONFLICT), except the very same entries again under the accepted sequence (a retry: 200, no change).
 */
export async function acceptPublication(db: Kysely<TongbanDB>, doc: unknown, opts: { now?: Date } = {}): Promise<PublicationOutcome> {
  const now = opts.now ?? new Date();
  const publication = checkPublicationShape(doc);
  const p = publication.payload;
  if (Date.parse(p.publishedAt) - now.getTime() > PUBLICATION_FUTURE_WINDOW_MS) {
    throw new TongbanError('E_CLOCK_SKEW', `publishedAt ${p.publishedAt} is more than 5 minutes ahead of the hub's clock`);
  }
  const member = await db.selectFrom('hub_member').select(['status', 'name']).where('region_code', '=', p.regionCode).executeTakeFirst();
  if (!member) throw new TongbanError('E_NOT_TRUSTED', `region ${p.regionCode} is not a member`);
  if (member.status !== 'approved') throw new TongbanError('E_FORBIDDEN', `region ${p.regionCode} is ${member.status}; only approved members publish to the directory`);
  const key = await db
    .selectFrom('hub_member_key')
    .select(['key_id', 'suite', 'public_key_pem', 'status'])
    .where('key_id', '=', publication.signature.keyId)
    .where('region_code', '=', p.regionCode)
    .executeTakeFirst();
  if (!key || key.status !== 'active') throw new TongbanError('E_NOT_TRUSTED', `publication signed by ${publication.signature.keyId}, which is not an active key of region ${p.regionCode}`);
  verifyDocument(publication, { suite: key.suite, keyId: key.key_id, publicKeyPem: key.public_key_pem });

  if (p.entries.length > MAX_ENTRIES_PER_PUBLICATION) throw new TongbanError('E_INVALID_REQUEST', `a publication holds at most ${MAX_ENTRIES_PER_PUBLICATION} entries`);
  const checked = p.entries.map((e, i) => checkPublishedEntry(e, i));
  const seen = new Set<string>();
  for (const { entry } of checked) {
    const k = `${entry.kind}/${entry.id}`;
    if (seen.has(k)) throw new TongbanError('E_INVALID_REQUEST', `entry ${k} appears twice`);
    seen.add(k);
  }
  const digest = entriesDigest(p.entries);
  const at = nowIso(now);
  const region = { code: p.regionCode, name: member.name };

  return db.transaction().execute(async (tx) => {
    // Every publication first takes the head row: publications are serialised (PostgreSQL row lock,
    // SQLite write lock), so sequences commit in order and a reader never skips one.
    const head = await tx.updateTable('hub_directory_head').set((eb) => ({ seq: eb.ref('seq') })).where('slot', '=', 'head').returning(['seq']).executeTakeFirstOrThrow();
    let seq = Number(head.seq);
    const previous = await tx.selectFrom('hub_directory_publication').select(['sequence', 'entries_digest']).where('region_code', '=', p.regionCode).executeTakeFirst();
    if (previous) {
      const prevSeq = Number(previous.sequence);
      if (p.sequence === prevSeq && previous.entries_digest === digest) {
        return { regionCode: p.regionCode, sequence: p.sequence, accepted: false, added: 0, updated: 0, withdrawn: 0, unchanged: p.entries.length, head: seq };
      }
      if (p.sequence <= prevSeq) {
        throw new TongbanError('E_CONFLICT', `publication sequence ${p.sequence} is not above the accepted ${prevSeq} of region ${p.regionCode}`);
      }
    }
    const current = await tx
      .selectFrom('directory_entry')
      .select(['seq', 'kind', 'entry_id', 'digest', 'deleted', 'name', 'department'])
      .where('region_code', '=', p.regionCode)
      .execute();
    const byKey = new Map(current.map((r) => [`${r.kind}/${r.entry_id}`, r]));
    const replace: number[] = [];
    const rows: EntryRows[] = [];
    let added = 0;
    let updated = 0;
    let unchanged = 0;
    for (const { entry, fields } of checked) {
      const existing = byKey.get(`${entry.kind}/${entry.id}`);
      byKey.delete(`${entry.kind}/${entry.id}`);
      const d = contentDigest(entry.content);
      if (existing && existing.deleted === 0 && existing.digest === d) {
        unchanged++;
        continue;
      }
      if (existing) {
        replace.push(Number(existing.seq));
        if (existing.deleted === 0) updated++;
        else added++;
      } else added++;
      rows.push(liveRow({ region, kind: entry.kind, id: entry.id, seq: ++seq, publication: p.sequence, changedAt: at }, entry.content, fields, d));
    }
    let withdrawn = 0;
    for (const r of byKey.values()) {
      if (r.deleted === 1) continue;
      withdrawn++;
      replace.push(Number(r.seq));
      rows.push(tombstoneRow({ region, kind: r.kind as DirectoryKind, id: r.entry_id, seq: ++seq, publication: p.sequence, changedAt: at }, r));
    }
    await deleteRows(tx, replace);
    await insertRows(tx, rows);
    await tx.updateTable('hub_directory_head').set({ seq, updated_at: at }).where('slot', '=', 'head').execute();
    const record = {
      sequence: p.sequence,
      entries_digest: digest,
      key_id: key.key_id,
      published_at: p.publishedAt,
      received_at: at,
      entry_count: p.entries.length,
      document: JSON.stringify(publication),
    };
    await tx
      .insertInto('hub_directory_publication')
      .values({ region_code: p.regionCode, ...record })
      .onConflict((oc) => oc.column('region_code').doUpdateSet(record))
      .execute();
    return { regionCode: p.regionCode, sequence: p.sequence, accepted: true, added, updated, withdrawn, unchanged, head: seq };
  });
}

/** The accepted publication of a region (what a publisher reads to continue after losing its own count). */
export async function publicationStatus(db: Kysely<TongbanDB>, regionCode: string) {
  const r = await db
    .selectFrom('hub_directory_publication')
    .select(['region_code', 'sequence', 'entries_digest', 'published_at', 'received_at', 'entry_count'])
    .where('region_code', '=', regionCode)
    .executeTakeFirst();
  if (!r) return undefined;
  return { regionCode: r.region_code, sequence: Number(r.sequence), entriesDigest: r.entries_digest, publishedAt: r.published_at, receivedAt: r.received_at, entries: Number(r.entry_count) };
}

export interface DirectoryPageOptions {
  since?: number;
  limit?: number;
  /** how long the signed page may be used (default 600 s) */
  validitySeconds?: number;
  now?: Date;
}

export const DIRECTORY_VALIDITY_SECONDS = 600;

/**
 * A signed page of the directory: the entries whose latest change is after `since`, in sequence order,
 * at most `limit`. With since = 0 (a reader that holds nothing) tombstones are left out.
 */
export async function directoryPage(db: Kysely<TongbanDB>, signer: Signer, o: DirectoryPageOptions = {}): Promise<DirectoryDocument> {
  const since = o.since ?? 0;
  const limit = Math.min(Math.max(o.limit ?? DIRECTORY_PAGE_DEFAULT, 1), DIRECTORY_PAGE_MAX);
  const now = o.now ?? new Date();
  // The head first: every change up to it is committed (publications commit in sequence order).
  const head = await db.selectFrom('hub_directory_head').select(['directory_id', 'seq']).where('slot', '=', 'head').executeTakeFirstOrThrow();
  const headSeq = Number(head.seq);
  let q = db
    .selectFrom('directory_entry as e')
    .leftJoin('directory_entry_body as b', 'b.seq', 'e.seq')
    .select(['e.seq', 'e.region_code', 'e.region_name', 'e.kind', 'e.entry_id', 'e.changed_at', 'e.publication', 'e.deleted', 'b.content'])
    .where('e.seq', '>', since)
    .where('e.seq', '<=', headSeq);
  if (since === 0) q = q.where('e.deleted', '=', 0);
  const rows = await q.orderBy('e.seq').limit(limit + 1).execute();
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const entries: DirectoryEntryWire[] = page.map((r) => ({
    seq: Number(r.seq),
    region: { code: r.region_code, name: r.region_name },
    kind: r.kind as DirectoryKind,
    id: r.entry_id,
    changedAt: r.changed_at,
    publication: Number(r.publication),
    ...(r.deleted === 1 || r.content === null ? { deleted: true as const } : { content: JSON.parse(r.content) as EntryContent }),
  }));
  // without more, the reader is up to date with the head (a head below `since` tells it the hub lost changes)
  const sequence = more ? entries.at(-1)!.seq : headSeq;
  return signDirectory(signer, {
    directoryId: head.directory_id,
    since,
    sequence,
    head: headSeq,
    more,
    issuedAt: nowIso(now),
    expiresAt: nowIso(new Date(now.getTime() + (o.validitySeconds ?? DIRECTORY_VALIDITY_SECONDS) * 1000)),
    entries,
  });
}
