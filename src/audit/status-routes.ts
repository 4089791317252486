// A node's audit status for its data administrators and auditors: GET /api/audit/status (status.ts).
// The console's 审计与存证 page reads it; declaring a restore is the administrators' POST
// /api/admin/audit/restore (node/admin-routes.ts).
import { Type, type TSchema } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses, type App } from '../http/app.js';
import { requireUser } from '../identity/index.js';
import type { AuditLog } from './log.js';

export interface AuditStatusRouteContext {
  audit: Pick<AuditLog, 'anchoringStatus'>;
}

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

const StatusView = Type.Object({
  regionCode: Type.String(),
  state: Type.Union([Type.Literal('anchored'), Type.Literal('pending'), Type.Literal('held'), Type.Literal('refused')], {
    description:
      'anchored: every checkpoint countersigned; pending: some wait and are retried (the hub unreachable, or not sent yet); held: the hub refused one because the log went back (E_CONFLICT) and the rest wait behind it until a restore is declared; refused: the hub refused one for another reason (errorCode: E_FORBIDDEN while the membership is not approved, E_NOT_TRUSTED, E_CLOCK_SKEW…), retried until that is put right',
  }),
  held: Type.Boolean({ description: 'a refusal holds anchoring back until an administrator declares the restore' }),
  head: Type.Object({ seq: Type.Integer(), at: Nullable(Type.String()) }, { description: 'the last entry of the log' }),
  sinceCheckpoint: Type.Integer({ description: 'entries after the last checkpoint: they go into the next one' }),
  policy: Type.Object({ everyEntries: Type.Integer(), everySeconds: Type.Integer() }),
  checkpoints: Type.Object({ total: Type.Integer(), anchored: Type.Integer(), pending: Type.Integer() }),
  lastAnchored: Nullable(Type.Object({ seq: Type.Integer(), anchoredAt: Nullable(Type.String()) })),
  oldestPending: Nullable(
    Type.Object({
      seq: Type.Integer(),
      createdAt: Type.String(),
      lastAttemptAt: Nullable(Type.String()),
      lastError: Nullable(Type.String({ description: "what the last attempt met: the hub's answer" })),
      errorCode: Nullable(
        Type.String({
          description: 'the code of that answer: E_HUB_UNAVAILABLE (unreachable, retried: pending); E_CONFLICT (the log went back: held); any other (refused); null: not sent yet, or not recorded (pending)',
        }),
      ),
    }),
  ),
  divergence: Type.Optional(
    Type.Object(
      {
        keepThrough: Type.Integer({ description: 'the highest seq the hub anchored that this log still holds unchanged' }),
        keepHeadHash: Nullable(Type.String()),
        hubHighest: Type.Integer({ description: 'the highest seq the hub anchors for this region' }),
        lost: Type.Integer({ description: 'anchors after keepThrough: what a restore declaration would set aside' }),
      },
      { description: 'when held: where this log and the hub’s anchors part' },
    ),
  ),
  restores: Nullable(
    Type.Array(
      Type.Object({
        declaredAt: Type.String(),
        recordedAt: Type.String(),
        keepThrough: Type.Integer(),
        supersededFrom: Type.Integer(),
        supersededThrough: Type.Integer(),
        superseded: Type.Integer(),
        reason: Type.String(),
        declarationDigest: Type.String({ description: "the signed declaration's digest (the receipt's declarationDigest); '' when it is malformed" }),
        declaredBy: Nullable(
          Type.Object(
            {
              actorType: Type.String(),
              id: Type.String({ description: "the staff member's login name" }),
              name: Nullable(Type.String({ description: "their name from this node's accounts; null when the account is gone" })),
              department: Nullable(Type.String({ description: 'their department as the entry records it' })),
              seq: Type.Integer({ description: "the entry in this node's log" }),
              at: Type.String(),
            },
            { description: "who declared it, from this node's own log (its audit.restore-declared entry); null when the log holds no record of it" },
          ),
        ),
        verified: Type.Boolean({ description: "the region's signature on the declaration and the hub's receipt both verify against this node's member list (as tongban audit verify checks them)" }),
        problem: Type.Optional(
          Type.Object(
            {
              check: Type.Union([Type.Literal('shape'), Type.Literal('region'), Type.Literal('declaration'), Type.Literal('hub-keys'), Type.Literal('receipt')]),
              reason: Type.String(),
            },
            { description: "when not verified, the first check it fails: shape (malformed), region (another region's), declaration (the region's signature), hub-keys (not known yet), receipt (the hub's)" },
          ),
        ),
      }),
      { description: "this region's restore declarations as the hub holds them, oldest first; null when the hub could not be asked" },
    ),
  ),
  hubError: Type.Optional(Type.String({ description: 'why the hub could not be asked' })),
});

export async function auditStatusRoutes(app: App, ctx: AuditStatusRouteContext): Promise<void> {
  await app.register(async (instance) => {
    const r = instance.withTypeProvider<TypeBoxTypeProvider>();
    r.addHook('preHandler', requireUser('admin', 'auditor'));
    r.get(
      '/api/audit/status',
      {
        schema: {
          tags: ['audit'],
          summary:
            "Where this node's audit anchoring stands: the log's head, checkpoints anchored and pending, the oldest pending one and its last error, whether a refusal holds anchoring back, and the region's restore declarations as the hub holds them (data administrators and auditors)",
          response: { 200: StatusView, ...errorResponses(401, 403) },
        },
      },
      async () => ctx.audit.anchoringStatus(),
    );
  });
}
