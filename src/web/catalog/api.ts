// Client for the catalogue (src/catalog on the server) and the federation directory with its unified
// search (src/directory, src/search). Types mirror the server's model (src/catalog/model.ts); model-agreement.ts
// fails the typecheck if the two drift apart.
//   GET  /api/catalog/{resources|certificate-types|items}[?status=]     visitors: published only
//   GET  /api/catalog/{kind}/:id, /:id/history (staff)
//   POST /api/catalog/{kind} (admin) · PUT /api/catalog/{kind}/:id (admin)
//   POST /api/catalog/{kind}/:id/{submit|withdraw|discard|retire} (admin) · {approve|return} (approver)
//   POST /api/catalog/items/import (admin; CSV/JSON, dryRun)
//   GET  /api/catalog/elements
//   GET  /api/directory/search · /api/directory/facets · /api/directory/entries/:region/:kind/:id
//   GET  /api/directory/status (nodes: the cache and whether the hub answered)
import { call, formatError, isRecord } from '../api';
import type { ApiError } from '../api';

import type { Bilingual } from '../i18n';
export type { Bilingual };

export type SharingType = 'unconditional' | 'conditional' | 'none';
export const SHARING_TYPES: readonly SharingType[] = ['unconditional', 'conditional', 'none'];
export type SharingMethod = 'system-interface' | 'online-query' | 'online-browse' | 'online-service' | 'download' | 'copy';
export const SHARING_METHODS: readonly SharingMethod[] = ['system-interface', 'online-query', 'online-browse', 'online-service', 'download', 'copy'];
export type UpdateCycle = 'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly' | 'irregular';
export const UPDATE_CYCLES: readonly UpdateCycle[] = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'];
export type DataGrade = 'general' | 'important' | 'core';
export const DATA_GRADES: readonly DataGrade[] = ['general', 'important', 'core'];
export type CatalogTier = 'basic' | 'thematic' | 'departmental';
export const CATALOG_TIERS: readonly CatalogTier[] = ['basic', 'thematic', 'departmental'];
export type EntryStatus = 'draft' | 'in-review' | 'published' | 'retired';
export const ENTRY_STATUSES: readonly EntryStatus[] = ['draft', 'in-review', 'published', 'retired'];
export type CrossMode = 'online' | 'proxy' | 'joint';
export const CROSS_MODES: readonly CrossMode[] = ['online', 'proxy', 'joint'];
export type Sensitivity = 'general' | 'sensitive';
export type SubjectType = 'citizen' | 'enterprise';

export type EntryKind = 'resource' | 'certificate-type' | 'item';
export const ENTRY_KINDS: readonly EntryKind[] = ['resource', 'certificate-type', 'item'];
/** the path segment of a kind in /api/catalog/… and in the console's URLs */
export const KIND_PATH: Record<EntryKind, string> = { resource: 'resources', 'certificate-type': 'certificate-types', item: 'items' };
export function kindOfPath(segment: string | undefined): EntryKind | undefined {
  return ENTRY_KINDS.find((k) => KIND_PATH[k] === segment);
}

interface Meta {
  version: number;
  status: EntryStatus;
  updatedAt: string;
  /** absent from directory entries (staff names stay with their node) */
  updatedBy?: string;
  publishedAt?: string;
}

export interface ResourceField {
  name: string;
  element: string;
  label: Bilingual;
  sensitivity: Sensitivity;
}

export interface ResourceInput {
  id: string;
  name: Bilingual;
  summary: string;
  department: { name: string; code?: string };
  subjectType: SubjectType;
  fields: ResourceField[];
  sharing: { type: SharingType; condition?: string; methods: SharingMethod[] };
  classification: { tier: CatalogTier; category: string; grade: DataGrade };
  updateCycle: UpdateCycle;
  source: { adapter: string; system: string };
}
export type ResourceDoc = ResourceInput & Meta;

