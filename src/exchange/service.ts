// exchange: signed requests and sealed responses between regions (请求调阅), direct or through the
// hub relay, with replay protection, access policy, source adapters, durable delivery for slow
// sources and audit on both sides. This module assembles the parts for one node.

import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { TongbanError } from '../core/errors.js';
import type { ServerConfig } from '../config/index.js';
import type { TongbanDB } from '../store/schema.js';
import type { Signer } from '../core/signed-document.js';
import { AdapterHost, ResourceRegistry, type ResourceDef } from '../adapters/index.js';
import { REGISTRIES_CONNECTION, registryResourceConfigs } from '../adapters/registry-resources.js';
import type { NodeFederation } from '../node/federation.js';
import { BatchSigner } from './seal.js';
import { ReplayGuard } from './replay.js';
import { Provider } from './provider.js';
import { Requester, type Route } from './requester.js';
import { Outbox } from './outbox.js';
import { Conversations } from './conversations.js';
import type { SealedResponse } from './envelope.js';
import { canonicalBytes } from '../core/jcs.js';
import { PeriodicTask, purgeOlderThan, type PurgeTarget } from '../store/purge.js';
import { PeerHttp } from './http.js';
import { trustIndexOf } from './trust.js';
import type { AuditSink } from '../audit/index.js';
import type { AdapterConfig } from '../adapters/config.js';
import { serveCatalogResources, type CatalogFeed, type CatalogResources } from './resources.js';
import type { SourceStatus } from '../adapters/health-types.js';

export interface ExchangeServiceOptions {
  config: ServerConfig;
  db: Kysely<TongbanDB>;
  signer: Signer;
  federation: NodeFederation;
  audit: AuditSink;
  logger: Logger;
  /** outbox background polling (ms); 0 in tests that drive delivery themselves */
  outboxPollMs?: number;
}

/** How often a node deletes replay ids that have left the clock window. */
const REPLAY_PURGE_EVERY_MS = 60_000;
/** How often a node deletes delivery bookkeeping past exchange.deliveryRetentionDays. */
const DELIVERY_PURGE_EVERY_MS = 3_600_000;

/**
 * Bookkeeping of slow-source deliveries that only matters for a while: the inbox (a repeat older than
 * this is still recognised by the answer the request holds), delivered outbox rows (their body is
 * already gone) and answered conversations (their request is already gone). Only finished rows have
 * the time column set.
 */
const DELIVERY_RECORDS: PurgeTarget[] = [
  { table: 'exchange_inbox', key: 'message_id', time: 'received_at' },
  { table: 'exchange_outbox', key: 'id', time: 'delivered_at' },
  { table: 'exchange_conversation', key: 'conversation_id', time: 'completed_at' },
];

export class ExchangeService {
  readonly resources = new ResourceRegistry();
  readonly sealer: BatchSigner;
  readonly replay: ReplayGuard;
  readonly http = new PeerHttp();
  readonly outbox: Outbox;
  /** slow exchanges this provider has accepted, held under a lease by one replica at a time */
  readonly conversations: Conversations;
  readonly provider: Provider;
  readonly requester: Requester;
  /** the node's source adapters, one per served resource, over its named departmental connections (health: sources()) */
  readonly adapters: AdapterHost;
  private served: CatalogResources | undefined;
  private catalog: CatalogFeed | undefined;
  private readonly deliveryPurge: PeriodicTask;
  private readonly resourceCache = new Map<string, { at: number; resources: ResourceDef[] }>();

