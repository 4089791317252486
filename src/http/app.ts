// http: the Fastify application every server role shares — error vocabulary on the wire, body
// limits, request ids, health and readiness, the OpenAPI document and docs, and the web UI.
// Role-specific routes are registered by src/hub and src/node as encapsulated plugins.

import { existsSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { Type } from 'typebox';
import { ERRORS, TongbanError, errorBodySchema, isTongbanError, type ErrorBody } from '../core/errors.js';
import { maskPersonalData } from '../core/mask.js';
import { refuseCrossSite } from './cross-site.js';
import { packageVersion, webRoot } from '../paths.js';
import type { Logger } from './logger.js';

export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger, TypeBoxTypeProvider>;

export interface ReadinessCheck {
  name: string;
  /** resolves to a short status; throws (or returns ok: false) when not ready */
  check: () => Promise<{ ok: boolean; detail?: string }>;
}

export interface AppOptions {
  logger: Logger;
  title: string;
  description: string;
  readiness: ReadinessCheck[];
  /** serve the web UI from dist/web (default true) */
  serveWeb?: boolean;
  bodyLimit?: number;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function preferredLanguage(req: FastifyRequest): 'zh-CN' | 'en' {
  const h = req.headers['accept-language'];
  return typeof h === 'string' && /^en\b/i.test(h.trim()) ? 'en' : 'zh-CN';
}

export function sendError(reply: FastifyReply, req: FastifyRequest, err: TongbanError): FastifyReply {
  if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
  return reply.code(err.status).type('application/json; charset=utf-8').send(err.toBody(preferredLanguage(req)));
}

/** Reference to the shared error schema for route `response` declarations. */
export const ErrorRef = Type.Unsafe<ErrorBody>({
  $ref: 'ErrorBody#',
});

export async function buildApp(opts: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
    },
    ajv: {
      // Unknown fields are refused, never silently dropped: a dropped field under a signature would
      // change what was signed. Query strings still get type coercion.
      customOptions: { removeAdditional: false, useDefaults: true, coerceTypes: 'array', allErrors: false },
    },
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.addSchema(errorBodySchema);
  app.addHook('onRequest', async (req) => {
    refuseCrossSite(req);
    refuseOtherCharset(req.headers['content-type']);
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const mapped = mapError(error);
    if (mapped.status >= 500) {
      // the stack's first line repeats the message: masked like it
      req.log.error({ err: { type: error.name, message: maskPersonalData(error.message), stack: error.stack ? maskPersonalData(error.stack) : undefined } }, 'request failed');
    } else {
      req.log.info({ code: mapped.code, detail: mapped.detail ? maskPersonalData(mapped.detail) : undefined }, 'request refused');
    }
    return sendError(reply, req, mapped);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: opts.title, description: opts.description, version: packageVersion() },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'tb_session', description: 'a signed-in account (POST /api/session)' },
          operatorToken: { type: 'http', scheme: 'bearer', description: "the hub's bootstrap operator token (data/operator.token)" },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'metrics token (data/metrics.token)' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, uiConfig: { docExpansion: 'list', deepLinking: true } });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'Liveness: the process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  const ReadyBody = Type.Object({
    status: Type.Union([Type.Literal('ready'), Type.Literal('not-ready')]),
    checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) })),
  });
  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'Readiness: database reachable, keys loaded, membership in order', response: { 200: ReadyBody, 503: ReadyBody } } },
    async (_req, reply) => {
      const checks: Record<string, { ok: boolean; detail?: string }> = {};
      await Promise.all(
        opts.readiness.map(async (c) => {
          try {
            checks[c.name] = await c.check();
          } catch (e) {
            checks[c.name] = { ok: false, detail: maskPersonalData(e instanceof TongbanError ? (e.detail ?? e.code) : (e as Error).message) };
          }
        }),
      );
      const ready = Object.values(checks).every((c) => c.ok);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
    },
  );

  const root = webRoot();
  const hasWeb = opts.serveWeb !== false && existsSync(join(root, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: ['index.html'], cacheControl: true, maxAge: '1h' });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (req.method === 'GET' && !path.startsWith('/api/') && hasWeb) {
      // client-side routes of the single-page UI
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return sendError(reply, req, new TongbanError('E_NOT_FOUND', `${req.method} ${path}`));
  });
  return app;
}

/**
 * Bodies are UTF-8 (PROTOCOL §1.1). A body declared in another charset would be read as UTF-8 all the
 * same, and what was signed would not be what is read: refused before it is parsed.
 */
function refuseOtherCharset(contentType: string | undefined): void {
  const charset = contentType && /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  if (charset && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
    throw new TongbanError('E_INVALID_REQUEST', `bodies are UTF-8 JSON: charset=${charset} is not accepted`);
  }
}

function mapError(error: FastifyError): TongbanError {
  if (isTongbanError(error)) return error;
  if (error.validation) return new TongbanError('E_INVALID_REQUEST', `${error.validationContext ?? 'request'}: ${error.message.replace(/^\w+\/?/, (m) => m)}`);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TongbanError('E_PAYLOAD_TOO_LARGE', error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new TongbanError('E_INVALID_REQUEST', error.message);
    default:
      break;
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // e.g. malformed JSON from the body parser
    return new TongbanError('E_INVALID_REQUEST', error.message);
  }
  return new TongbanError('E_INTERNAL');
}

export function errorResponses(...codes: number[]): Record<number, typeof ErrorRef> {
  return Object.fromEntries(codes.map((c) => [c, ErrorRef]));
}

export { ERRORS };
