// The catalogue's storage and workflow (I/O): entries are created and edited as drafts by a data
// administrator, submitted for review, approved (published) or returned by a reviewer who did not
// write that version, retired; editing a published entry starts a new version while the published one
// stays in force until the new one is approved. Every step is one transaction on the entry's row (with
// an optimistic revision check, so concurrent steps on one entry cannot both succeed) plus a history
// row holding the version's full snapshot; then it goes to the node's audit log, and changes to what is
// published are announced to onPublished listeners (the directory, the exchange's resource registry).

import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { TongbanError } from '../core/errors.js';
import { nowIso } from '../core/time.js';
import type { AuditSink } from '../audit/index.js';
import type { AuditEvent } from '../audit/event.js';
import type { TongbanDB } from '../store/schema.js';
import type { CatalogEntryTable } from './schema.js';
import { STANDARD_ELEMENTS } from './elements.js';
import type { CatalogKind, CertificateType, CustomDataElement, DataElement, DataResource, EntryStatus, ServiceItem } from './model.js';
import {
  codeKindOf,
  formatProblems,
  validateCertificateType,
  validateElement,
  validateItem,
  validateResource,
  type Problem,
  type ValidationContext,
  type ValidationResult,
} from './validate.js';

/** The four kinds of catalogue entry: the model's three, and this node's own data elements. */
export type EntryKind = CatalogKind | 'element';
export const ENTRY_KINDS: readonly EntryKind[] = ['resource', 'certificate-type', 'item', 'element'];

export type CatalogDoc = DataResource | CertificateType | ServiceItem | CustomDataElement;
export interface DocOf {
  resource: DataResource;
  'certificate-type': CertificateType;
  item: ServiceItem;
  element: CustomDataElement;
}

type EntryTableName = 'catalog_resource' | 'catalog_certificate_type' | 'catalog_item' | 'catalog_element';
const TABLES: Record<EntryKind, EntryTableName> = {
  resource: 'catalog_resource',
  'certificate-type': 'catalog_certificate_type',
  item: 'catalog_item',
  element: 'catalog_element',
};
/** The four tables have one shape; Kysely is given one of their names so queries over any of them type-check. */
function tableOf(kind: EntryKind): 'catalog_resource' {
  return TABLES[kind] as 'catalog_resource';
}
type Row = Selectable<CatalogEntryTable>;
type Db = Kysely<TongbanDB> | Transaction<TongbanDB>;

/** Who acts: a signed-in user (roles checked by the routes), an operator at the console (cli:…), or the node itself. */
export interface CatalogActor {
  type: 'user' | 'operator' | 'system';
  id: string;
  department?: string;
}

export const SYSTEM_ACTOR: CatalogActor = { type: 'system', id: 'system' };

