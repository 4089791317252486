// The node administrator's API (role admin): operations on the node itself.
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses, type App } from '../http/app.js';
import { currentUser, requireUser } from '../identity/index.js';
import type { AuditLog, AuditSink } from '../audit/index.js';
import { MAX_RESTORE_REASON } from '../audit/documents.js';
import { rotateNodeKey, type RotationContext } from './key-rotation.js';
import type { NodeFederation } from './federation.js';

export interface AdminRouteContext {
  rotation: () => RotationContext;
  federation: NodeFederation;
  audit: AuditSink & Pick<AuditLog, 'declareRestore'>;
}

export async function nodeAdminRoutes(app: App, ctx: AdminRouteContext): Promise<void> {
  await app.register(async (instance) => {
    const admin = instance.withTypeProvider<TypeBoxTypeProvider>();
    admin.addHook('preHandler', requireUser('admin'));
    admin.post(
      '/api/admin/keys/rotate',
      {
        schema: {
          tags: ['node administration'],
          summary: "Replace this node's signing key: the hub retires the old key (what it signed stays verifiable) and the node signs with the new one at once",
          response: { 200: Type.Object({ oldKeyId: Type.String(), newKeyId: Type.String() }), ...errorResponses(401, 403, 409, 503) },
        },
      },
      async (req) => {
        const user = currentUser(req);
        try {
          const r = await rotateNodeKey(ctx.rotation());
          await ctx.audit.append({ category: 'security', action: 'key.rotated', actor: { type: 'user', id: user.id, department: user.department }, outcome: 'ok', detail: { ...r } });
          await ctx.federation.syncFresh(); // the list with the new key, not one a running round fetched before it
          return r;
        } catch (e) {
          await ctx.audit.append({ category: 'security', action: 'key.rotated', actor: { type: 'user', id: user.id, department: user.department }, outcome: 'error', errorCode: (e as { code?: string }).code ?? 'E_INTERNAL' });
          throw e;
        }
      },
    );

    admin.post(
      '/api/admin/audit/restore',
      {
        schema: {
          tags: ['node administration'],
          summary:
            "After restoring this node's database from an older backup: declare to the hub the audit history the backup lost (the anchors after the last one this log still holds), so that the hub sets those anchors aside and anchors this log's checkpoints again. Recorded in both logs with the reason.",
          body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: MAX_RESTORE_REASON, description: 'why the log went back: the backup restored, the incident' }) }, { additionalProperties: false }),
          response: {
            200: Type.Object({
              keepThrough: Type.Integer({ description: 'the highest anchored seq this log still holds' }),
              supersededFrom: Type.Integer(),
              supersededThrough: Type.Integer(),
              superseded: Type.Integer({ description: 'anchors the hub set aside' }),
              anchoring: Type.Object({ anchored: Type.Integer(), pending: Type.Integer(), error: Type.Optional(Type.String()) }),
            }),
            ...errorResponses(400, 401, 403, 409, 503),
          },
        },
      },
      async (req) => {
        const user = currentUser(req);
        const r = await ctx.audit.declareRestore(req.body.reason, { type: 'user', id: user.id, department: user.department });
        const { keepThrough, supersededFrom, supersededThrough, superseded } = r.receipt.payload;
        return { keepThrough, supersededFrom, supersededThrough, superseded, anchoring: r.anchoring };
      },
    );
  });
}
