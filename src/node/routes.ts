// Node HTTP surface (application API for its own UI): identity and the federation as this node sees it.
import type { Kysely } from 'kysely';
import type { TongbanDB } from '../store/schema.js';
import type { App } from '../http/app.js';
import { memberSummary, trustListSummary } from '../federation/documents.js';
import { FederationMembersSchema, InfoSchema } from '../federation/api-schemas.js';
import type { NodeFederation } from './federation.js';

export interface NodeRouteContext {
  db: Kysely<TongbanDB>;
  federation: NodeFederation;
  regionCode: string;
  info: () => Record<string, unknown>;
}

export async function nodeRoutes(app: App, ctx: NodeRouteContext): Promise<void> {
  app.get('/api/info', { schema: { tags: ['federation'], summary: "This node's identity and membership", response: { 200: InfoSchema } } }, async () => ctx.info() as never);

  app.get(
    '/api/federation/members',
    {
      schema: {
        tags: ['federation'],
        summary: 'The signed member list this node holds (live from the hub or from its cache), with reachability',
        response: { 200: FederationMembersSchema },
      },
    },
    async () => {
      const s = ctx.federation.current;
      const list = s.trustList;
      const peers = await ctx.db.selectFrom('peer_status').selectAll().execute();
      const byCode = new Map(peers.map((p) => [p.region_code, p]));
      return {
        source: s.source ?? 'cache',
        trustList: list ? trustListSummary(list) : null,
        ...(s.hubReachable === false && s.hubError ? { hubError: s.hubError } : {}),
        members: (list?.members ?? []).map((m) => {
          const self = m.regionCode === ctx.regionCode;
          const peer = byCode.get(m.regionCode);
          return {
            ...memberSummary(m),
            online: self ? true : peer ? peer.online === 1 : null,
            lastSeenAt: self ? new Date().toISOString() : (peer?.last_seen_at ?? null),
            self,
          };
        }),
      };
    },
  );
}
