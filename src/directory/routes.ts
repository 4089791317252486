// HTTP surface of the directory. Hub: members post signed publications, anyone reads the signed
// directory pages and a region's publication status, and search runs over the directory. Node: search
// over its cache, and the state of its cache and of its own publication.

import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { FastifyReply } from 'fastify';
import type { Signer } from '../core/signed-document.js';
import { TongbanError } from '../core/errors.js';
import type { TongbanDB } from '../store/schema.js';
import { errorResponses, type App } from '../http/app.js';
import { SignedDocumentSchema } from '../federation/api-schemas.js';
import { searchRoutes } from '../search/routes.js';
import { acceptPublication, directoryPage, publicationStatus } from './hub.js';
import { DIRECTORY_PAGE_DEFAULT, DIRECTORY_PAGE_MAX } from './documents.js';
import type { DirectoryPublisher, DirectorySync } from './node.js';

/** A region's whole catalog travels in one publication; larger than the default body limit. */
export const PUBLICATION_BODY_LIMIT = 32 * 1024 * 1024;

export interface DirectoryHubContext {
  db: Kysely<TongbanDB>;
  signer: Signer;
}

const Outcome = Type.Object({
  regionCode: Type.String(),
  sequence: Type.Integer(),
  accepted: Type.Boolean(),
  added: Type.Integer(),
  updated: Type.Integer(),
  withdrawn: Type.Integer(),
  unchanged: Type.Integer(),
  head: Type.Integer(),
});

export async function directoryHubRoutes(app: App, ctx: DirectoryHubContext): Promise<void> {
  app.post(
    '/api/hub/directory/publications',
    {
      bodyLimit: PUBLICATION_BODY_LIMIT,
      schema: {
        tags: ['hub'],
        summary: "A member publishes its whole published catalog (signed by its active key); the hub replaces that member's directory entries",
        body: SignedDocumentSchema,
        response: { 200: Outcome, 201: Outcome, ...errorResponses(400, 401, 403, 409, 413) },
      },
    },
    async (req, reply) => {
      const outcome = await acceptPublication(ctx.db, req.body);
      req.log.info(outcome, 'directory publication');
      return reply.code(outcome.accepted ? 201 : 200).send(outcome);
    },
  );

  app.get(
    '/api/hub/directory/publications/:code',
    {
      schema: {
        tags: ['hub'],
        summary: "The publication of a region the hub holds: its sequence, the digest of its entries, when it came",
        params: Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ regionCode: Type.String(), sequence: Type.Integer(), entriesDigest: Type.String(), publishedAt: Type.String(), receivedAt: Type.String(), entries: Type.Integer() }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (req) => {
      const s = await publicationStatus(ctx.db, req.params.code);
      if (!s) throw new TongbanError('E_NOT_FOUND', `region ${req.params.code} has not published to the directory`);
      return s;
    },
  );

  app.get(
    '/api/hub/directory',
    {
      schema: {
        tags: ['hub'],
        summary: 'The signed directory: entries changed after ?since= (incremental; tombstones for withdrawn entries), in sequence order, paged',
        querystring: Type.Object(
          {
            since: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'the sequence the reader holds (0 or absent: the whole directory)' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DIRECTORY_PAGE_MAX, default: DIRECTORY_PAGE_DEFAULT })),
          },
          { additionalProperties: false },
        ),
        response: { 200: SignedDocumentSchema, ...errorResponses(400) },
      },
    },
    async (req, reply) => {
      const doc = await directoryPage(ctx.db, ctx.signer, { since: req.query.since ?? 0, limit: req.query.limit ?? DIRECTORY_PAGE_DEFAULT });
      (reply as FastifyReply).header('cache-control', 'no-store');
      return doc as never;
    },
  );

  await app.register(searchRoutes, { db: ctx.db, source: 'hub' });
}

export interface DirectoryNodeContext {
  db: Kysely<TongbanDB>;
  sync: DirectorySync;
  publisher?: DirectoryPublisher;
}

export async function directoryNodeRoutes(app: App, ctx: DirectoryNodeContext): Promise<void> {
  app.get(
    '/api/directory/status',
    {
      schema: {
        tags: ['directory'],
        summary: "This node's cache of the hub's directory (sequence, last sync, hub reachable) and its own publication",
        response: {
          200: Type.Object({
            cache: Type.Object({
              directoryId: Type.Union([Type.String(), Type.Null()]),
              sequence: Type.Integer(),
              syncedAt: Type.Union([Type.String(), Type.Null()]),
              hubReachable: Type.Union([Type.Boolean(), Type.Null()]),
              entries: Type.Integer(),
              error: Type.Optional(Type.String()),
            }),
            publication: Type.Union([
              Type.Object({
                sequence: Type.Integer(),
                accepted: Type.Boolean(),
                lastAttemptAt: Type.Union([Type.String(), Type.Null()]),
                lastAcceptedAt: Type.Union([Type.String(), Type.Null()]),
                error: Type.Optional(Type.String()),
              }),
              Type.Null(),
            ]),
          }),
        },
      },
    },
    async () => {
      const n = await ctx.db.selectFrom('directory_entry').select((eb) => eb.fn.countAll().as('n')).where('deleted', '=', 0).executeTakeFirst();
      const s = ctx.sync.current;
      return {
        cache: { directoryId: s.directoryId, sequence: s.sequence, syncedAt: s.syncedAt, hubReachable: s.hubReachable, entries: Number(n?.n ?? 0), ...(s.error ? { error: s.error } : {}) },
        publication: ctx.publisher ? ctx.publisher.current : null,
      } as never;
    },
  );

  await app.register(searchRoutes, { db: ctx.db, source: 'cache', syncedAt: () => ctx.sync.current.syncedAt });
}
