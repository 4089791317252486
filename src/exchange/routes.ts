// Exchange HTTP surfaces of a node:
//  - the exchange API other nodes call (/api/exchange/v1/…), authenticated by signatures;
//  - the application API the clerk workbench calls (/api/exchange/…), behind a signed-in clerk.

import type { FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { TongbanError } from '../core/errors.js';
import { errorResponses, type App } from '../http/app.js';
import { currentUser, requireUser, type SessionUser } from '../identity/index.js';
import { evidenceFileName } from './evidence.js';
import { EXCHANGE_BODY_LIMIT, RequestSchema, ResponseSchema } from './envelope.js';
import type { ExchangeService } from './service.js';
import { PURPOSE_LIMITS } from '../core/purpose.js';

/** Exchange messages are validated by the exchange code itself, never coerced by the framework. */
const noFrameworkValidation = () => () => true;
const rawJson = () => (data: unknown) => JSON.stringify(data);

const FieldDefSchema = Type.Object({
  name: Type.String(),
  label: Type.Object({ zh: Type.String(), en: Type.String() }),
  type: Type.String(),
  sensitivity: Type.String(),
});
const ResourceDefSchema = Type.Object({
  id: Type.String(),
  name: Type.Object({ zh: Type.String(), en: Type.String() }),
  department: Type.String(),
  sourceSystem: Type.String(),
  subjectType: Type.String(),
  sharing: Type.String(),
  fields: Type.Array(FieldDefSchema),
});

const ExchangeInputSchema = Type.Object(
  {
    target: Type.String({ pattern: '^[0-9]{6}$' }),
    resource: Type.String({ pattern: '^[a-z][a-z0-9_.-]{1,63}$' }),
    subject: Type.Object({ type: Type.Enum(['citizen', 'enterprise']), idNumber: Type.String({ minLength: 15, maxLength: 18 }) }, { additionalProperties: false }),
    fields: Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }), { minItems: 1, maxItems: 64, uniqueItems: true }),
    purpose: Type.Object(
      {
        serviceItem: Type.String({ minLength: 1, maxLength: PURPOSE_LIMITS.serviceItem }),
        caseId: Type.String({ minLength: 1, maxLength: PURPOSE_LIMITS.caseId }),
        agreementId: Type.Optional(Type.String({ minLength: 1, maxLength: PURPOSE_LIMITS.agreementId })),
      },
      { additionalProperties: false },
    ),
    authorisation: Type.Optional(
      Type.Object({ type: Type.Enum(['citizen-consent', 'statutory']), reference: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
    ),
    reply: Type.Optional(Type.Enum(['sync', 'async'])),
  },
  { additionalProperties: false },
);

const AdapterHealthSchema = Type.Object({
  kind: Type.String(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('down'), Type.Literal('unknown')]),
  lastSuccessAt: Type.Union([Type.String(), Type.Null()]),
  lastErrorAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  consecutiveFailures: Type.Integer(),
  breaker: Type.Union([Type.Object({ state: Type.String(), openUntil: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  reads: Type.Object({ ok: Type.Integer(), notFound: Type.Integer(), failed: Type.Integer(), rejectedByBreaker: Type.Integer() }),
  quality: Type.Array(Type.String()),
  source: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()])),
});

const SourceStatusSchema = Type.Object({
  resource: Type.String(),
  name: Type.String({ description: 'the resource name in Chinese' }),
  nameEn: Type.String({ description: 'and in English' }),
  department: Type.String(),
  sourceSystem: Type.String(),
  adapter: Type.String(),
  served: Type.Boolean({ description: 'false: published, but its adapter is not configured on this node' }),
  health: Type.Union([AdapterHealthSchema, Type.Null()]),
});

const ExchangeViewSchema = Type.Object({}, { additionalProperties: true, description: 'ExchangeView: see docs/PROTOCOL.md §6' });

