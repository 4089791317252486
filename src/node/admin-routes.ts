// The node administrator's API (role admin): operations on the node itself.
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses, type App } from '../http/app.js';
import { currentUser, requireUser } from '../identity/index.js';
import type { AuditSink } from '../audit/index.js';
import { rotateNodeKey, type RotationContext } from './key-rotation.js';
import type { NodeFederation } from './federation.js';

export interface AdminRouteContext {
  rotation: () => RotationContext;
  federation: NodeFederation;
  audit: AuditSink;
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
          await ctx.federation.syncNow();
          return r;
        } catch (e) {
          await ctx.audit.append({ category: 'security', action: 'key.rotated', actor: { type: 'user', id: user.id, department: user.department }, outcome: 'error', errorCode: (e as { code?: string }).code ?? 'E_INTERNAL' });
          throw e;
        }
      },
    );
  });
}
