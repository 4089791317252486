// Directory entries, pure: what a node publishes for each catalog entry (kind, id, content), the checks
// the hub applies to it, and the fields search indexes and shows, derived in one place from the content
// (so the hub and every node derive the same row from the same entry).

import { createHash } from 'node:crypto';
import { canonicalize } from '../core/jcs.js';
import { TongbanError } from '../core/errors.js';
import {
  CROSS_MODES, SHARING_TYPES,
  type CatalogKind, type CertificateType, type CrossMode, type DataResource, type ServiceItem, type SharingType,
} from '../catalog/model.js';
import { CONTROL, gramWords, normalizeText } from '../search/text.js';

export const DIRECTORY_KINDS = ['resource', 'certificate-type', 'item'] as const satisfies readonly CatalogKind[];
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

export type EntryContent = DataResource | CertificateType | ServiceItem;

/** One published catalog entry as it travels in a publication. */
export interface PublishedEntry {
  kind: DirectoryKind;
  /** resource id, certificate type code, or item code */
  id: string;
  content: EntryContent;
}

/** What a node's catalog hands to the publisher (the catalog's `listPublished`). */
export interface PublishedSet {
  resources: DataResource[];
  certificateTypes: CertificateType[];
  items: ServiceItem[];
}

export const MAX_ENTRY_BYTES = 64 * 1024;
export const MAX_ENTRIES_PER_PUBLICATION = 20_000;
const ID = /^[\p{L}\p{N}][\p{L}\p{N}._:()\-/]{0,127}$/u;

/**
 * The entries of a catalog's published set, in a stable order (kind, id). Staff account names
 * (`updatedBy`) stay with the node; everything else the catalog published travels as it is.
 */
