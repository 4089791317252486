// The catalogue's application API on a node (/api/catalog/…), schema-first: every route is in the
// OpenAPI document. Published entries are readable without signing in; drafts, reviews and history by
// any signed-in staff member; writes need the role admin (数据管理员), review steps the role approver
// (审核人, who must not have written the version). The TypeBox schemas check shape and types at the
// edge; validate.ts then checks the rules and reports every problem at once.

import type { FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { TongbanError } from '../core/errors.js';
import { errorResponses, type App } from '../http/app.js';
import { currentUser, requireUser, type SessionUser } from '../identity/index.js';
import {
  CATALOG_TIERS,
  CROSS_MODES,
  DATA_GRADES,
  ENTRY_STATUSES,
  SHARING_METHODS,
  SHARING_TYPES,
  UPDATE_CYCLES,
} from './model.js';
import { importItems } from './import.js';
import type { CatalogActor, CatalogService, EntryKind } from './store.js';

const Label = Type.Object({ zh: Type.String({ maxLength: 200 }), en: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
const Sensitivity = Type.Enum(['general', 'sensitive']);

const ResourceProps = {
  id: Type.String({ maxLength: 64, description: 'resource id on the wire: ^[a-z][a-z0-9_.-]{1,63}$, e.g. hukou.person' }),
  name: Label,
  summary: Type.String({ maxLength: 2000 }),
  department: Type.Object(
    { name: Type.String({ maxLength: 200 }), code: Type.Optional(Type.String({ maxLength: 18, description: "the department's unified social credit code (GB 32100)" })) },
    { additionalProperties: false },
  ),
  subjectType: Type.Enum(['citizen', 'enterprise']),
  fields: Type.Array(
    Type.Object(
      {
        name: Type.String({ maxLength: 64 }),
        element: Type.String({ maxLength: 64, description: 'a standard (TB.*) or this node\'s own data element code; see GET /api/catalog/elements' }),
        label: Label,
        sensitivity: Sensitivity,
      },
      { additionalProperties: false },
    ),
    { maxItems: 200 },
  ),
  sharing: Type.Object(
    {
      type: Type.Enum([...SHARING_TYPES], { description: 'unconditional 无条件共享 · conditional 有条件共享 (needs a condition) · none 不予共享 (needs its legal basis in condition)' }),
      condition: Type.Optional(Type.String({ maxLength: 2000 })),
      methods: Type.Array(Type.Enum([...SHARING_METHODS]), { maxItems: SHARING_METHODS.length, description: 'at least one' }),
    },
    { additionalProperties: false },
  ),
  classification: Type.Object(
    { tier: Type.Enum([...CATALOG_TIERS]), category: Type.String({ maxLength: 64 }), grade: Type.Enum([...DATA_GRADES], { description: 'GB/T 43697' }) },
    { additionalProperties: false },
  ),
  updateCycle: Type.Enum([...UPDATE_CYCLES]),
  source: Type.Object({ adapter: Type.String({ maxLength: 128 }), system: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
};

const CertificateTypeProps = {
  code: Type.String({ maxLength: 21, description: "证照类型代码: the defining authority's USCC + 3 digits, e.g. 11100000000013338W032" }),
  name: Label,
  definingAuthority: Type.Object({ name: Type.String({ maxLength: 200 }), uscc: Type.String({ maxLength: 18 }) }, { additionalProperties: false }),
  elements: Type.Array(Type.Object({ element: Type.String({ maxLength: 64 }), required: Type.Boolean() }, { additionalProperties: false }), { maxItems: 100 }),
  validity: Type.Object(
    { kind: Type.Enum(['permanent', 'fixed-term', 'until-revoked']), years: Type.Optional(Type.Integer({ description: 'fixed-term only, 1–100' })) },
    { additionalProperties: false },
  ),
};

const SatisfiedBy = Type.Union([
  Type.Null(),
  Type.Object(
    {
      kind: Type.Literal('resource'),
      resource: Type.String({ maxLength: 71, description: 'a resource id on this node, or REGION:ID for another region (e.g. 340000:hukou.person)' }),
      fields: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('certificate'), certificateType: Type.String({ maxLength: 21 }) }, { additionalProperties: false }),
]);
const Origin = Type.Object({ kind: Type.Enum(['national-confirmed', 'regional']), source: Type.String({ maxLength: 500 }) }, { additionalProperties: false });

const ItemProps = {
  code: Type.String({ maxLength: 64, description: '实施编码 (GB/T 39554.1) or a local code: ^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$' }),
  basicCode: Type.Optional(Type.String({ maxLength: 64 })),
  name: Type.String({ maxLength: 200 }),
  department: Type.String({ maxLength: 200 }),
  modes: Type.Array(Type.Enum([...CROSS_MODES]), { maxItems: CROSS_MODES.length, description: 'online 全程网办 · proxy 异地代收代办 · joint 多地联办; at least one' }),
  timeLimitDays: Type.Integer({ description: '承诺办结时限, working days, 1–365' }),
  guide: Type.Object(
    {
      legalBasis: Type.Optional(Type.String({ maxLength: 4000 })),
      conditions: Type.Optional(Type.String({ maxLength: 4000 })),
      process: Type.Optional(Type.String({ maxLength: 4000 })),
      fee: Type.Optional(Type.String({ maxLength: 4000 })),
      contact: Type.Optional(Type.String({ maxLength: 4000 })),
      location: Type.Optional(Type.String({ maxLength: 4000 })),
    },
    { additionalProperties: false },
  ),
  materials: Type.Array(
    Type.Object(
      { name: Type.String({ maxLength: 200 }), required: Type.Boolean(), satisfiedBy: SatisfiedBy, note: Type.Optional(Type.String({ maxLength: 1000 })) },
      { additionalProperties: false },
    ),
    { maxItems: 100 },
  ),
};

const ElementProps = {
  code: Type.String({ maxLength: 64, description: 'dotted upper-case words, not TB.* (reserved for the standard elements), e.g. SH.HOUSING.FUND_NO' }),
  name: Label,
  type: Type.Enum(['string', 'date', 'code', 'number', 'identifier']),
  standard: Type.Optional(Type.String({ maxLength: 100 })),
  check: Type.Optional(Type.Enum(['id-number', 'uscc', 'org-code', 'division', 'date', 'sex-code', 'ethnic-code', 'certificate-id'])),
  sensitivity: Sensitivity,
};

const Meta = {
  version: Type.Integer(),
  status: Type.Enum([...ENTRY_STATUSES]),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
  publishedAt: Type.Optional(Type.String()),
};

interface KindRoutes {
  kind: EntryKind;
  path: string;
  tag: string;
  input: TSchema;
  doc: TSchema;
  /** the $id the document schema is registered under */
  docId: string;
  title: string;
}

const KINDS: KindRoutes[] = [
  {
    kind: 'resource',
    path: 'resources',
    tag: 'catalog: resources',
    title: 'data resource (信息资源)',
    input: Type.Object(ResourceProps, { additionalProperties: false }),
    doc: Type.Object({ ...ResourceProps, ...Meta }, { $id: 'CatalogResource' }),
    docId: 'CatalogResource',
  },
  {
    kind: 'certificate-type',
    path: 'certificate-types',
    tag: 'catalog: certificate types',
    title: 'certificate type (证照类型)',
    input: Type.Object(CertificateTypeProps, { additionalProperties: false }),
    doc: Type.Object({ ...CertificateTypeProps, ...Meta }, { $id: 'CatalogCertificateType' }),
    docId: 'CatalogCertificateType',
  },
  {
    kind: 'item',
    path: 'items',
    tag: 'catalog: service items',
    title: 'service item (事项)',
    input: Type.Object({ ...ItemProps, origin: Type.Optional(Origin) }, { additionalProperties: false }),
    doc: Type.Object(
      {
        ...ItemProps,
        origin: Origin,
        codeKind: Type.Optional(Type.Enum(['implementation', 'local'], { description: 'implementation: the code has the GB/T 39554.1 实施编码 shape; local: a code given by this region or Tongban' })),
        pending: Type.Optional(Type.Array(Type.Enum(['modes', 'timeLimitDays']), { description: 'not set yet (no source gives them): modes is [] and timeLimitDays 0' })),
        ...Meta,
      },
      { $id: 'CatalogServiceItem' },
    ),
    docId: 'CatalogServiceItem',
  },
  {
    kind: 'element',
    path: 'elements',
    tag: 'catalog: data elements',
    title: "this node's own data element (数据元)",
    input: Type.Object(ElementProps, { additionalProperties: false }),
    doc: Type.Object({ ...ElementProps, ...Meta }, { $id: 'CatalogCustomElement' }),
    docId: 'CatalogCustomElement',
  },
];

const Review = Type.Object({
  authors: Type.Array(Type.String(), { description: 'who wrote or submitted the version being worked on; none of them may approve or return it' }),
  submittedBy: Type.Union([Type.String(), Type.Null()]),
  submittedAt: Type.Union([Type.String(), Type.Null()]),
  returnedReason: Type.Union([Type.String(), Type.Null()]),
  returnedBy: Type.Union([Type.String(), Type.Null()]),
  returnedAt: Type.Union([Type.String(), Type.Null()]),
});

function entryViewSchema(doc: TSchema): TSchema {
  return Type.Object({
    kind: Type.String(),
    id: Type.String(),
    name: Type.String(),
    status: Type.Enum([...ENTRY_STATUSES]),
    published: Type.Union([doc, Type.Null()], { description: 'the version in force (or, when retired, the last one that was)' }),
    working: Type.Union([doc, Type.Null()], { description: 'the version being worked on (draft or in review); only for signed-in staff' }),
    review: Type.Union([Review, Type.Null()]),
    latestVersion: Type.Integer(),
    createdAt: Type.String(),
    createdBy: Type.String(),
    updatedAt: Type.String(),
    updatedBy: Type.String(),
  });
}

const ENTRY_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,70}$';
const IdParams = Type.Object({ id: Type.String({ pattern: ENTRY_ID_PATTERN }) });
const ReasonBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
const StatusQuery = Type.Object(
  { status: Type.Optional(Type.Enum([...ENTRY_STATUSES], { description: 'published (in force), draft, in-review, retired; visitors see published only' })) },
  { additionalProperties: false },
);
/** entries a list page holds unless asked for fewer: the catalogue of a province runs to thousands */
const LIST_PAGE_DEFAULT = 200;
const LIST_PAGE_MAX = 1000;
const ListQuery = Type.Object(
  {
    status: StatusQuery.properties.status,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIST_PAGE_MAX, description: `entries a page (default ${LIST_PAGE_DEFAULT})` })),
    after: Type.Optional(Type.String({ pattern: ENTRY_ID_PATTERN, description: "the previous page's next: entries after this id" })),
  },
  { additionalProperties: false },
);

const ImportBody = Type.Object(
  {
    format: Type.Enum(['csv', 'json']),
    content: Type.String({ minLength: 1, maxLength: 5 * 1024 * 1024, description: 'the file: CSV (UTF-8, header row; columns in docs/OPERATIONS.md) or JSON (a list of items, or {items: [...]})' }),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'where the list comes from (file name, edition); recorded as each item\'s origin' })),
    dryRun: Type.Optional(Type.Boolean({ description: 'check everything, write nothing' })),
  },
  { additionalProperties: false },
);
const ImportProblemSchema = Type.Object({
  line: Type.Integer(),
  unit: Type.Enum(['line', 'item']),
  column: Type.Optional(Type.String()),
  message: Type.String(),
  messageZh: Type.String(),
});
const ImportReportSchema = Type.Object({
  ok: Type.Boolean(),
  dryRun: Type.Boolean(),
  format: Type.String(),
  source: Type.String(),
  status: Type.Enum(['in-review', 'published']),
  count: Type.Integer(),
  items: Type.Array(Type.Object({ line: Type.Integer(), code: Type.String(), name: Type.String(), action: Type.Enum(['create', 'new-version', 'replace-draft']) })),
  problems: Type.Array(ImportProblemSchema),
});