export interface CertificateTypeDoc extends Meta {
  code: string;
  name: Bilingual;
  definingAuthority: { name: string; uscc: string };
  elements: Array<{ element: string; required: boolean }>;
  validity: { kind: 'permanent' | 'fixed-term' | 'until-revoked'; years?: number };
}

export type SatisfiedBy = null | { kind: 'resource'; resource: string; fields?: string[] } | { kind: 'certificate'; certificateType: string };

export interface Material {
  name: string;
  required: boolean;
  satisfiedBy: SatisfiedBy;
  note?: string;
}

export type GuideKey = 'conditions' | 'process' | 'fee' | 'location' | 'contact' | 'legalBasis';
export const GUIDE_KEYS: readonly GuideKey[] = ['conditions', 'process', 'fee', 'location', 'contact', 'legalBasis'];

export interface ItemDoc extends Meta {
  code: string;
  basicCode?: string;
  name: string;
  department: string;
  modes: CrossMode[];
  timeLimitDays: number;
  guide: Partial<Record<GuideKey, string>>;
  materials: Material[];
  origin: { kind: 'national-confirmed' | 'regional'; source: string };
  codeKind?: 'implementation' | 'local';
  pending?: Array<'modes' | 'timeLimitDays'>;
}

/** What a data administrator writes for an item (PUT/POST /api/catalog/items): the catalogue derives the
 * rest. Without `origin` a new item is regional, and an edited one keeps its origin. */
export type ItemInput = Omit<ItemDoc, keyof Meta | 'codeKind' | 'pending' | 'origin'> & { origin?: ItemDoc['origin'] };

export interface DocOf {
  resource: ResourceDoc;
  'certificate-type': CertificateTypeDoc;
  item: ItemDoc;
}
export type AnyDoc = ResourceDoc | CertificateTypeDoc | ItemDoc;

export interface Review {
  authors: string[];
  submittedBy: string | null;
  submittedAt: string | null;
  returnedReason: string | null;
  returnedBy: string | null;
  returnedAt: string | null;
}

export interface EntryView<T extends AnyDoc = AnyDoc> {
  kind: EntryKind;
  id: string;
  name: string;
  status: EntryStatus;
  published: T | null;
  working: T | null;
  review: Review | null;
  latestVersion: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface HistoryEntry<T extends AnyDoc = AnyDoc> {
  version: number;
  action: string;
  status: string;
  actor: string;
  at: string;
  reason: string | null;
  document: T;
}

export interface DataElement {
  code: string;
  name: Bilingual;
  type: 'string' | 'date' | 'code' | 'number' | 'identifier';
  standard?: string;
  check?: string;
  sensitivity: Sensitivity;
  origin: 'standard' | 'custom';
  status: EntryStatus;
  version?: number;
}

// ---- catalogue ------------------------------------------------------------------------------------

function isEntryView(v: unknown): v is EntryView {
  return isRecord(v) && typeof v.id === 'string' && typeof v.status === 'string' && 'published' in v;
}

/** Every entry of a kind, read a page at a time (the server pages its lists). */
export async function fetchEntries<K extends EntryKind>(kind: K, signal?: AbortSignal): Promise<Array<EntryView<DocOf[K]>>> {
  const path = `/api/catalog/${KIND_PATH[kind]}`;
  const out: Array<EntryView<DocOf[K]>> = [];
  let after: string | undefined;
  do {
    const { body } = await call(`${path}?limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`, { signal });
    if (!isRecord(body) || !Array.isArray(body.entries)) throw formatError(path, 'unexpected shape');
    out.push(...(body.entries.filter(isEntryView) as Array<EntryView<DocOf[K]>>));
    after = typeof body.next === 'string' ? body.next : undefined;
  } while (after);
  return out;
}

export async function fetchEntry<K extends EntryKind>(kind: K, id: string, signal?: AbortSignal): Promise<EntryView<DocOf[K]>> {
  const path = `/api/catalog/${KIND_PATH[kind]}/${encodeURIComponent(id)}`;
  const { body } = await call(path, { signal });
  if (!isEntryView(body)) throw formatError(path, 'unexpected shape');
  return body as EntryView<DocOf[K]>;
}

export async function fetchHistory<K extends EntryKind>(kind: K, id: string, signal?: AbortSignal): Promise<Array<HistoryEntry<DocOf[K]>>> {
  const path = `/api/catalog/${KIND_PATH[kind]}/${encodeURIComponent(id)}/history`;
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !Array.isArray(body.history)) throw formatError(path, 'unexpected shape');
  return body.history as Array<HistoryEntry<DocOf[K]>>;
}