export function entriesOf(set: PublishedSet): PublishedEntry[] {
  const strip = <T extends { updatedBy?: string }>(c: T): T => {
    const { updatedBy: _omit, ...rest } = c;
    return rest as T;
  };
  const out: PublishedEntry[] = [
    ...set.resources.map((c) => ({ kind: 'resource' as const, id: c.id, content: strip(c) })),
    ...set.certificateTypes.map((c) => ({ kind: 'certificate-type' as const, id: c.code, content: strip(c) })),
    ...set.items.map((c) => ({ kind: 'item' as const, id: c.code, content: strip(c) })),
  ];
  return out.sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function kindOrder(k: DirectoryKind): number {
  return DIRECTORY_KINDS.indexOf(k);
}

/** The fields search indexes, filters on and shows, derived from an entry's content. */
export interface EntryFields {
  name: string;
  nameEn: string | null;
  summary: string | null;
  department: string;
  /** resources only */
  sharing: SharingType | null;
  /** items only */
  modes: CrossMode[];
  /** further searchable lines: material names, field labels, codes, category, source system */
  extra: string[];
}

/** Derives the indexed fields; throws E_INVALID_REQUEST naming what is missing. */
export function entryFields(kind: DirectoryKind, content: unknown): EntryFields {
  const c = content as Record<string, unknown>;
  const problems: string[] = [];
  const str = (v: unknown, what: string, max: number, required = true): string | null => {
    if (v === undefined || v === null || v === '') {
      if (required) problems.push(`${what} is required`);
      return null;
    }
    if (typeof v !== 'string') {
      problems.push(`${what} must be a string`);
      return null;
    }
    const s = clean(v);
    if (s.length > max) problems.push(`${what} is longer than ${max} characters`);
    if (required && s === '') problems.push(`${what} is required`);
    return s;
  };
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  let fields: EntryFields;
  switch (kind) {
    case 'resource': {
      const name = obj(c.name);
      const sharing = obj(c.sharing).type;
      if (!SHARING_TYPES.includes(sharing as SharingType)) problems.push(`sharing.type must be one of ${SHARING_TYPES.join(', ')}`);
      const labels = Array.isArray(c.fields) ? c.fields.map((f) => obj(obj(f).label).zh).filter((x): x is string => typeof x === 'string') : [];
      fields = {
        name: str(name.zh, 'name.zh', 200) ?? '',
        nameEn: str(name.en, 'name.en', 300, false),
        summary: str(c.summary, 'summary', 4000, false),
        department: str(obj(c.department).name, 'department.name', 200) ?? '',
        sharing: (sharing as SharingType) ?? null,
        modes: [],
        extra: [...labels.map(clean), str(obj(c.classification).category, 'classification.category', 200, false), str(obj(c.source).system, 'source.system', 200, false)].filter(
          (x): x is string => !!x,
        ),
      };
      break;
    }
    case 'certificate-type': {
      const name = obj(c.name);
      fields = {
        name: str(name.zh, 'name.zh', 200) ?? '',
        nameEn: str(name.en, 'name.en', 300, false),
        summary: null,
        department: str(obj(c.definingAuthority).name, 'definingAuthority.name', 200) ?? '',
        sharing: null,
        modes: [],
        extra: [],
      };
      break;
    }
    case 'item': {
      const modes = Array.isArray(c.modes) ? c.modes : [];
      if (!Array.isArray(c.modes) || modes.some((m) => !CROSS_MODES.includes(m as CrossMode))) problems.push(`modes must be an array of ${CROSS_MODES.join(', ')}`);
      const materials = Array.isArray(c.materials) ? c.materials.map((m) => obj(m).name).filter((x): x is string => typeof x === 'string') : [];
      fields = {
        name: str(c.name, 'name', 200) ?? '',
        nameEn: null,
        summary: str(obj(c.guide).conditions, 'guide.conditions', 4000, false),
        department: str(c.department, 'department', 200) ?? '',
        sharing: null,
        modes: CROSS_MODES.filter((m) => modes.includes(m)),
        extra: [...materials.map(clean), typeof c.basicCode === 'string' ? clean(c.basicCode) : ''].filter((x) => x !== ''),
      };
      break;
    }
    default:
      throw new TongbanError('E_INVALID_REQUEST', `kind must be one of ${DIRECTORY_KINDS.join(', ')}`);
  }
  if (problems.length) throw new TongbanError('E_INVALID_REQUEST', problems.join('; '));
  return fields;
}

/** Checks one published entry; returns its derived fields. Messages name the entry. */
export function checkPublishedEntry(e: unknown, index: number): { entry: PublishedEntry; fields: EntryFields } {
  const where = `entries[${index}]`;
  const x = e as Partial<PublishedEntry> | null;
  if (!x || typeof x !== 'object' || Array.isArray(x)) throw new TongbanError('E_INVALID_REQUEST', `${where} must be an object { kind, id, content }`);
  const extraKeys = Object.keys(x).filter((k) => k !== 'kind' && k !== 'id' && k !== 'content');
  if (extraKeys.length) throw new TongbanError('E_INVALID_REQUEST', `${where} has unknown fields: ${extraKeys.join(', ')}`);
  if (!DIRECTORY_KINDS.includes(x.kind as DirectoryKind)) throw new TongbanError('E_INVALID_REQUEST', `${where}.kind must be one of ${DIRECTORY_KINDS.join(', ')}`);
  if (typeof x.id !== 'string' || !ID.test(x.id)) throw new TongbanError('E_INVALID_REQUEST', `${where}.id must be 1–128 letters, digits or . _ : ( ) - /`);
  const content = x.content as unknown as Record<string, unknown> | undefined;
  if (!content || typeof content !== 'object' || Array.isArray(content)) throw new TongbanError('E_INVALID_REQUEST', `${where}.content must be an object`);
  const ownId = x.kind === 'resource' ? content.id : content.code;
  if (ownId !== x.id) throw new TongbanError('E_INVALID_REQUEST', `${where}.id "${x.id}" differs from the content's ${x.kind === 'resource' ? 'id' : 'code'}`);
  if (content.status !== 'published') throw new TongbanError('E_INVALID_REQUEST', `${where} (${x.kind} ${x.id}) has status "${String(content.status)}"; only published entries are published`);
  const bytes = Buffer.byteLength(JSON.stringify(content));
  if (bytes > MAX_ENTRY_BYTES) throw new TongbanError('E_INVALID_REQUEST', `${where} (${x.kind} ${x.id}) is ${bytes} bytes; at most ${MAX_ENTRY_BYTES}`);
  let fields: EntryFields;
  try {
    fields = entryFields(x.kind as DirectoryKind, content);
  } catch (err) {
    throw new TongbanError('E_INVALID_REQUEST', `${where} (${x.kind} ${x.id}): ${(err as TongbanError).detail ?? (err as Error).message}`);
  }
  return { entry: x as PublishedEntry, fields };
}

/** Digest of an entry's content: SHA-256 over its RFC 8785 bytes (a change of content is a change of digest). */
export function contentDigest(content: unknown): string {
  return createHash('sha256').update(canonicalize(content)).digest('hex');
}

/** The search columns of an entry: normalised name, text (all searchable fields, one per line) and gram words. */
export function searchColumns(id: string, f: EntryFields): { search_name: string; search_text: string; search_grams: string } {
  const lines = [f.name, f.nameEn, f.summary, f.department, id, ...f.extra].filter((x): x is string => !!x).map(normalizeText);
  const text = lines.join('\n');
  return { search_name: normalizeText(f.name), search_text: text, search_grams: gramWords(text) };
}

function clean(s: string): string {
  // NUL cannot be stored in PostgreSQL text; control characters have no place in names
  return s.replace(CONTROL, ' ').trim();
}