  constructor(private readonly o: ExchangeServiceOptions) {
    const cfg = o.config;
    const self = cfg.region.code;
    const trustList = () => o.federation.current.trustList;
    this.adapters = new AdapterHost({
      connections: { ...cfg.adapters.connections, ...(cfg.registries ? { [REGISTRIES_CONNECTION]: { url: cfg.registries } } : {}) },
      fileRoots: cfg.adapters.fileRoots.length ? cfg.adapters.fileRoots : [cfg.dataDir],
      baseDir: cfg.dataDir,
      logger: o.logger.child({ component: 'adapters' }),
    });
    this.sealer = new BatchSigner(o.signer);
    this.replay = new ReplayGuard(o.db, cfg.exchange.clockWindowMs);
    this.outbox = new Outbox({
      db: o.db,
      http: this.http,
      logger: o.logger.child({ component: 'outbox' }),
      pollMs: o.outboxPollMs ?? 5000,
      resolveUrl: (target, kind) => this.urlFor(target, kind === 'inbox' ? 'inbox' : 'requests'),
      beforeSend: (kind, body) => (kind === 'inbox' ? this.resealed(body) : Promise.resolve(body)),
    });
    this.conversations = new Conversations({ db: o.db, outbox: this.outbox, logger: o.logger.child({ component: 'conversations' }) });
    this.provider = new Provider({
      self,
      trustList,
      resources: this.resources,
      rules: () => cfg.exchange.access,
      sealer: this.sealer,
      replay: this.replay,
      audit: o.audit,
      logger: o.logger.child({ component: 'provider' }),
      clockWindowMs: cfg.exchange.clockWindowMs,
      syncBudgetMs: cfg.exchange.syncBudgetMs,
      refreshTrust: () => o.federation.refreshSoon(),
      conversations: this.conversations,
    });
    this.deliveryPurge = new PeriodicTask(() => this.purgeDeliveryRecords(), DELIVERY_PURGE_EVERY_MS, (e) =>
      o.logger.warn({ err: (e as Error).message }, 'delivery records not purged; next try in an hour'),
    );
    this.requester = new Requester({
      db: o.db,
      self: cfg.region,
      trustList,
      hubUrl: cfg.hub?.url ?? '',
      signer: this.sealer,
      audit: o.audit,
      http: this.http,
      logger: o.logger.child({ component: 'requester' }),
      routeFor: (code) => this.routeFor(code),
      timeoutMs: cfg.exchange.requestTimeoutMs,
      refreshTrust: () => o.federation.refreshSoon(),
      memberList: () => o.federation.heldMemberList(),
    });
  }

  /** Serves the catalogue's published resources (and follows it), then resumes unfinished work. */
  async start(catalog: CatalogFeed): Promise<void> {
    this.catalog = catalog;
    const configs = new Map<string, AdapterConfig>(Object.entries(this.o.config.adapters.sources) as Array<[string, AdapterConfig]>);
    if (this.o.config.registries) {
      // the demo's registries: built-in adapter configurations like any other source
      for (const r of registryResourceConfigs(this.o.config.region.code)) if (!configs.has(r.adapterId)) configs.set(r.adapterId, r.adapter);
    }
    this.served = await serveCatalogResources({ catalog, adapters: this.adapters, configs, registry: this.resources, logger: this.o.logger.child({ component: 'resources' }) });
    // slow exchanges nobody holds any more (accepted before a restart, or by a replica that stopped) are finished
    this.conversations.start((req) => this.provider.resume(req));
    this.outbox.start();
    // ids older than twice the clock window can never pass again: keep exchange_replay that small
    this.replay.startPurging(REPLAY_PURGE_EVERY_MS, (e) => this.o.logger.warn({ err: (e as Error).message }, 'replay ids not purged; next try in a minute'));
    this.deliveryPurge.start();
  }

  /**
   * A waiting answer as it goes out: sealed again if the node's key was rotated since it was sealed — the
   * requester checks a delivery against the provider's active key, and the retired key is refused. The
   * payload (what the audit log hashed) is unchanged.
   */
  private async resealed(body: string): Promise<string> {
    const doc = JSON.parse(body) as SealedResponse;
    if (doc.seal.keyId === this.sealer.keyId) return body;
    return JSON.stringify({ payload: doc.payload, seal: await this.sealer.sign(doc.payload, canonicalBytes(doc.payload)) });
  }

