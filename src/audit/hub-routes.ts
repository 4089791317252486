// Hub HTTP surface of audit anchoring: members post signed checkpoints and get a countersignature;
// anyone (auditors, the node's `tongban audit verify`) reads a region's anchors. A member whose log
// went back declares it, and anyone reads those declarations. docs/PROTOCOL.md §6.4–6.6.

import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Signer } from '../core/signed-document.js';
import type { TongbanDB } from '../store/schema.js';
import { errorResponses, type App } from '../http/app.js';
import { SignedDocumentSchema } from '../federation/api-schemas.js';
import { anchorCheckpoint, listAnchors, listRestores, recordRestore } from './hub-anchors.js';
import type { AuditSink } from './index.js';

export interface AuditHubRouteContext {
  db: Kysely<TongbanDB>;
  /** the hub's signing key: countersignatures */
  signer: Signer;
  /** the hub's own log: restore declarations are recorded in it */
  audit?: AuditSink;
}

const RegionParams = Type.Object({ regionCode: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false });

const AnchorView = Type.Object({
  seq: Type.Integer(),
  headHash: Type.String(),
  receivedAt: Type.String(),
  checkpoint: SignedDocumentSchema,
  countersignature: SignedDocumentSchema,
});

export async function auditHubRoutes(app: App, ctx: AuditHubRouteContext): Promise<void> {
  app.post(
    '/api/hub/audit/anchors',
    {
      schema: {
        tags: ['hub'],
        summary: "A member anchors a checkpoint of its audit log (signed by its active key); the hub records it and countersigns",
        body: SignedDocumentSchema,
        response: {
          200: Type.Object({ anchor: SignedDocumentSchema }),
          201: Type.Object({ anchor: SignedDocumentSchema }),
          ...errorResponses(400, 401, 403, 409),
        },
      },
    },
    async (req, reply) => {
      const { anchor, created } = await anchorCheckpoint(ctx.db, ctx.signer, req.body);
      req.log.info({ regionCode: anchor.payload.regionCode, seq: anchor.payload.seq, created }, 'audit checkpoint anchored');
      return reply.code(created ? 201 : 200).send({ anchor: anchor as never });
    },
  );

  app.get(
    '/api/hub/audit/anchors/:regionCode',
    {
      schema: {
        tags: ['hub'],
        summary: "The checkpoints a region has anchored, oldest first, with the hub's countersignatures; page with ?after=<seq>",
        params: RegionParams,
        querystring: Type.Object(
          { after: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ regionCode: Type.String(), anchors: Type.Array(AnchorView), next: Type.Optional(Type.Integer({ description: 'pass as ?after= for the next page' })) }),
          ...errorResponses(400),
        },
      },
    },
    async (req) => {
      const page = await listAnchors(ctx.db, req.params.regionCode, req.query.after ?? 0, req.query.limit ?? 500);
      return { regionCode: req.params.regionCode, ...page } as never;
    },
  );

  app.post(
    '/api/hub/audit/restores',
    {
      schema: {
        tags: ['hub'],
        summary: "A member declares that its audit log went back (restored from an older backup): the hub records it and moves the anchors of the lost history aside, so that the member's new checkpoints are anchored again",
        body: SignedDocumentSchema,
        response: {
          200: Type.Object({ receipt: SignedDocumentSchema }),
          201: Type.Object({ receipt: SignedDocumentSchema }),
          ...errorResponses(400, 401, 403, 409),
        },
      },
    },
    async (req, reply) => {
      const { receipt, created } = await recordRestore(ctx.db, ctx.signer, req.body, { ...(ctx.audit ? { audit: ctx.audit } : {}) });
      const p = receipt.payload;
      req.log.warn({ regionCode: p.regionCode, keepThrough: p.keepThrough, supersededFrom: p.supersededFrom, supersededThrough: p.supersededThrough, created }, 'audit restore declared');
      return reply.code(created ? 201 : 200).send({ receipt: receipt as never });
    },
  );

  app.get(
    '/api/hub/audit/restores/:regionCode',
    {
      schema: {
        tags: ['hub'],
        summary: "A region's restore declarations, oldest first: each with the hub's receipt and the anchors it superseded",
        params: RegionParams,
        response: {
          200: Type.Object({
            regionCode: Type.String(),
            restores: Type.Array(
              Type.Object({
                declaration: SignedDocumentSchema,
                receipt: SignedDocumentSchema,
                superseded: Type.Array(Type.Object({ seq: Type.Integer(), headHash: Type.String(), receivedAt: Type.String() })),
              }),
            ),
          }),
          ...errorResponses(400),
        },
      },
    },
    async (req) => ({ regionCode: req.params.regionCode, restores: (await listRestores(ctx.db, req.params.regionCode)) as never }),
  );
}