/** The kinds the console has a form for. */
export type EditableKind = 'resource' | 'item';
export interface InputOf {
  resource: ResourceInput;
  item: ItemInput;
}

/** Creates the entry (POST, a draft), or edits it (PUT: its draft, or a new draft version of a published one). */
async function saveEntry<K extends EditableKind>(kind: K, input: InputOf[K], existingId: string | null): Promise<EntryView<DocOf[K]>> {
  const path = existingId ? `/api/catalog/${KIND_PATH[kind]}/${encodeURIComponent(existingId)}` : `/api/catalog/${KIND_PATH[kind]}`;
  const { body } = await call(path, { method: existingId ? 'PUT' : 'POST', body: input });
  if (!isEntryView(body)) throw formatError(path, 'unexpected shape');
  return body as EntryView<DocOf[K]>;
}

export function saveResource(input: ResourceInput, existingId: string | null): Promise<EntryView<ResourceDoc>> {
  return saveEntry('resource', input, existingId);
}

export function saveItem(input: ItemInput, existingId: string | null): Promise<EntryView<ItemDoc>> {
  return saveEntry('item', input, existingId);
}

export type WorkflowStep = 'submit' | 'withdraw' | 'approve' | 'return' | 'discard' | 'retire';

export async function workflowStep(kind: EntryKind, id: string, step: WorkflowStep, reason?: string): Promise<EntryView> {
  const path = `/api/catalog/${KIND_PATH[kind]}/${encodeURIComponent(id)}/${step}`;
  const { body } = await call(path, { method: 'POST', ...(step === 'return' || step === 'retire' ? { body: { reason: reason ?? '' } } : {}) });
  if (!isEntryView(body)) throw formatError(path, 'unexpected shape');
  return body;
}

let elementsPromise: Promise<DataElement[]> | null = null;

/** The data elements (standard TB.* and this node's own), fetched once per page load. */
export function cachedElements(): Promise<DataElement[]> {
  if (!elementsPromise) {
    const path = '/api/catalog/elements';
    elementsPromise = call(path).then(({ body }) => {
      if (!isRecord(body) || !Array.isArray(body.elements)) throw formatError(path, 'unexpected shape');
      return body.elements as DataElement[];
    });
    elementsPromise.catch(() => {
      elementsPromise = null;
    });
  }
  return elementsPromise;
}

/** Signed-in staff see elements that are not published yet too: fetched fresh, not cached. */
export async function fetchElements(signal?: AbortSignal): Promise<DataElement[]> {
  const path = '/api/catalog/elements';
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !Array.isArray(body.elements)) throw formatError(path, 'unexpected shape');
  return body.elements as DataElement[];
}

export interface ImportProblem {
  line: number;
  unit: 'line' | 'item';
  column?: string;
  message: string;
  messageZh: string;
}

export interface ImportReport {
  ok: boolean;
  dryRun: boolean;
  format: string;
  source: string;
  status: 'in-review' | 'published';
  count: number;
  items: Array<{ line: number; code: string; name: string; action: 'create' | 'new-version' | 'replace-draft' }>;
  problems: ImportProblem[];
}

