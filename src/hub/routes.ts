// Hub HTTP surface: the join endpoint nodes call, the signed member list they fetch, and the
// operator's membership API — for a signed-in hub operator (an account with the role operator: its
// decisions are recorded under the person's name), or the bootstrap operator token (scripts, first setup).

import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TongbanError } from '../core/errors.js';
import { requireBearerToken } from '../keys/index.js';
import { requireUser } from '../identity/routes.js';
import type { TongbanDB } from '../store/schema.js';
import { errorResponses, type App } from '../http/app.js';
import {
  allowedDecisions,
  DECISIONS,
  DECISIONS_WITH_REASON,
  OPERATOR_TOKEN_ACTOR,
  rotateMemberKey,
  decideMembership,
  getMember,
  handleJoinRequest,
  listMembers,
  type DecisionActor,
  type JoinPolicy,
  type MemberStatus,
  type MemberView as Member,
} from './membership.js';
import { memberHistory } from './history.js';
import { currentTrustList, type TrustListContext } from './trust-list.js';
import { memberSummary, trustListSummary } from '../federation/documents.js';
import { FederationMembersSchema, InfoSchema, KeyRotationSchema, SignedDocumentSchema } from '../federation/api-schemas.js';
import type { AuditSink } from '../audit/index.js';

export interface HubRouteContext {
  db: Kysely<TongbanDB>;
  trust: TrustListContext;
  joinPolicy: JoinPolicy;
  info: () => Record<string, unknown>;
  operatorTokenHash: () => Promise<string | undefined>;
  /** the hub's audit log: membership requests and decisions are appended */
  audit?: AuditSink;
}

const MemberView = Type.Object({
  regionCode: Type.String(),
  name: Type.String(),
  endpoint: Type.String(),
  suite: Type.String(),
  status: Type.String(),
  requestedAt: Type.String(),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  keys: Type.Array(Type.Object({ keyId: Type.String(), suite: Type.String(), status: Type.String(), addedAt: Type.String() })),
  pendingChange: Type.Union([Type.Object({ endpoint: Type.String(), name: Type.String(), since: Type.String() }), Type.Null()], {
    description: "an approved member's new endpoint and name, waiting for approve-change or reject-change; the member list keeps the approved values",
  }),
  decisions: Type.Array(Type.Object({ decision: Type.Enum([...DECISIONS]), reasonRequired: Type.Boolean() }), {
    description: 'the decisions the operator may take on the member as it stands now (any other is refused with E_CONFLICT), and whether each needs a reason',
  }),
});

/** A member as the operator API shows it: with the decisions open to the operator. */
function operatorView(m: Member) {
  return { ...m, decisions: allowedDecisions(m).map((decision) => ({ decision, reasonRequired: DECISIONS_WITH_REASON.includes(decision) })) };
}

const ValueChange = Type.Object({ from: Type.String(), to: Type.String() });
/** src/hub/history.ts MemberEventDetail */
const EventDetail = Type.Union(
  [
    Type.Object({ kind: Type.Literal('reason'), reason: Type.String({ description: "the operator's reason, verbatim" }) }),
    Type.Object({ kind: Type.Literal('change'), endpoint: Type.Optional(ValueChange), name: Type.Optional(ValueChange), reason: Type.Optional(Type.String()) }),
    Type.Object({ kind: Type.Literal('after-rejection') }),
    Type.Object({ kind: Type.Literal('key-rotation'), oldKeyId: Type.String(), newKeyId: Type.String() }),
  ],
  { description: 'the facts of the event, structured, for a client to say in its own language; null on events recorded before the hub kept them so' },
);
const HistoryEntry = Type.Object({
  at: Type.String(),
  action: Type.String(),
  actor: Type.String({ description: 'node:<keyId>, user:<id> (a hub operator\'s account), operator-token, cli:<os user>, or a label (operator-api: the token, before accounts)' }),
  actorName: Type.Union([Type.String(), Type.Null()], { description: "the operator's name when the actor is an account (user:<id>)" }),
  actorDepartment: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.String(), Type.Null()], { description: 'the facts in English words (on older events, the text recorded then)' }),
  data: Type.Union([EventDetail, Type.Null()]),
});

