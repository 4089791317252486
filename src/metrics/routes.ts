// GET /metrics: the Prometheus exposition, for the holder of the metrics token only (data/metrics.token,
// made on first start; `tongban metrics-token` issues a new one). Monitoring reads it with
// `authorization: bearer_token_file`.

import type { FastifyInstance } from 'fastify';
import { requireBearerToken } from '../keys/index.js';
import { errorResponses } from '../http/app.js';
import { METRICS_CONTENT_TYPE, type Metrics } from './index.js';

export interface MetricsRouteContext {
  metrics: Metrics;
  tokenHash: () => Promise<string | undefined>;
}

export async function metricsRoutes(app: FastifyInstance, ctx: MetricsRouteContext): Promise<void> {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Operational metrics (Prometheus text format) for the holder of the metrics token',
        security: [{ metricsToken: [] }],
        response: { ...errorResponses(401) },
      },
    },
    async (req, reply) => {
      requireBearerToken(req.headers.authorization, await ctx.tokenHash(), 'metrics token required (Authorization: Bearer …, the token is in data/metrics.token)');
      return reply.type(METRICS_CONTENT_TYPE).send(await ctx.metrics.text());
    },
  );
}