const ElementListSchema = Type.Object({
  elements: Type.Array(
    Type.Object({
      ...ElementProps,
      origin: Type.Enum(['standard', 'custom']),
      status: Type.Enum([...ENTRY_STATUSES]),
      version: Type.Optional(Type.Integer()),
    }),
  ),
});

/** The signed-in user of a request, if any (public routes show staff more). */
async function viewer(req: FastifyRequest): Promise<SessionUser | null> {
  return (await req.server.identity?.userOf(req)) ?? null;
}

function actorOf(req: FastifyRequest): CatalogActor {
  const u = currentUser(req);
  return { type: 'user', id: u.id, department: u.department };
}

const BODY_LIMIT = 256 * 1024;
const IMPORT_BODY_LIMIT = 8 * 1024 * 1024;

export async function catalogRoutes(app: App, catalog: CatalogService): Promise<void> {
  // standard and custom elements in one list
  app.get(
    '/api/catalog/elements',
    {
      schema: {
        tags: ['catalog: data elements'],
        summary: 'The data elements resource fields map onto: the standard TB.* ones and this node\'s own (visitors: published only)',
        querystring: StatusQuery,
        response: { 200: ElementListSchema, ...errorResponses(400, 401) },
      },
    },
    async (req) => {
      const user = await viewer(req);
      const status = (req.query as { status?: string }).status;
      if (status && status !== 'published' && !user) throw new TongbanError('E_UNAUTHENTICATED', 'sign in to see entries that are not published');
      const all = await catalog.elements(Boolean(user));
      return { elements: status ? all.filter((e) => e.status === status) : all } as never;
    },
  );

  for (const k of KINDS) {
    const base = `/api/catalog/${k.path}`;
    const View = entryViewSchema(Type.Ref(k.docId));
    app.addSchema(k.doc);

    if (k.kind !== 'element') {
      app.get(
        base,
        {
          schema: {
            tags: [k.tag],
            summary: `List ${k.title} entries in id order, a page at a time (visitors: published only; staff: any status)`,
            querystring: ListQuery,
            response: {
              200: Type.Object({ entries: Type.Array(View), next: Type.Optional(Type.String({ description: 'more entries follow: ask again with after=next' })) }),
              ...errorResponses(400, 401),
            },
          },
        },
        async (req) => {
          const user = await viewer(req);
          const q = req.query as { status?: (typeof ENTRY_STATUSES)[number]; limit?: number; after?: string };
          if (q.status && q.status !== 'published' && !user) throw new TongbanError('E_UNAUTHENTICATED', 'sign in to see entries that are not published');
          return (await catalog.listPage(k.kind, {
            ...(q.status ? { status: q.status } : {}),
            includeWorking: Boolean(user),
            limit: q.limit ?? LIST_PAGE_DEFAULT,
            ...(q.after !== undefined ? { after: q.after } : {}),
          })) as never;
        },
      );
    }

    app.get(
      `${base}/:id`,
      {
        schema: {
          tags: [k.tag],
          summary: `One ${k.title}: the version in force and (staff) the version being worked on`,
          params: IdParams,
          response: { 200: View, ...errorResponses(400, 404) },
        },
      },
      async (req) => {
        const user = await viewer(req);
        const { id } = req.params as { id: string };
        const v = await catalog.get(k.kind, id, { includeWorking: Boolean(user) });
        if (!v) throw new TongbanError('E_NOT_FOUND', `${k.path}/${id}`);
        return v as never;
      },
    );

    app.get(
      `${base}/:id/history`,
      {
        preHandler: requireUser(),
        schema: {
          tags: [k.tag],
          summary: `Every version and workflow step of one ${k.title}, oldest first (signed-in staff)`,
          params: IdParams,
          response: {
            200: Type.Object({
              history: Type.Array(
                Type.Object({
                  version: Type.Integer(),
                  action: Type.String({ description: 'created, updated, submitted, withdrawn, returned, approved, discarded, retired, seeded, imported' }),
                  status: Type.String(),
                  actor: Type.String(),
                  at: Type.String(),
                  reason: Type.Union([Type.String(), Type.Null()]),
                  document: Type.Ref(k.docId),
                }),
              ),
            }),
            ...errorResponses(400, 401, 404),
          },
        },
      },
      async (req) => {
        const { id } = req.params as { id: string };
        const history = await catalog.history(k.kind, id);
        if (!history) throw new TongbanError('E_NOT_FOUND', `${k.path}/${id}`);
        return { history } as never;
      },
    );

    app.post(
      base,
      {
        preHandler: requireUser('admin'),
        bodyLimit: BODY_LIMIT,
        schema: {
          tags: [k.tag],
          summary: `Create a ${k.title} as a draft (admin)`,
          body: k.input,
          response: { 201: View, ...errorResponses(400, 401, 403, 409) },
        },
      },
      async (req, reply) => reply.code(201).send((await catalog.create(k.kind, req.body, actorOf(req))) as never),
    );

    app.put(
      `${base}/:id`,
      {
        preHandler: requireUser('admin'),
        bodyLimit: BODY_LIMIT,
        schema: {
          tags: [k.tag],
          summary: `Edit a ${k.title} (admin): changes the draft, or starts a new draft version while the published one stays in force`,
          params: IdParams,
          body: k.input,
          response: { 200: View, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (req) => catalog.update(k.kind, (req.params as { id: string }).id, req.body, actorOf(req)) as never,
    );

    const step = (verb: string, role: 'admin' | 'approver', summary: string, run: (id: string, req: FastifyRequest) => Promise<unknown>, withReason = false) =>
      app.post(
        `${base}/:id/${verb}`,
        {
          preHandler: requireUser(role),
          schema: {
            tags: [k.tag],
            summary,
            params: IdParams,
            ...(withReason ? { body: ReasonBody } : {}),
            response: { 200: View, ...errorResponses(400, 401, 403, 404, 409) },
          },
        },
        async (req) => (await run((req.params as { id: string }).id, req)) as never,
      );
    step('submit', 'admin', `Submit the draft of a ${k.title} for review (admin)`, (id, req) => catalog.submit(k.kind, id, actorOf(req)));
    step('withdraw', 'admin', `Take a ${k.title} back from review to draft (admin)`, (id, req) => catalog.withdraw(k.kind, id, actorOf(req)));
    step('approve', 'approver', `Approve the version in review: it is published and replaces the one in force (approver, not an author of the version)`, (id, req) =>
      catalog.approve(k.kind, id, actorOf(req)),
    );
    step(
      'return',
      'approver',
      `Return the version in review to its authors with a reason (approver, not an author of the version)`,
      (id, req) => catalog.returnForChanges(k.kind, id, (req.body as { reason: string }).reason, actorOf(req)),
      true,
    );
    step('discard', 'admin', `Discard the draft of a published ${k.title}; the published version stays (admin)`, (id, req) => catalog.discard(k.kind, id, actorOf(req)));
    step('retire', 'admin', `Retire a ${k.title}: it is no longer published (admin; a reason is required)`, (id, req) => catalog.retire(k.kind, id, (req.body as { reason: string }).reason, actorOf(req)), true);
  }

  app.post(
    '/api/catalog/items/import',
    {
      preHandler: requireUser('admin'),
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['catalog: service items'],
        summary: "Import a 实施清单 (service items) from CSV or JSON, all or nothing (admin): the items are submitted for review",
        description:
          'Every line is checked first. Any broken line: 400 E_INVALID_REQUEST, nothing is imported, and the detail names every bad line and column ("line 7, column 时限: must be 1–365 working days"). With dryRun the report (ok, problems) comes back with 200 and nothing is written. Items land in review; a reviewer other than the importer approves them.',
        body: ImportBody,
        response: { 200: ImportReportSchema, ...errorResponses(400, 401, 403, 409, 413) },
      },
    },
    async (req) => {
      const body = req.body as { format: 'csv' | 'json'; content: string; source?: string; dryRun?: boolean };
      return (await importItems(catalog, {
        format: body.format,
        content: body.content,
        source: body.source ?? `${body.format.toUpperCase()} import`,
        dryRun: body.dryRun ?? false,
        actor: actorOf(req),
      })) as never;
    },
  );
}