export async function importItems(input: { format: 'csv' | 'json'; content: string; source: string; dryRun: boolean }): Promise<ImportReport> {
  const path = '/api/catalog/items/import';
  const { body } = await call(path, { method: 'POST', body: input });
  if (!isRecord(body) || typeof body.ok !== 'boolean' || !Array.isArray(body.problems)) throw formatError(path, 'unexpected shape');
  return body as unknown as ImportReport;
}

// ---- validation problems ----------------------------------------------------------------------------

/** One problem the catalogue found, with the path of the field it names (`fields[2].element`, `sharing.condition`; '' = the entry). */
export { standingProblems, valueAt, type Problem } from './problems';
import type { Problem } from './problems';

const PATH = String.raw`\(entry\)|[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])*(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])*)*`;
const PROBLEM_START = new RegExp(`(?:^|; )(${PATH}): `, 'g');

/**
 * The problems of a refused catalogue write. The server lists them in the error's detail text
 * ("resource: fields[0].element: unknown element code … / 未知的数据元代码…; sharing.condition: …");
 * a structured `problems` list, when the server sends one, is preferred.
 */
export function problemsOf(err: ApiError): Problem[] {
  if (Array.isArray(err.problems)) {
    return err.problems
      .filter((p): p is Record<string, unknown> => isRecord(p) && typeof p.path === 'string')
      .map((p) => ({ path: String(p.path), message: String(p.message ?? ''), messageZh: String(p.messageZh ?? p.message ?? '') }));
  }
  if (typeof err.detail !== 'string' || err.code === null) return [];
  const detail = err.detail;
  // schema errors from the edge: "body/fields/0/name must NOT have more than 64 characters"
  const edge = /^body(\/[^\s]*)? (.+)$/.exec(detail.replace(/^body: /, ''));
  if (edge && !detail.includes(' / ')) {
    const path = (edge[1] ?? '')
      .split('/')
      .filter(Boolean)
      .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
      .join('');
    return [{ path, message: edge[2]!, messageZh: edge[2]! }];
  }
  const text = detail.replace(/^(?:.*? — )?(?:resource|certificate type|service item|data element): /, '');
  const starts = [...text.matchAll(PROBLEM_START)];
  const out: Problem[] = [];
  starts.forEach((m, i) => {
    const from = (m.index ?? 0) + m[0].length;
    const to = i + 1 < starts.length ? (starts[i + 1]!.index ?? text.length) : text.length;
    const body = text.slice(from, to);
    const cut = body.lastIndexOf(' / ');
    const path = m[1] === '(entry)' ? '' : m[1]!;
    out.push(cut < 0 ? { path, message: body, messageZh: body } : { path, message: body.slice(0, cut), messageZh: body.slice(cut + 3) });
  });
  return out;
}

// ---- directory and unified search ---------------------------------------------------------------------

export type DirectoryKind = EntryKind;
export type DirectorySource = 'hub' | 'cache';

export interface SearchParams {
  q?: string;
  /** region codes, any of */
  region?: string[];
  department?: string;
  kind?: DirectoryKind;
  sharing?: SharingType;
  mode?: CrossMode;
  page?: number;
  pageSize?: number;
}

// the server's own types (src/search/types.ts holds types only: nothing of the server reaches the bundle)
export type { Highlight, SearchHit } from '../../search/types';
import type { SearchHit } from '../../search/types';