export async function exchangeRoutes(app: App, svc: ExchangeService): Promise<void> {
  // ---- exchange API (node to node) ----------------------------------------------------------
  app.post(
    '/api/exchange/v1/requests',
    {
      bodyLimit: EXCHANGE_BODY_LIMIT,
      validatorCompiler: noFrameworkValidation,
      serializerCompiler: rawJson,
      schema: {
        tags: ['exchange (node to node)'],
        summary: 'Serve a signed exchange request; the answer is a sealed response (200 ok, 202 accepted for later delivery, or an error status with a sealed error)',
        body: RequestSchema,
        response: { 200: ResponseSchema, 202: ResponseSchema },
      },
    },
    async (req, reply) => {
      const answer = await svc.provider.serve(req.body, req.ip);
      return (reply as FastifyReply).code(answer.status).send(answer.doc);
    },
  );

  app.post(
    '/api/exchange/v1/inbox',
    {
      bodyLimit: EXCHANGE_BODY_LIMIT,
      validatorCompiler: noFrameworkValidation,
      schema: {
        tags: ['exchange (node to node)'],
        summary: 'Durable delivery of a sealed response to an earlier request (slow sources); idempotent by message id',
        body: ResponseSchema,
        response: { 200: Type.Object({ received: Type.Boolean(), duplicate: Type.Boolean() }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const r = await svc.requester.receive(req.body);
      return { received: true, duplicate: r.duplicate };
    },
  );

  app.get(
    '/api/exchange/v1/resources',
    { schema: { tags: ['exchange (node to node)'], summary: 'The data resources this node serves, with their fields', response: { 200: Type.Object({ resources: Type.Array(ResourceDefSchema) }) } } },
    async () => ({ resources: svc.resources.list() }),
  );

  // ---- application API (the clerk workbench) -----------------------------------------------
  await app.register(async (instance) => {
    const clerk = instance.withTypeProvider<TypeBoxTypeProvider>();
    clerk.addHook('preHandler', requireUser('clerk'));

    clerk.get(
      '/api/exchange/partners',
      {
        schema: {
          tags: ['exchange (clerk)'],
          summary: 'Regions this node can request data from, and the route to each',
          response: {
            200: Type.Object({ partners: Type.Array(Type.Object({ regionCode: Type.String(), name: Type.String(), route: Type.String(), online: Type.Union([Type.Boolean(), Type.Null()]) })) }),
            ...errorResponses(401, 403),
          },
        },
      },
      async () => ({ partners: await svc.partners() }),
    );

    clerk.get(
      '/api/exchange/partners/:code/resources',
      {
        schema: {
          tags: ['exchange (clerk)'],
          summary: "A partner region's data resources (fetched from that node)",
          params: Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }),
          response: { 200: Type.Object({ resources: Type.Array(ResourceDefSchema) }), ...errorResponses(400, 401, 403, 502, 504) },
        },
      },
      async (req) => ({ resources: await svc.partnerResources(req.params.code) }),
    );

    clerk.get(
      '/api/exchange/service-items',
      {
        schema: {
          tags: ['exchange (clerk)'],
          summary: "Service items (事项) a request can name as its purpose: this node's published items, the confirmed national ones and its own 实施清单",
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({ code: Type.String(), name: Type.String(), department: Type.String(), origin: Type.Union([Type.Literal('national-confirmed'), Type.Literal('regional')]), source: Type.String() }),
              ),
            }),
          },
        },
      },
      async () => ({ items: await svc.serviceItems() }),
    );

    clerk.post(
      '/api/exchange/requests',
      {
        schema: {
          tags: ['exchange (clerk)'],
          summary: "Request a citizen's or enterprise's record from another region (200 completed or failed, 202 pending)",
          body: ExchangeInputSchema,
          response: { 200: Type.Object({ exchange: ExchangeViewSchema }), 202: Type.Object({ exchange: ExchangeViewSchema }), ...errorResponses(400, 401, 403, 503) },
        },
        serializerCompiler: rawJson,
      },
      async (req, reply) => {
        const user = currentUser(req);
        const view = await svc.requester.request(req.body, { id: user.id, name: user.name, department: user.department, roles: user.roles });
        return (reply as FastifyReply).code(view.status === 'pending' ? 202 : 200).send({ exchange: view });
      },
    );

    clerk.get(
      '/api/exchange/requests',
      {
        schema: {
          tags: ['exchange (clerk)'],
          summary: 'Your most recent exchanges',
          querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }, { additionalProperties: false }),
          response: { 200: Type.Object({ exchanges: Type.Array(ExchangeViewSchema) }), ...errorResponses(401, 403) },
        },
        serializerCompiler: rawJson,
      },
      async (req) => ({ exchanges: await svc.requester.list(currentUser(req).id, req.query.limit ?? 20) }),
    );
  });

  // ---- one exchange: its clerk, or an auditor ------------------------------------------------
  await app.register(async (instance) => {
    const reader = instance.withTypeProvider<TypeBoxTypeProvider>();
    reader.addHook('preHandler', requireUser('clerk', 'auditor'));
    const params = Type.Object({ messageId: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });
    /** Who may read an exchange: the clerk who made it, or an auditor. Anyone else is told it does not exist. */
    const mayRead = (user: SessionUser) => (ownerId: string) => ownerId === user.id || user.roles.includes('auditor');

    reader.get(
      '/api/exchange/requests/:messageId',
      {
        schema: {
          tags: ['exchange (clerk)'],
          summary: 'One of your exchanges (an auditor: any), with the verified record, provenance and seal',
          params,
          response: { 200: Type.Object({ exchange: ExchangeViewSchema }), ...errorResponses(401, 403, 404) },
        },
        serializerCompiler: rawJson,
      },
      async (req) => {
        const view = await svc.requester.view(req.params.messageId);
        if (!view || !mayRead(currentUser(req))(view.user.id)) throw new TongbanError('E_NOT_FOUND', `exchange ${req.params.messageId}`);
        return { exchange: view };
      },
    );

    reader.get(
      '/api/exchange/requests/:messageId/evidence',
      {
        schema: {
          tags: ['exchange (clerk)'],
          summary:
            "The evidence package (存证包) of a completed exchange, as an attachment: the signed request and sealed response as stored, the member list this node holds and the hub key id it pins — checkable offline with `tongban exchange verify-evidence` (docs/PROTOCOL.md §5.8). Audited as exchange.evidence.exported. 409 E_CONFLICT for a pending or failed exchange",
          params,
          response: { 200: Type.Object({}, { additionalProperties: true, description: 'tongban.exchange-evidence, format version 1' }), ...errorResponses(401, 403, 404, 409, 503) },
        },
      },
      async (req, reply) => {
        const user = currentUser(req);
        const pkg = await svc.requester.evidence(req.params.messageId, user, mayRead(user));
        return (reply as FastifyReply)
          .header('content-disposition', `attachment; filename="${evidenceFileName(pkg.summary.messageId)}"`)
          .header('cache-control', 'no-store')
          .type('application/json; charset=utf-8')
          .send(`${JSON.stringify(pkg, null, 2)}\n`);
      },
    );
  });

  // ---- the administrator's view of this node's sources -------------------------------------
  await app.register(async (instance) => {
    const admin = instance.withTypeProvider<TypeBoxTypeProvider>();
    admin.addHook('preHandler', requireUser('admin'));
    admin.get(
      '/api/exchange/sources',
      {
        schema: {
          tags: ['exchange (administration)'],
          summary: "What this node serves and how each source is doing: every published resource, its adapter and the adapter's health (status, last success and error, breaker, read counts, source quality); published resources whose adapter is not configured are listed with served: false",
          response: { 200: Type.Object({ sources: Type.Array(SourceStatusSchema) }), ...errorResponses(401, 403) },
        },
      },
      async () => ({ sources: svc.sources() }),
    );
  });
}
