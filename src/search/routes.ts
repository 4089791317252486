// The search API, the same on the hub (over its directory, source "hub") and on nodes (over their
// cache, source "cache"): full-text search with filters and paging, facet counts, one entry in full.

import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { TongbanError } from '../core/errors.js';
import type { TongbanDB } from '../store/schema.js';
import { errorResponses, type App } from '../http/app.js';
import { CROSS_MODES, SHARING_TYPES } from '../catalog/model.js';
import { DIRECTORY_KINDS } from '../directory/entry.js';
import { checkFilters, directoryFacets, getDirectoryEntry, searchDirectory, MAX_PAGE, MAX_PAGE_SIZE, type SearchParams } from './query.js';

export interface SearchRouteContext {
  db: Kysely<TongbanDB>;
  source: 'hub' | 'cache';
  /** nodes: when the cache last caught up with the hub */
  syncedAt?: () => string | null;
}

const Query = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'words to find (Chinese or English); every term must match; 1–2 character terms work too' })),
    region: Type.Optional(Type.String({ maxLength: 400, description: 'region code, or several comma-separated' })),
    department: Type.Optional(Type.String({ maxLength: 200, description: 'exact department name (as in the department facet)' })),
    kind: Type.Optional(Type.Enum([...DIRECTORY_KINDS])),
    sharing: Type.Optional(Type.Enum([...SHARING_TYPES], { description: 'resources: 无条件共享 / 有条件共享 / 不予共享' })),
    mode: Type.Optional(Type.Enum([...CROSS_MODES], { description: 'items: 全程网办 / 异地代收代办 / 多地联办' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  },
  { additionalProperties: false },
);

const FacetQuery = Type.Object(
  {
    q: Query.properties.q,
    region: Query.properties.region,
    department: Query.properties.department,
    kind: Query.properties.kind,
    sharing: Query.properties.sharing,
    mode: Query.properties.mode,
  },
  { additionalProperties: false },
);

const Region = Type.Object({ code: Type.String(), name: Type.String() });
const Source = Type.Enum(['hub', 'cache']);

const Hit = Type.Object({
  kind: Type.Enum([...DIRECTORY_KINDS]),
  region: Region,
  id: Type.String(),
  name: Type.String(),
  summary: Type.Optional(Type.String()),
  department: Type.String(),
  sharing: Type.Optional(Type.Enum([...SHARING_TYPES])),
  modes: Type.Optional(Type.Array(Type.Enum([...CROSS_MODES]))),
  highlights: Type.Optional(
    Type.Array(
      Type.Object({
        field: Type.String({ description: 'name, summary, department, or detail (a material, field label or code)' }),
        text: Type.String(),
        ranges: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()]), { description: '[start, end) in UTF-16 code units of text' }),
      }),
    ),
  ),
});

const FacetList = Type.Array(Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() }));

function params(query: Record<string, unknown>): SearchParams {
  const q = query as { q?: string; region?: string; department?: string; kind?: string; sharing?: string; mode?: string; page?: number; pageSize?: number };
  return {
    ...checkFilters(q),
    ...(q.q !== undefined ? { q: q.q } : {}),
    ...(q.page !== undefined ? { page: q.page } : {}),
    ...(q.pageSize !== undefined ? { pageSize: q.pageSize } : {}),
  };
}

export async function searchRoutes(app: App, ctx: SearchRouteContext): Promise<void> {
  const where = ctx.source === 'hub' ? "the hub's directory" : "this node's cache of the hub's directory (works while the hub is down)";
  const synced = () => (ctx.syncedAt ? { syncedAt: ctx.syncedAt() } : {});

  app.get(
    '/api/directory/search',
    {
      schema: {
        tags: ['directory'],
        summary: `统一搜索: data resources, certificate types and service items of every region, in ${where}`,
        querystring: Query,
        response: {
          200: Type.Object({
            total: Type.Integer(),
            page: Type.Integer(),
            pageSize: Type.Integer(),
            source: Source,
            syncedAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            hits: Type.Array(Hit),
          }),
          ...errorResponses(400),
        },
      },
    },
    async (req) => {
      const r = await searchDirectory(ctx.db, params(req.query));
      return { ...r, source: ctx.source, ...synced() } as never;
    },
  );

  app.get(
    '/api/directory/facets',
    {
      schema: {
        tags: ['directory'],
        summary: 'Counts by region, department, kind, sharing type and cross-province mode for a search; each facet ignores its own filter',
        querystring: FacetQuery,
        response: {
          200: Type.Object({
            source: Source,
            syncedAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            facets: Type.Object({ region: FacetList, department: FacetList, kind: FacetList, sharing: FacetList, mode: FacetList }),
          }),
          ...errorResponses(400),
        },
      },
    },
    async (req) => ({ source: ctx.source, ...synced(), facets: await directoryFacets(ctx.db, params(req.query)) }) as never,
  );

  app.get(
    '/api/directory/entries/:region/:kind/:id',
    {
      schema: {
        tags: ['directory'],
        summary: 'One directory entry in full: the published data resource, certificate type or service item',
        params: Type.Object(
          { region: Type.String({ pattern: '^[0-9]{6}$' }), kind: Type.Enum([...DIRECTORY_KINDS]), id: Type.String({ minLength: 1, maxLength: 128 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            kind: Type.Enum([...DIRECTORY_KINDS]),
            region: Region,
            id: Type.String(),
            seq: Type.Integer({ description: "the directory sequence of the entry's latest change" }),
            changedAt: Type.String(),
            publication: Type.Integer({ description: "the publishing region's publication sequence" }),
            version: Type.Union([Type.Integer(), Type.Null()]),
            publishedAt: Type.Union([Type.String(), Type.Null()]),
            content: Type.Object({}, { additionalProperties: true }),
            source: Source,
          }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (req) => {
      const e = await getDirectoryEntry(ctx.db, req.params.region, req.params.kind, req.params.id);
      if (!e) throw new TongbanError('E_NOT_FOUND', `no ${req.params.kind} ${req.params.id} of region ${req.params.region} in the directory`);
      return { ...e, source: ctx.source } as never;
    },
  );
}