export interface SearchResponse {
  total: number;
  page: number;
  pageSize: number;
  source: DirectorySource;
  syncedAt?: string | null;
  hits: SearchHit[];
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

export interface Facets {
  region: FacetValue[];
  department: FacetValue[];
  kind: FacetValue[];
  sharing: FacetValue[];
  mode: FacetValue[];
}

export interface FacetsResponse {
  source: DirectorySource;
  syncedAt?: string | null;
  facets: Facets;
}

export interface DirectoryEntry<T extends AnyDoc = AnyDoc> {
  kind: DirectoryKind;
  region: { code: string; name: string };
  id: string;
  seq: number;
  changedAt: string;
  publication: number;
  version: number | null;
  publishedAt: string | null;
  content: T;
  source: DirectorySource;
}

export interface DirectoryStatus {
  cache: { directoryId: string | null; sequence: number; syncedAt: string | null; hubReachable: boolean | null; entries: number; error?: string };
  publication: { sequence: number; accepted: boolean; lastAttemptAt: string | null; lastAcceptedAt: string | null; error?: string } | null;
}

function query(p: SearchParams, withPaging: boolean): string {
  const s = new URLSearchParams();
  if (p.q && p.q.trim()) s.set('q', p.q.trim());
  if (p.region && p.region.length) s.set('region', p.region.join(','));
  if (p.department) s.set('department', p.department);
  if (p.kind) s.set('kind', p.kind);
  if (p.sharing) s.set('sharing', p.sharing);
  if (p.mode) s.set('mode', p.mode);
  if (withPaging && p.page && p.page > 1) s.set('page', String(p.page));
  if (withPaging && p.pageSize) s.set('pageSize', String(p.pageSize));
  const q = s.toString();
  return q ? `?${q}` : '';
}

export async function searchDirectory(p: SearchParams, signal?: AbortSignal): Promise<SearchResponse> {
  const path = `/api/directory/search${query(p, true)}`;
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !Array.isArray(body.hits) || typeof body.total !== 'number') throw formatError('/api/directory/search', 'unexpected shape');
  return body as unknown as SearchResponse;
}

export async function fetchFacets(p: SearchParams, signal?: AbortSignal): Promise<FacetsResponse> {
  const path = `/api/directory/facets${query(p, false)}`;
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !isRecord(body.facets)) throw formatError('/api/directory/facets', 'unexpected shape');
  const f = body.facets;
  const list = (v: unknown): FacetValue[] => (Array.isArray(v) ? (v as FacetValue[]) : []);
  return {
    source: body.source as DirectorySource,
    ...(body.syncedAt !== undefined ? { syncedAt: body.syncedAt as string | null } : {}),
    facets: { region: list(f.region), department: list(f.department), kind: list(f.kind), sharing: list(f.sharing), mode: list(f.mode) },
  };
}

export async function fetchDirectoryEntry<K extends DirectoryKind>(region: string, kind: K, id: string, signal?: AbortSignal): Promise<DirectoryEntry<DocOf[K]>> {
  const path = `/api/directory/entries/${encodeURIComponent(region)}/${kind}/${encodeURIComponent(id)}`;
  const { body } = await call(path, { signal });
  if (!isRecord(body) || !isRecord(body.content) || !isRecord(body.region)) throw formatError(path, 'unexpected shape');
  return body as unknown as DirectoryEntry<DocOf[K]>;
}

const entryCache = new Map<string, Promise<DirectoryEntry>>();

/** A directory entry other pages point at (a material's supplying resource), fetched once per page load. */
export function cachedDirectoryEntry<K extends DirectoryKind>(region: string, kind: K, id: string): Promise<DirectoryEntry<DocOf[K]>> {
  const key = `${region}/${kind}/${id}`;
  let p = entryCache.get(key);
  if (!p) {
    p = fetchDirectoryEntry(region, kind, id);
    entryCache.set(key, p);
    p.catch(() => entryCache.delete(key));
  }
  return p as Promise<DirectoryEntry<DocOf[K]>>;
}

/** The node's cache state. Nodes only: the hub serves the directory itself and has no such route (not asked there). */
export async function fetchDirectoryStatus(signal?: AbortSignal): Promise<DirectoryStatus> {
  const { body } = await call('/api/directory/status', { signal });
  if (!isRecord(body) || !isRecord(body.cache)) throw formatError('/api/directory/status', 'unexpected shape');
  return body as unknown as DirectoryStatus;
}

export { resourceRef } from './refs';