/** One entry as the API shows it: the version in force and the version being worked on. */
export interface EntryView<T extends CatalogDoc = CatalogDoc> {
  kind: EntryKind;
  id: string;
  name: string;
  /** draft / in-review while a version is being worked on; otherwise published or retired */
  status: EntryStatus;
  /** the version in force (status published), or the last one that was (status retired); null if never published */
  published: T | null;
  /** the version being worked on (draft or in-review); null when there is none */
  working: T | null;
  review: {
    authors: string[];
    submittedBy: string | null;
    submittedAt: string | null;
    returnedReason: string | null;
    returnedBy: string | null;
    returnedAt: string | null;
  } | null;
  latestVersion: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface HistoryEntry {
  version: number;
  action: string;
  status: string;
  actor: string;
  at: string;
  reason: string | null;
  document: CatalogDoc;
}

/** A change to what this node publishes, announced after it is committed. */
export interface PublishedChange {
  /** published: `entry` is now in force (replacing any earlier version); retired: `entry` is withdrawn */
  change: 'published' | 'retired';
  kind: EntryKind;
  id: string;
  version: number;
  entry: CatalogDoc;
  at: string;
}
export type PublishedListener = (change: PublishedChange) => void | Promise<void>;

export interface PublishedCatalog {
  resources: DataResource[];
  certificateTypes: CertificateType[];
  items: ServiceItem[];
  /** this node's own data elements (the standard ones are in elements.ts) */
  elements: CustomDataElement[];
}

export interface CatalogServiceOptions {
  db: Kysely<TongbanDB>;
  /** this node's region code */
  regionCode: string;
  /** the node's audit log; every step is appended (category admin, action catalog.<kind>.<step>) */
  audit?: AuditSink;
  logger?: Logger;
}

export type WorkflowStep = 'created' | 'updated' | 'submitted' | 'withdrawn' | 'returned' | 'approved' | 'discarded' | 'retired' | 'seeded' | 'imported';

const KIND_NAME: Record<EntryKind, { en: string; zh: string }> = {
  resource: { en: 'resource', zh: '数据资源' },
  'certificate-type': { en: 'certificate type', zh: '证照类型' },
  item: { en: 'service item', zh: '事项' },
  element: { en: 'data element', zh: '数据元' },
};

/** What is published on this node now (retired entries excluded). The directory and the exchange call this. */
export async function listPublished(db: Kysely<TongbanDB>): Promise<PublishedCatalog> {
  const read = async <K extends EntryKind>(kind: K): Promise<Array<DocOf[K]>> => {
    const rows = await db
      .selectFrom(tableOf(kind))
      .select(['published'])
      .where('published', 'is not', null)
      .where('retired_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map((r) => JSON.parse(r.published!) as DocOf[K]);
  };
  return { resources: await read('resource'), certificateTypes: await read('certificate-type'), items: await read('item'), elements: await read('element') };
}

/** The input part of a document: what validation sees again when a stored version is re-checked. */
function inputOf(kind: EntryKind, doc: CatalogDoc): unknown {
  const { version: _v, status: _s, updatedAt: _u, updatedBy: _b, publishedAt: _p, ...rest } = doc as unknown as Record<string, unknown>;
  if (kind === 'item') {
    delete rest.codeKind;
    delete rest.pending;
  }
  return rest;
}

function idOf(kind: EntryKind, input: Record<string, unknown>): string {
  return String(kind === 'resource' ? input.id : input.code);
}

function nameOf(kind: EntryKind, doc: CatalogDoc): string {
  const n = (doc as { name: string | { zh: string } }).name;
  return typeof n === 'string' ? n : n.zh;
}

function invalid(kind: EntryKind, problems: Problem[], code: 'E_INVALID_REQUEST' | 'E_CONFLICT' = 'E_INVALID_REQUEST', prefix = ''): TongbanError {
  return new TongbanError(code, `${prefix}${KIND_NAME[kind].en}: ${formatProblems(problems)}`, { problems });
}

/** The problems attached to a validation error (E_INVALID_REQUEST / E_CONFLICT from this module). */
export function problemsOf(e: unknown): Problem[] | undefined {
  return e instanceof TongbanError && e.problems ? e.problems.map((p) => ({ path: p.path ?? '', message: p.message, messageZh: p.messageZh })) : undefined;
}

export class CatalogService {
  private readonly listeners = new Set<PublishedListener>();

  constructor(private readonly o: CatalogServiceOptions) {}

  get db(): Kysely<TongbanDB> {
    return this.o.db;
  }

  get regionCode(): string {
    return this.o.regionCode;
  }

  /**
   * Subscribes to changes of what this node publishes (an entry approved, seeded or imported as
   * published, or retired). Listeners run after the change is committed, in subscription order, and are
   * not awaited: do slow work (publishing to the hub) in the background. Errors are logged. Returns the
   * unsubscribe function.
   */
  onPublished(listener: PublishedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listPublished(): Promise<PublishedCatalog> {
    return listPublished(this.o.db);
  }

  // ---- reading ---------------------------------------------------------------------------------

  async get<K extends EntryKind>(kind: K, id: string, opts: { includeWorking: boolean }): Promise<EntryView<DocOf[K]> | undefined> {
    const row = await this.o.db.selectFrom(tableOf(kind)).selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return this.viewOf(kind, row, opts.includeWorking) as EntryView<DocOf[K]> | undefined;
  }

  /**
   * Entries of a kind. status filters by version: published (a version in force), draft or in-review (a
   * version being worked on), retired. Without includeWorking (visitors) only published entries are
   * listed, without their working versions.
   */
  async list<K extends EntryKind>(kind: K, opts: { status?: EntryStatus; includeWorking: boolean }): Promise<Array<EntryView<DocOf[K]>>> {
    return (await this.listPage(kind, opts)).entries;
  }

  /** One page of list(): `limit` entries in id order after `after`; `next` is where the next page starts (absent: none). */
  async listPage<K extends EntryKind>(kind: K, opts: { status?: EntryStatus; includeWorking: boolean; after?: string; limit?: number }): Promise<{ entries: Array<EntryView<DocOf[K]>>; next?: string }> {
    let q = this.o.db.selectFrom(tableOf(kind)).selectAll();
    const status = opts.includeWorking ? opts.status : 'published';
    if (status === 'published') q = q.where('published', 'is not', null).where('retired_at', 'is', null);
    else if (status === 'retired') q = q.where('retired_at', 'is not', null);
    else if (status) q = q.where('working_status', '=', status);
    if (opts.after !== undefined) q = q.where('id', '>', opts.after);
    q = q.orderBy('id');
    if (opts.limit !== undefined) q = q.limit(opts.limit + 1);
    const rows = await q.execute();
    const more = opts.limit !== undefined && rows.length > opts.limit;
    const page = more ? rows.slice(0, opts.limit) : rows;
    const entries = page.map((r) => this.viewOf(kind, r, opts.includeWorking)).filter((v): v is EntryView => v !== undefined) as Array<EntryView<DocOf[K]>>;
    return more ? { entries, next: page.at(-1)!.id } : { entries };
  }

  async history(kind: EntryKind, id: string): Promise<HistoryEntry[] | undefined> {
    const rows = await this.o.db
      .selectFrom('catalog_history')
      .select(['version', 'action', 'status', 'actor', 'at', 'reason', 'document'])
      .where('kind', '=', kind)
      .where('entry_id', '=', id)
      .orderBy('id')
      .execute();
    if (rows.length === 0) return undefined;
    return rows.map((r) => ({ version: Number(r.version), action: r.action, status: r.status, actor: r.actor, at: r.at, reason: r.reason, document: JSON.parse(r.document) as CatalogDoc }));
  }

  /** The standard elements and this node's own (published ones only, unless includeWorking). */
  async elements(includeWorking: boolean): Promise<Array<DataElement & { origin: 'standard' | 'custom'; status: EntryStatus; version?: number }>> {
    const custom = await this.list('element', { includeWorking });
    return [
      ...STANDARD_ELEMENTS.map((e) => ({ ...e, origin: 'standard' as const, status: 'published' as const })),
      ...custom.map((v) => {
        const doc = (v.working ?? v.published)!;
        return { ...doc, origin: 'custom' as const };
      }),
    ];
  }

  private viewOf(kind: EntryKind, r: Row, includeWorking: boolean): EntryView | undefined {
    const published = r.published ? (JSON.parse(r.published) as CatalogDoc) : null;
    if (!includeWorking && (!published || r.retired_at)) return undefined;
    const working = includeWorking && r.working ? (JSON.parse(r.working) as CatalogDoc) : null;
    return {
      kind,
      id: r.id,
      name: includeWorking ? r.name : nameOf(kind, published!),
      status: (includeWorking ? r.status : 'published') as EntryStatus,
      published,
      working,
      review:
        includeWorking && working
          ? {
              authors: r.working_authors ? (JSON.parse(r.working_authors) as string[]) : [],
              submittedBy: r.submitted_by,
              submittedAt: r.submitted_at,
              returnedReason: r.returned_reason,
              returnedBy: r.returned_by,
              returnedAt: r.returned_at,
            }
          : null,
      latestVersion: includeWorking ? Number(r.latest_version) : Number(r.published_version),
      createdAt: r.created_at,
      createdBy: r.created_by,
      updatedAt: includeWorking ? r.updated_at : (published?.updatedAt ?? r.updated_at),
      updatedBy: includeWorking ? r.updated_by : (published?.updatedBy ?? r.updated_by),
    };
  }

  // ---- validation --------------------------------------------------------------------------------

  /** What validation needs to know about this node: its custom elements and resources that are not retired. */
  async validationContext(db: Db = this.o.db, forPublication = false): Promise<ValidationContext> {
    const resources = new Map<string, { published: boolean; fields: string[] }>();
    const rrows = await db.selectFrom('catalog_resource').select(['id', 'published', 'working', 'retired_at']).execute();
    for (const r of rrows) {
      const inForce = r.published !== null && r.retired_at === null;
      if (!inForce && r.working === null) continue;
      const doc = JSON.parse((forPublication && inForce ? r.published : (r.working ?? r.published))!) as DataResource;
      resources.set(r.id, { published: inForce, fields: doc.fields.map((f) => f.name) });
    }
    const customElements = new Map<string, { published: boolean; sensitivity: DataElement['sensitivity'] }>();
    const erows = await db.selectFrom('catalog_element').select(['id', 'published', 'working', 'retired_at']).execute();
    for (const r of erows) {
      const inForce = r.published !== null && r.retired_at === null;
      if (!inForce && r.working === null) continue;
      const doc = JSON.parse((inForce ? r.published : r.working)!) as CustomDataElement;
      customElements.set(r.id, { published: inForce, sensitivity: doc.sensitivity });
    }
    return { regionCode: this.o.regionCode, resources, customElements, forPublication };
  }

  /** Validates an input for a kind; for items, `existingOrigin` keeps a national item national. */
  validate(kind: EntryKind, input: unknown, ctx: ValidationContext, existing?: CatalogDoc | null, opts: { shipped?: boolean } = {}): ValidationResult<Record<string, unknown>> {
    switch (kind) {
      case 'resource':
        return validateResource(input, ctx) as ValidationResult<Record<string, unknown>>;
      case 'certificate-type':
        return validateCertificateType(input, ctx) as ValidationResult<Record<string, unknown>>;
      case 'item':
        return validateItem(input, ctx, { ...(existing ? { existingOrigin: (existing as ServiceItem).origin } : {}), ...(opts.shipped ? { shipped: true } : {}) }) as unknown as ValidationResult<
          Record<string, unknown>
        >;
      case 'element':
        return validateElement(input) as unknown as ValidationResult<Record<string, unknown>>;
    }
  }

  /** A stored document from a validated input (items: codeKind and pending are derived here). */
  static document(kind: EntryKind, input: Record<string, unknown>, meta: { version: number; status: EntryStatus; updatedAt: string; updatedBy: string; publishedAt?: string }): CatalogDoc {
    const doc: Record<string, unknown> = { ...input, version: meta.version, status: meta.status, updatedAt: meta.updatedAt, updatedBy: meta.updatedBy };
    if (meta.publishedAt) doc.publishedAt = meta.publishedAt;
    if (kind === 'item') {
      const item = input as unknown as ServiceItem;
      doc.codeKind = codeKindOf(item.code);
      const pending: Array<'modes' | 'timeLimitDays'> = [];
      if (item.modes.length === 0) pending.push('modes');
      if (item.timeLimitDays === 0) pending.push('timeLimitDays');
      if (pending.length) doc.pending = pending;
    }
    return doc as unknown as CatalogDoc;
  }

  // ---- workflow ----------------------------------------------------------------------------------

  /** A new entry, as a draft (version 1). */
  async create(kind: EntryKind, input: unknown, actor: CatalogActor): Promise<EntryView> {
    return this.change(kind, undefined, actor, 'created', async (tx, row, at) => {
      const ctx = await this.validationContext(tx);
      const v = this.validate(kind, input, ctx);
      if (!v.ok) throw invalid(kind, v.problems);
      const id = idOf(kind, v.value);
      const existing = await tx.selectFrom(tableOf(kind)).select(['id', 'status']).where('id', '=', id).executeTakeFirst();
      if (existing) throw new TongbanError('E_CONFLICT', `${KIND_NAME[kind].en} ${id} already exists (${existing.status}); edit it instead`);
      const doc = CatalogService.document(kind, v.value, { version: 1, status: 'draft', updatedAt: at, updatedBy: actor.id });
      void row;
      return {
        id,
        insert: {
          id,
          name: nameOf(kind, doc),
          status: 'draft',
          published: null,
          published_version: null,
          published_at: null,
          retired_at: null,
          working: JSON.stringify(doc),
          working_version: 1,
          working_status: 'draft',
          working_authors: JSON.stringify([actor.id]),
          submitted_by: null,
          submitted_at: null,
          returned_reason: null,
          returned_by: null,
          returned_at: null,
          latest_version: 1,
          created_at: at,
          created_by: actor.id,
          updated_at: at,
          updated_by: actor.id,
          rev: 1,
        },
        history: { version: 1, status: 'draft', doc },
      };
    });
  }

  /**
   * Edits an entry. A draft is changed in place; an entry with a version in force (or retired) gets a new
   * draft version while the published one stays in force. A version in review cannot be edited: it is
   * withdrawn (by its administrator) or returned (by a reviewer) first.
   */
  async update(kind: EntryKind, id: string, input: unknown, actor: CatalogActor): Promise<EntryView> {
    return this.change(kind, id, actor, 'updated', async (tx, row, at) => {
      if (row.working_status === 'in-review') {
        throw new TongbanError('E_CONFLICT', `${KIND_NAME[kind].en} ${id} version ${row.working_version} is in review; withdraw it or have it returned before editing`);
      }
      const currentJson = row.working ?? row.published;
      const current = currentJson ? (JSON.parse(currentJson) as CatalogDoc) : null;
      const ctx = await this.validationContext(tx);
      const v = this.validate(kind, input, ctx, current);
      const problems = v.ok ? [] : [...v.problems];
      if (v.ok && idOf(kind, v.value) !== id) {
        const key = kind === 'resource' ? 'id' : 'code';
        problems.push({ path: key, message: `must stay ${id}: an entry's identifier cannot change (create a new entry instead)`, messageZh: `应保持为${id}:条目标识不可更改(如需请新建条目)` });
      }
      if (!v.ok || problems.length) throw invalid(kind, problems);
      const version = row.working ? Number(row.working_version) : Number(row.latest_version) + 1;
      const doc = CatalogService.document(kind, v.value, { version, status: 'draft', updatedAt: at, updatedBy: actor.id });
      const authors = row.working ? addAuthor(row.working_authors, actor.id) : [actor.id];
      return {
        id,
        set: {
          name: nameOf(kind, doc),
          status: 'draft',
          working: JSON.stringify(doc),
          working_version: version,
          working_status: 'draft',
          working_authors: JSON.stringify(authors),
          latest_version: Math.max(version, Number(row.latest_version)),
          ...(row.working ? {} : { submitted_by: null, submitted_at: null, returned_reason: null, returned_by: null, returned_at: null }),
        },
        history: { version, status: 'draft', doc },
      };
    });
  }

  /** Draft → in review. The submitter counts as an author of the version (and so cannot approve it). */
  async submit(kind: EntryKind, id: string, actor: CatalogActor): Promise<EntryView> {
    return this.change(kind, id, actor, 'submitted', async (tx, row, at) => {
      const doc = this.workingIn(kind, row, 'draft', 'submit');
      const ctx = await this.validationContext(tx);
      const v = this.validate(kind, inputOf(kind, doc), ctx, row.published ? (JSON.parse(row.published) as CatalogDoc) : null);
      if (!v.ok) throw invalid(kind, v.problems, 'E_CONFLICT', `version ${doc.version} no longer validates — `);
      const next = { ...doc, status: 'in-review' as const };
      return {
        id,
        set: {
          status: 'in-review',
          working: JSON.stringify(next),
          working_status: 'in-review',
          working_authors: JSON.stringify(addAuthor(row.working_authors, actor.id)),
          submitted_by: actor.id,
          submitted_at: at,
        },
        history: { version: doc.version, status: 'in-review', doc: next },
      };
    });
  }

  /** In review → draft, by an administrator (e.g. to fix something before the reviewer gets to it). */
  async withdraw(kind: EntryKind, id: string, actor: CatalogActor): Promise<EntryView> {
    return this.change(kind, id, actor, 'withdrawn', async (_tx, row) => {
      const doc = this.workingIn(kind, row, 'in-review', 'withdraw');
      const next = { ...doc, status: 'draft' as const };
      return { id, set: { status: 'draft', working: JSON.stringify(next), working_status: 'draft', submitted_by: null, submitted_at: null }, history: { version: doc.version, status: 'draft', doc: next } };
    });
  }

  /** In review → published, by a reviewer who is not an author of the version. The previous version leaves force. */
  async approve(kind: EntryKind, id: string, actor: CatalogActor): Promise<EntryView> {
    return this.change(kind, id, actor, 'approved', async (tx, row, at) => {
      const doc = this.workingIn(kind, row, 'in-review', 'approve');
      this.assertNotAuthor(kind, row, actor, 'approve');
      const ctx = await this.validationContext(tx, true);
      const v = this.validate(kind, inputOf(kind, doc), ctx, row.published ? (JSON.parse(row.published) as CatalogDoc) : null);
      if (!v.ok) throw invalid(kind, v.problems, 'E_CONFLICT', `version ${doc.version} cannot be published — `);
      const next = { ...doc, status: 'published' as const, publishedAt: at };
      return {
        id,
        set: {
          status: 'published',
          published: JSON.stringify(next),
          published_version: doc.version,
          published_at: at,
          retired_at: null,
          ...clearedWorking,
        },
        history: { version: doc.version, status: 'published', doc: next },
        announce: { change: 'published', version: doc.version, entry: next },
      };
    });
  }

  /** In review → draft with the reviewer's reason, by a reviewer who is not an author of the version. */
  async returnForChanges(kind: EntryKind, id: string, reason: string, actor: CatalogActor): Promise<EntryView> {
    const why = requireReason(reason);
    return this.change(kind, id, actor, 'returned', async (_tx, row, at) => {
      const doc = this.workingIn(kind, row, 'in-review', 'return');
      this.assertNotAuthor(kind, row, actor, 'return');
      const next = { ...doc, status: 'draft' as const };
      return {
        id,
        set: { status: 'draft', working: JSON.stringify(next), working_status: 'draft', submitted_by: null, submitted_at: null, returned_reason: why, returned_by: actor.id, returned_at: at },
        history: { version: doc.version, status: 'draft', doc: next, reason: why },
      };
    }, why);
  }

  /** Drops the version being worked on; the published version stays as it is. */
  async discard(kind: EntryKind, id: string, actor: CatalogActor): Promise<EntryView> {
    return this.change(kind, id, actor, 'discarded', async (_tx, row) => {
      if (!row.working) throw new TongbanError('E_CONFLICT', `${KIND_NAME[kind].en} ${id} has no draft to discard`);
      if (!row.published) throw new TongbanError('E_CONFLICT', `${KIND_NAME[kind].en} ${id} was never published: retire it instead of discarding its only version`);
      const doc = JSON.parse(row.working) as CatalogDoc;
      return {
        id,
        set: { status: row.retired_at ? 'retired' : 'published', ...clearedWorking },
        history: { version: doc.version, status: 'discarded', doc },
      };
    });
  }

  /** Withdraws an entry from use: its version in force is retired, and any version being worked on is dropped. */
  async retire(kind: EntryKind, id: string, reason: string, actor: CatalogActor): Promise<EntryView> {
    const why = requireReason(reason);
    return this.change(kind, id, actor, 'retired', async (tx, row, at) => {
      if (row.retired_at && !row.working) throw new TongbanError('E_CONFLICT', `${KIND_NAME[kind].en} ${id} is already retired`);
      const extra: Array<{ version: number; status: string; doc: CatalogDoc; action: WorkflowStep }> = [];
      if (row.working) {
        const w = JSON.parse(row.working) as CatalogDoc;
        extra.push({ version: w.version, status: 'discarded', doc: w, action: 'discarded' });
      }
      const inForce = row.published && !row.retired_at ? (JSON.parse(row.published) as CatalogDoc) : null;
      const last = row.published ? (JSON.parse(row.published) as CatalogDoc) : null;
      const retired = inForce ? { ...inForce, status: 'retired' as const } : last;
      void tx;
      return {
        id,
        set: { status: 'retired', published: retired ? JSON.stringify(retired) : null, retired_at: row.retired_at ?? at, ...clearedWorking },
        before: extra,
        history: { version: retired?.version ?? Number(row.latest_version), status: 'retired', doc: retired ?? extra[0]!.doc, reason: why },
        ...(inForce ? { announce: { change: 'retired' as const, version: inForce.version, entry: retired! } } : {}),
      };
    }, why);
  }

  /**
   * Puts an entry in force directly, without review: the node's own seeding (step 'seeded', system) and
   * the operator's `tongban catalog import --publish` (step 'imported'). Creates the entry or publishes a
   * new version of it. The input must already be validated.
   */
  async publishDirectly(
    tx: Transaction<TongbanDB>,
    kind: EntryKind,
    value: Record<string, unknown>,
    actor: CatalogActor,
    step: 'seeded' | 'imported',
    at: string,
    opts: { mustBeNew?: boolean } = {},
  ): Promise<PublishedChange> {
    const id = idOf(kind, value);
    const row = await tx.selectFrom(tableOf(kind)).selectAll().where('id', '=', id).executeTakeFirst();
    // a replica seeding at the same moment committed it first (PostgreSQL, read committed): not a new version
    if (row && opts.mustBeNew) throw new Error(`duplicate: ${KIND_NAME[kind].en} ${id} was created meanwhile`);
    const version = row ? Number(row.latest_version) + 1 : 1;
    const doc = CatalogService.document(kind, value, { version, status: 'published', updatedAt: at, updatedBy: actor.id, publishedAt: at });
    const json = JSON.stringify(doc);
    if (!row) {
      await tx
        .insertInto(tableOf(kind))
        .values({
          id,
          name: nameOf(kind, doc),
          status: 'published',
          published: json,
          published_version: version,
          published_at: at,
          retired_at: null,
          ...clearedWorking,
          latest_version: version,
          created_at: at,
          created_by: actor.id,
          updated_at: at,
          updated_by: actor.id,
          rev: 1,
        })
        .execute();
    } else {
      if (row.working) {
        const w = JSON.parse(row.working) as CatalogDoc;
        await this.appendHistory(tx, kind, id, { version: w.version, status: 'discarded', doc: w }, 'discarded', actor, at, `replaced by version ${version} (${step})`);
      }
      const res = await tx
        .updateTable(tableOf(kind))
        .set({ name: nameOf(kind, doc), status: 'published', published: json, published_version: version, published_at: at, retired_at: null, ...clearedWorking, latest_version: version, updated_at: at, updated_by: actor.id, rev: Number(row.rev) + 1 })
        .where('id', '=', id)
        .where('rev', '=', row.rev)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new TongbanError('E_CONFLICT', `${KIND_NAME[kind].en} ${id} changed meanwhile; try again`);
    }
    await this.appendHistory(tx, kind, id, { version, status: 'published', doc }, step, actor, at, null);
    return { change: 'published', kind, id, version, entry: doc, at };
  }

  /**
   * Puts an imported version up for review (or replaces a draft): creates the entry, replaces its draft, or
   * starts a new version of a published one. The input must already be validated. Refuses an entry
   * whose version is in review.
   */
  async submitImported(tx: Transaction<TongbanDB>, kind: EntryKind, value: Record<string, unknown>, actor: CatalogActor, at: string): Promise<number> {
    const id = idOf(kind, value);
    const row = await tx.selectFrom(tableOf(kind)).selectAll().where('id', '=', id).executeTakeFirst();
    if (row?.working_status === 'in-review') throw new TongbanError('E_CONFLICT', `${KIND_NAME[kind].en} ${id} version ${row.working_version} is in review`);
    const version = row?.working ? Number(row.working_version) : row ? Number(row.latest_version) + 1 : 1;
    const doc = CatalogService.document(kind, value, { version, status: 'in-review', updatedAt: at, updatedBy: actor.id });
    const working = {
      name: nameOf(kind, doc),
      status: 'in-review',
      working: JSON.stringify(doc),
      working_version: version,
      working_status: 'in-review',
      working_authors: JSON.stringify([actor.id]),
      submitted_by: actor.id,
      submitted_at: at,
      returned_reason: null,
      returned_by: null,
      returned_at: null,
      latest_version: version,
      updated_at: at,
      updated_by: actor.id,
    };
    if (!row) {
      await tx
        .insertInto(tableOf(kind))
        .values({ id, ...working, published: null, published_version: null, published_at: null, retired_at: null, created_at: at, created_by: actor.id, rev: 1 })
        .execute();
    } else {
      const res = await tx.updateTable(tableOf(kind)).set({ ...working, rev: Number(row.rev) + 1 }).where('id', '=', id).where('rev', '=', row.rev).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new TongbanError('E_CONFLICT', `${KIND_NAME[kind].en} ${id} changed meanwhile; try again`);
    }
    await this.appendHistory(tx, kind, id, { version, status: 'in-review', doc }, 'imported', actor, at, null);
    return version;
  }

  /** Appends audit events and announces published changes for steps done outside change() (seeding, import). */
  async afterCommit(events: Array<{ kind: EntryKind; id: string; version: number; step: WorkflowStep; detail?: Record<string, string | number | boolean | null> }>, actor: CatalogActor, changes: PublishedChange[]): Promise<void> {
    for (const c of changes) this.announce(c); // committed already: announced whatever the audit append does
    for (const e of events) await this.audit(e.kind, e.id, e.version, e.step, actor, 'ok', undefined, e.detail);
  }

  // ---- internals ---------------------------------------------------------------------------------

  private workingIn(kind: EntryKind, row: Row, status: 'draft' | 'in-review', verb: string): CatalogDoc {
    if (!row.working || row.working_status !== status) {
      const now = row.working_status ?? (row.retired_at ? 'retired' : 'published');
      throw new TongbanError('E_CONFLICT', `cannot ${verb} ${KIND_NAME[kind].en} ${row.id}: it has no version ${status === 'draft' ? 'in draft' : 'in review'} (it is ${now})`);
    }
    return JSON.parse(row.working) as CatalogDoc;
  }

  private assertNotAuthor(kind: EntryKind, row: Row, actor: CatalogActor, verb: string): void {
    const authors = row.working_authors ? (JSON.parse(row.working_authors) as string[]) : [];
    if (authors.includes(actor.id)) {
      const err = new TongbanError(
        'E_FORBIDDEN',
        `${actor.id} wrote or submitted version ${row.working_version} of ${KIND_NAME[kind].en} ${row.id} and cannot ${verb} it; another reviewer must / 不能审核本人编写或提交的版本,须由其他审核人审核`,
      );
      (err as TongbanError & { audit?: boolean }).audit = true;
      throw err;
    }
  }

  private async appendHistory(
    tx: Db,
    kind: EntryKind,
    id: string,
    h: { version: number; status: string; doc: CatalogDoc },
    action: WorkflowStep,
    actor: CatalogActor,
    at: string,
    reason: string | null,
  ): Promise<void> {
    await tx
      .insertInto('catalog_history')
      .values({ kind, entry_id: id, version: h.version, action, status: h.status, actor: actor.id, at, reason, document: JSON.stringify(h.doc) })
      .execute();
  }

  /**
   * One workflow step: in a transaction, read the row (refusing unknown ids), let `step` decide the new
   * row and the history, write both with the revision check; then audit and announce.
   */
  private async change(
    kind: EntryKind,
    id: string | undefined,
    actor: CatalogActor,
    step: WorkflowStep,
    decide: (
      tx: Transaction<TongbanDB>,
      row: Row,
      at: string,
    ) => Promise<{
      id: string;
      insert?: CatalogEntryTable;
      set?: Partial<CatalogEntryTable>;
      before?: Array<{ version: number; status: string; doc: CatalogDoc; action: WorkflowStep }>;
      history: { version: number; status: string; doc: CatalogDoc; reason?: string };
      announce?: { change: 'published' | 'retired'; version: number; entry: CatalogDoc };
    }>,
    reason?: string,
  ): Promise<EntryView> {
    const at = nowIso();
    let outcome: Awaited<ReturnType<typeof decide>>;
    try {
      outcome = await this.o.db.transaction().execute(async (tx) => {
        let row: Row | undefined;
        if (id !== undefined) {
          row = await tx.selectFrom(tableOf(kind)).selectAll().where('id', '=', id).executeTakeFirst();
          if (!row) throw new TongbanError('E_NOT_FOUND', `${KIND_NAME[kind].en} ${id}`);
        }
        const d = await decide(tx, row as Row, at);
        if (d.insert) {
          await tx.insertInto(tableOf(kind)).values(d.insert).execute();
        } else {
          const res = await tx
            .updateTable(tableOf(kind))
            .set({ ...d.set, updated_at: at, updated_by: actor.id, rev: Number(row!.rev) + 1 })
            .where('id', '=', d.id)
            .where('rev', '=', row!.rev)
            .executeTakeFirst();
          if (Number(res.numUpdatedRows) !== 1) throw new TongbanError('E_CONFLICT', `${KIND_NAME[kind].en} ${d.id} changed meanwhile; reload and try again`);
        }
        for (const b of d.before ?? []) await this.appendHistory(tx, kind, d.id, b, b.action, actor, at, null);
        await this.appendHistory(tx, kind, d.id, d.history, step, actor, at, d.history.reason ?? null);
        return d;
      });
    } catch (e) {
      if (e instanceof TongbanError && (e as TongbanError & { audit?: boolean }).audit && id !== undefined) {
        await this.audit(kind, id, undefined, step, actor, 'refused', e.code, { reason: e.detail ?? null });
      }
      throw e;
    }
    // the change is committed: it is announced (the exchange serves or stops serving what it names)
    // even if the audit append after it fails
    if (outcome.announce) this.announce({ ...outcome.announce, kind, id: outcome.id, at });
    const detail: Record<string, string | number | boolean | null> = {};
    if (reason) detail.reason = reason;
    for (const b of outcome.before ?? []) await this.audit(kind, outcome.id, b.version, b.action, actor, 'ok');
    await this.audit(kind, outcome.id, outcome.history.version, step, actor, 'ok', undefined, detail);
    const view = await this.get(kind, outcome.id, { includeWorking: true });
    return view!;
  }

  private async audit(
    kind: EntryKind,
    id: string,
    version: number | undefined,
    step: WorkflowStep,
    actor: CatalogActor,
    outcome: 'ok' | 'refused',
    errorCode?: string,
    extra: Record<string, string | number | boolean | null> = {},
  ): Promise<void> {
    if (!this.o.audit) return;
    const event: AuditEvent = {
      category: 'admin',
      action: `catalog.${kind}.${step}`,
      actor: { type: actor.type, id: actor.id, regionCode: this.o.regionCode, ...(actor.department ? { department: actor.department } : {}) },
      outcome,
      ...(errorCode ? { errorCode } : {}),
      ...(kind === 'resource' ? { resource: id } : {}),
      detail: { kind, entry: id, ...(version !== undefined ? { version } : {}), ...extra },
    };
    await this.o.audit.append(event);
  }

  private announce(change: PublishedChange): void {
    for (const l of this.listeners) {
      try {
        const r = l(change);
        if (r && typeof (r as Promise<void>).catch === 'function') {
          (r as Promise<void>).catch((e: Error) => this.o.logger?.warn({ err: e?.message, kind: change.kind, id: change.id }, 'catalog onPublished listener failed'));
        }
      } catch (e) {
        this.o.logger?.warn({ err: (e as Error)?.message, kind: change.kind, id: change.id }, 'catalog onPublished listener failed');
      }
    }
  }
}

const clearedWorking = {
  working: null,
  working_version: null,
  working_status: null,
  working_authors: null,
  submitted_by: null,
  submitted_at: null,
  returned_reason: null,
  returned_by: null,
  returned_at: null,
};

function addAuthor(json: string | null, id: string): string[] {
  const list = json ? (JSON.parse(json) as string[]) : [];
  return list.includes(id) ? list : [...list, id];
}

function requireReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '') throw new TongbanError('E_INVALID_REQUEST', 'reason: is required / 必须说明理由');
  if (reason.length > 2000) throw new TongbanError('E_INVALID_REQUEST', 'reason: must be at most 2000 characters / 不得超过2000个字符');
  return reason.trim();
}