  /** Deletes delivery bookkeeping older than exchange.deliveryRetentionDays; returns how many rows went. */
  async purgeDeliveryRecords(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.o.config.exchange.deliveryRetentionDays * 86_400_000).toISOString();
    let n = 0;
    for (const target of DELIVERY_RECORDS) n += await purgeOlderThan(this.o.db, target, cutoff);
    return n;
  }

  /**
   * What the provider serves and how each source is doing: every served resource with its adapter's
   * health, and the published resources it cannot serve (their adapter is not configured here).
   */
  sources(): SourceStatus[] {
    const served = this.resources.health().map((h) => {
      const r = this.resources.get(h.resource)!;
      return { resource: h.resource, name: r.def.name.zh, nameEn: r.def.name.en, department: r.def.department, sourceSystem: h.sourceSystem, adapter: r.adapterId ?? '', served: true, health: h.health };
    });
    const unserved = (this.served?.unserved() ?? []).map((u) => ({ resource: u.resource, name: u.name, nameEn: u.nameEn, department: u.department, sourceSystem: u.sourceSystem, adapter: u.adapter, served: false, health: null }));
    return [...served, ...unserved].sort((a, b) => a.resource.localeCompare(b.resource));
  }

  /** 事项 a request can name as its purpose: the items this node's catalogue publishes, national and regional. */
  async serviceItems(): Promise<Array<{ code: string; name: string; department: string; origin: 'national-confirmed' | 'regional'; source: string }>> {
    const items = this.catalog ? (await this.catalog.listPublished()).items : [];
    return items
      .map((i) => ({ code: i.code, name: i.name, department: i.department, origin: i.origin.kind, source: i.origin.source }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.code.localeCompare(b.code));
  }

  async stop(): Promise<void> {
    this.served?.stop();
    await this.replay.stopPurging();
    await this.conversations.stop();
    await this.deliveryPurge.stop();
    await this.outbox.stop();
    await this.http.close();
    await this.adapters.close();
  }

  routeFor(code: string): Route {
    return this.o.config.exchange.partners[code]?.route ?? this.o.config.exchange.defaultRoute;
  }

  private urlFor(code: string, path: 'requests' | 'inbox'): string | undefined {
    if (this.routeFor(code) === 'relay') return `${this.o.config.hub?.url}/api/relay/v1/${code}/${path}`;
    const list = this.o.federation.current.trustList;
    const member = list ? trustIndexOf(list).member(code) : undefined;
    return member ? `${member.endpoint}/api/exchange/v1/${path}` : undefined;
  }

  async partners() {
    const list = this.o.federation.current.trustList;
    const peers = await this.o.db.selectFrom('peer_status').select(['region_code', 'online']).execute();
    const online = new Map(peers.map((p) => [p.region_code, p.online === 1]));
    return (list?.members ?? [])
      .filter((m) => m.regionCode !== this.o.config.region.code && m.status === 'active')
      .map((m) => ({ regionCode: m.regionCode, name: m.name, route: this.routeFor(m.regionCode), online: online.get(m.regionCode) ?? null }));
  }

  /** A partner's resource list, read from the partner (through the relay when that is its route). */
  async partnerResources(code: string): Promise<ResourceDef[]> {
    const cached = this.resourceCache.get(code);
    if (cached && Date.now() - cached.at < 60_000) return cached.resources;
    const list = this.o.federation.current.trustList;
    const member = list ? trustIndexOf(list).member(code) : undefined;
    if (!member || code === this.o.config.region.code) throw new TongbanError('E_INVALID_REQUEST', `${code} is not a partner region`);
    const url = this.routeFor(code) === 'relay' ? `${this.o.config.hub?.url}/api/relay/v1/${code}/resources` : `${member.endpoint}/api/exchange/v1/resources`;
    const res = await this.http.getJson(url, 5000);
    const resources = (res.body as { resources?: ResourceDef[] } | null)?.resources;
    if (res.status !== 200 || !Array.isArray(resources)) throw new TongbanError('E_PEER_UNAVAILABLE', `${code} did not list its resources (HTTP ${res.status})`);
    this.resourceCache.set(code, { at: Date.now(), resources });
    return resources;
  }
}