const JoinAnswer = Type.Object({
  status: Type.String(),
  regionCode: Type.String(),
  keyId: Type.String(),
  changePending: Type.Optional(Type.Boolean({ description: 'an approved member asked for a new endpoint or name; it waits for the operator' })),
});

/** a signed-in hub operator (the tb_session cookie), or the bootstrap operator token */
const OPERATOR_SECURITY: Array<Record<string, string[]>> = [{ session: [] }, { operatorToken: [] }];

const RegionParams = Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false });

export async function hubRoutes(app: App, ctx: HubRouteContext): Promise<void> {
  app.get('/api/info', { schema: { tags: ['federation'], summary: "This server's identity", response: { 200: InfoSchema } } }, async () => ctx.info() as never);

  app.post(
    '/api/hub/members/join',
    {
      schema: {
        tags: ['hub'],
        summary: 'A node asks to join (or re-asserts its membership): a join request signed by the key it announces',
        body: SignedDocumentSchema,
        response: {
          200: JoinAnswer,
          202: JoinAnswer,
          ...errorResponses(400, 401, 403, 409),
        },
      },
    },
    async (req, reply) => {
      const outcome = await handleJoinRequest(ctx.db, req.body, ctx.joinPolicy);
      req.log.info({ regionCode: outcome.regionCode, status: outcome.status, changed: outcome.changed }, 'join request');
      if (outcome.changed) {
        await ctx.audit?.append({
          category: 'membership', action: outcome.status === 'pending' ? 'member.requested' : outcome.changePending ? 'member.change-requested' : 'member.updated', actor: { type: 'node', id: outcome.keyId, regionCode: outcome.regionCode },
          outcome: 'ok', counterparty: outcome.regionCode, detail: { status: outcome.status },
        });
      }
      const body = { status: outcome.status, regionCode: outcome.regionCode, keyId: outcome.keyId, ...(outcome.changePending ? { changePending: true } : {}) };
      if (outcome.status === 'suspended') throw new TongbanError('E_FORBIDDEN', `region ${outcome.regionCode} is suspended`);
      return reply.code(outcome.status === 'approved' ? 200 : 202).send(body);
    },
  );

  app.post(
    '/api/hub/keys/rotate',
    {
      schema: {
        tags: ['hub'],
        summary: "A member replaces its signing key: signed by its current key, with the new key's proof of possession; the old key is retired",
        body: KeyRotationSchema,
        response: { 200: Type.Object({ regionCode: Type.String(), oldKeyId: Type.String(), newKeyId: Type.String() }), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req) => {
      const r = await rotateMemberKey(ctx.db, req.body, new Date(), { audit: ctx.audit });
      req.log.info({ regionCode: r.regionCode, oldKeyId: r.oldKeyId, newKeyId: r.newKeyId }, 'member key rotated');
      return r;
    },
  );

  app.get(
    '/api/hub/trust-list',
    {
      schema: {
        tags: ['hub'],
        summary: 'The signed member list (trust list): members, their endpoints and keys; supports If-None-Match',
        response: { 200: SignedDocumentSchema },
      },
    },
    async (req, reply) => {
      const current = await currentTrustList(ctx.trust);
      reply.header('etag', current.etag).header('cache-control', 'no-cache');
      if (req.headers['if-none-match'] === current.etag) return (reply as FastifyReply).code(304).send();
      return current.doc as never;
    },
  );

  app.get(
    '/api/federation/members',
    { schema: { tags: ['federation'], summary: 'Members as the hub knows them, with pending requests', response: { 200: FederationMembersSchema } } },
    async () => {
      const current = await currentTrustList(ctx.trust);
      const all = await listMembers(ctx.db);
      const p = current.doc.payload;
      return {
        source: 'self' as const,
        trustList: trustListSummary(p),
        members: p.members.map((m) => ({
          ...memberSummary(m),
          online: null,
          lastSeenAt: null,
          self: false,
        })),
        pending: all
          .filter((m) => m.status === 'pending')
          .map((m) => ({
            regionCode: m.regionCode,
            name: m.name,
            endpoint: m.endpoint,
            suite: m.suite,
            keyId: m.keys.find((k) => k.status === 'active')?.keyId ?? '',
            requestedAt: m.requestedAt,
          })),
      };
    },
  );

  // ---- operator API ------------------------------------------------------------------------
  await app.register(async (instance) => {
    const op = instance.withTypeProvider<TypeBoxTypeProvider>();
    op.addHook('onRequest', async (req) => {
      await requireOperator(req, ctx);
    });
    // decisions may be posted without a body (curl -X POST); treat that as {}
    op.addHook('preValidation', async (req) => {
      if (req.method === 'POST' && req.body === undefined) req.body = {};
    });

    op.get(
      '/api/hub/members',
      {
        schema: {
          tags: ['hub operator'],
          summary: 'All membership requests and members',
          security: OPERATOR_SECURITY,
          querystring: Type.Object({ status: Type.Optional(Type.Enum(['pending', 'approved', 'rejected', 'suspended'])) }, { additionalProperties: false }),
          response: { 200: Type.Object({ members: Type.Array(MemberView) }), ...errorResponses(401, 403) },
        },
      },
      async (req) => ({ members: (await listMembers(ctx.db, req.query.status as MemberStatus | undefined)).map(operatorView) }),
    );

    op.get(
      '/api/hub/members/:code',
      {
        schema: {
          tags: ['hub operator'],
          summary: 'One member with its decision history',
          security: OPERATOR_SECURITY,
          params: RegionParams,
          response: { 200: Type.Object({ member: MemberView, history: Type.Array(HistoryEntry) }), ...errorResponses(401, 403, 404) },
        },
      },
      async (req) => {
        const member = await getMember(ctx.db, req.params.code);
        if (!member) throw new TongbanError('E_NOT_FOUND', `no member ${req.params.code}`);
        return { member: operatorView(member), history: await memberHistory(ctx.db, req.params.code) };
      },
    );

    for (const decision of DECISIONS) {
      op.post(
        `/api/hub/members/:code/${decision}`,
        {
          schema: {
            tags: ['hub operator'],
            summary: `${decision[0]!.toUpperCase()}${decision.slice(1).replace('-', ' ')} ${decision.endsWith('-change') ? "an approved member's pending endpoint/name change" : 'a member'}${DECISIONS_WITH_REASON.includes(decision) ? ' (reason required)' : ''}`,
            security: OPERATOR_SECURITY,
            params: RegionParams,
            body: (Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, { additionalProperties: false })),
            response: { 200: MemberView, ...errorResponses(400, 401, 403, 404, 409) },
          },
        },
        async (req) => {
          const reason = (req.body as { reason?: string } | undefined)?.reason;
          const member = await decideMembership(ctx.db, req.params.code, decision, decidedBy(req), reason, undefined, { audit: ctx.audit });
          req.log.info({ regionCode: member.regionCode, decision, by: req.user?.id ?? OPERATOR_TOKEN_ACTOR }, 'membership decision');
          return operatorView(member);
        },
      );
    }
  });
}

const requireOperatorAccount = requireUser('operator');
/** the hub's auditors read members and their histories; only operators decide */
const requireReaderAccount = requireUser('operator', 'auditor');

/**
 * The operator API's guard. A request with an Authorization header is judged by the bootstrap token
 * alone (a wrong one is 401, whatever cookie comes with it); any other needs a signed-in account with
 * the role operator, or auditor for a read (none: 401 E_UNAUTHENTICATED; without the role: 403
 * E_FORBIDDEN). A browser's state-changing request from another site has been refused before
 * (http/cross-site.ts), as on a node.
 */
async function requireOperator(req: FastifyRequest, ctx: HubRouteContext): Promise<void> {
  if (req.headers.authorization !== undefined) {
    requireBearerToken(req.headers.authorization, await ctx.operatorTokenHash(), 'operator token required (Authorization: Bearer …)');
    return;
  }
  await (req.method === 'GET' || req.method === 'HEAD' ? requireReaderAccount(req) : requireOperatorAccount(req));
}

/** Who decides: the signed-in operator by name, else the bootstrap token. */
function decidedBy(req: FastifyRequest): DecisionActor {
  return req.user ? { userId: req.user.id, department: req.user.department, regionCode: req.user.regionCode } : OPERATOR_TOKEN_ACTOR;
}
