// server: starting one hub or node from a validated config — database and migrations, keys,
// the HTTP app with the role's routes, listening, background work — and stopping it cleanly.

import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { TongbanError } from '../core/errors.js';
import { packageVersion } from '../paths.js';
import { resolvePublicUrl, type ServerConfig } from '../config/index.js';
import { openDatabase, migrateToLatest, pingDatabase, getMeta, setMeta, type Database, type TongbanDB } from '../store/index.js';
import { loadOrCreateIdentity, newOperatorToken, hashToken, operatorTokenPath, writeSecretFile, type Identity } from '../keys/index.js';
import { buildApp, type App } from '../http/app.js';
import { createLogger } from '../http/logger.js';
import { hubRoutes } from '../hub/routes.js';
import { AuditLog, adminActionEvent, loadOrCreateSubjectKey } from '../audit/index.js';
import { auditHubRoutes } from '../audit/hub-routes.js';
import { Metrics, metricsTokenPath, newMetricsToken } from '../metrics/index.js';
import { metricsRoutes } from '../metrics/routes.js';
import { Relay, relayRoutes } from '../hub/relay.js';
import { ExchangeService } from '../exchange/service.js';
import { exchangeRoutes } from '../exchange/routes.js';
import { nodeAdminRoutes } from '../node/admin-routes.js';
import { auditStatusRoutes } from '../audit/status-routes.js';
import { auditSearchRoutes } from '../audit/search-routes.js';
import { validationRoutes } from '../validation/routes.js';
import { resumeKeyRotation } from '../node/key-rotation.js';
import { currentTrustList } from '../hub/trust-list.js';
import { HUB_IDENTITY } from '../config/index.js';
import { isExpired } from '../federation/documents.js';
import { NodeFederation, pinnedHubKeyId } from '../node/federation.js';
import { nodeRoutes } from '../node/routes.js';
import { identityRoutes } from '../identity/routes.js';
import { assertPortsFree } from './ports.js';
import { validateDivisionCode } from '../core/ids/index.js';
import { CatalogService, catalogRoutes, seedCatalog } from '../catalog/index.js';
import { registryResourceConfigs } from '../adapters/registry-resources.js';
import { createNodeDirectory, directoryHubRoutes, directoryNodeRoutes, type CatalogSource, type NodeDirectory } from '../directory/index.js';

export interface RunningServer {
  config: ServerConfig;
  url: string;
  port: number;
  app: App;
  store: Database<TongbanDB>;
  identity: Identity;
  logger: Logger;
  /** nodes only */
  federation?: NodeFederation;
  /** nodes only: the exchange service (provider, requester, outbox) */
  exchange?: ExchangeService;
  /** nodes only: the catalogue (resources, certificate types, items, own elements; listPublished, onPublished) */
  catalog?: CatalogService;
  /** nodes only: the directory cache (sync) and this node's publisher */
  directory?: NodeDirectory;
  /** the server's hash-chained audit log (nodes anchor its checkpoints at the hub) */
  audit: AuditLog;
  /** hubs only, and only on the start that created it */
  newOperatorToken?: string;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** node: peer probe interval in seconds (0 disables) */
  probeSeconds?: number;
  /** node: outbox background polling in ms (0: only in-process wake-ups) */
  outboxPollMs?: number;
  /** audit checkpoints: every N entries (default 1000) or T seconds (default 60; 0 disables the timer) */
  audit?: { checkpointEvery?: number; checkpointSeconds?: number };
  /** node: the directory — the catalog it publishes (tests construct one), cache refresh, publication retry */
  directory?: { catalog?: CatalogSource; refreshSeconds?: number; retryBaseMs?: number };
}

export async function startServer(cfg: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger({ level: cfg.log.level, ...(cfg.log.file ? { file: cfg.log.file } : {}), base: { role: cfg.role, region: cfg.region.code } });
  // checked first so that a taken port leaves nothing behind (no database, no key)
  await assertPortsFree(cfg.listen.host, [cfg.listen.port]);
  const store = await openDatabase<TongbanDB>(cfg.database);
  let app: App | undefined;
  let federation: NodeFederation | undefined;
  let audit: AuditLog | undefined;
  let relay: Relay | undefined;
  let exchange: ExchangeService | undefined;
  let catalog: CatalogService | undefined;
  let directory: NodeDirectory | undefined;
  try {
    await migrateToLatest(store);
    await claimDatabase(store, cfg);
    const identity = loadOrCreateIdentity(cfg.dataDir, cfg.suite);
    if (identity.created) logger.info({ keyId: identity.keyId, suite: cfg.suite }, 'generated a new signing key');
    audit = new AuditLog({
      db: store.db,
      signer: identity,
      regionCode: cfg.region.code,
      logger: logger.child({ component: 'audit' }),
      ...opts.audit,
      // the hub has no citizens' data, hence no subject key; it anchors its own checkpoints
      ...(cfg.role === 'node'
        ? {
            subjectKey: loadOrCreateSubjectKey(cfg.dataDir),
            anchor: { hubUrl: () => cfg.hub?.url, trustList: () => federation?.current.trustList ?? undefined },
          }
        : {}),
    });
    if (identity.created) {
      await audit.append({ category: 'security', action: 'key.generated', actor: { type: 'system', id: cfg.role }, outcome: 'ok', detail: { keyId: identity.keyId, suite: cfg.suite } });
    }
    let createdToken: string | undefined;
    if (cfg.role === 'hub') createdToken = await ensureToken(store.db, cfg, OPERATOR_TOKEN);
    await ensureToken(store.db, cfg, METRICS_TOKEN);

    let publicUrl = cfg.publicUrl ?? '';
    const info = () => ({
      role: cfg.role,
      regionCode: cfg.region.code,
      regionName: cfg.region.name,
      suite: cfg.suite,
      keyId: identity.keyId,
      version: packageVersion(),
      publicUrl,
      ...(cfg.hub ? { hubUrl: cfg.hub.url } : {}),
      ...(federation
        ? {
            membership: {
              status: federation.current.membership,
              ...(federation.current.membershipDetail ? { detail: federation.current.membershipDetail } : {}),
              ...(federation.current.changePending ? { changePending: true } : {}),
            },
          }
        : {}),
    });

    const readiness = [{ name: 'database', check: async () => (await pingDatabase(store.db), { ok: true }) }];
    if (cfg.role === 'node') {
      readiness.push(
        { name: 'membership', check: async () => ({ ok: federation?.current.membership === 'approved', detail: federation?.current.membership ?? 'unknown' }) },
        {
          name: 'trustList',
          check: async () => {
            const l = federation?.current.trustList;
            if (!l) return { ok: false, detail: 'no member list yet' };
            return isExpired(l) ? { ok: false, detail: `expired at ${l.expiresAt}` } : { ok: true, detail: `version ${l.version} (${federation?.current.source})` };
          },
        },
      );
    }
    app = await buildApp({
      logger,
      title: cfg.role === 'hub' ? 'Tongban hub API' : `Tongban node API — ${cfg.region.name} ${cfg.region.code}`,
      description:
        cfg.role === 'hub'
          ? 'Membership, the signed member list (trust list) and the operator API of the federation hub. Errors use the stable vocabulary in docs/PROTOCOL.md.'
          : 'Application API of a region node. Errors use the stable vocabulary in docs/PROTOCOL.md.',
      readiness,
    });

    await app.register(validationRoutes);
    const metrics = new Metrics({
      role: cfg.role,
      regionCode: cfg.region.code,
      db: store.db,
      trustListExpiresIn: () => {
        const l = federation?.current.trustList;
        return l ? (Date.parse(l.expiresAt) - Date.now()) / 1000 : undefined;
      },
    });
    audit.observe((e) => metrics.observeAudit(e));
    await app.register(metricsRoutes, { metrics, tokenHash: () => getMeta(store.db, METRICS_TOKEN.meta) });

    // staff accounts on both roles (a node's clerks, administrators…; the hub's operators): sessions and
    // requireUser() for every route registered after it
    await app.register(identityRoutes, {
      db: store.db,
      publicUrl: () => publicUrl,
      // administrative actions (accounts created, disabled…) go to this server's audit log
      onAdminAction: async (e) => void (await audit!.append(adminActionEvent(e))),
    });

    if (cfg.role === 'hub') {
      const trust = {
        db: store.db,
        signer: identity,
        hubName: cfg.region.name,
        get hubUrl() {
          return publicUrl;
        },
        validitySeconds: cfg.trustListValiditySeconds,
      };
      await app.register(hubRoutes, {
        db: store.db,
        trust,
        joinPolicy: {
          reservedCodes: [HUB_IDENTITY.code, cfg.region.code],
          checkRegionCode: (code) => {
            const v = validateDivisionCode(code);
            return v.valid ? undefined : v.reason;
          },
        },
        info,
        operatorTokenHash: () => getMeta(store.db, OPERATOR_TOKEN.meta),
        audit,
      });
      await app.register(auditHubRoutes, { db: store.db, signer: identity, audit });
      await app.register(auditSearchRoutes, { db: store.db, audit, hub: true });
      await app.register(directoryHubRoutes, { db: store.db, signer: identity });
      relay = new Relay({
        db: store.db,
        trustList: () => currentTrustList(trust),
        onForwarded: (m) => metrics.observeRelay(m),
        logRetentionDays: cfg.relay.logRetentionDays,
        onPurgeError: (e) => logger.warn({ err: (e as Error).message }, 'old relay log rows not purged; next try in 10 minutes'),
      });
      await app.register(relayRoutes, relay);
    } else {
      // created before listening so routes can read it; started once the URL is known
      federation = new NodeFederation({
        db: store.db,
        identity,
        region: cfg.region,
        get publicUrl() {
          return publicUrl;
        },
        hub: cfg.hub!,
        logger: logger.child({ component: 'federation' }),
        probeSeconds: opts.probeSeconds ?? 15,
      });
      await app.register(nodeRoutes, { db: store.db, federation, regionCode: cfg.region.code, info });
      const rotation = () => ({ identity, dataDir: cfg.dataDir, regionCode: cfg.region.code, hubUrl: cfg.hub!.url, ...(cfg.hub?.keyId ? { hubKeyId: cfg.hub.keyId } : {}), logger });
      await app.register(nodeAdminRoutes, { rotation, federation, audit });
      await app.register(auditStatusRoutes, { audit });
      await app.register(auditSearchRoutes, { db: store.db, audit });
      exchange = new ExchangeService({ config: cfg, db: store.db, signer: identity, federation, audit, logger: logger.child({ component: 'exchange' }), ...(opts.outboxPollMs !== undefined ? { outboxPollMs: opts.outboxPollMs } : {}) });
      await app.register(exchangeRoutes, exchange);
      catalog = new CatalogService({ db: store.db, regionCode: cfg.region.code, audit, logger: logger.child({ component: 'catalog' }) });
      // before the node serves anything: the national items, and with synthetic registries the five
      // resources the exchange serves from them (only what is missing: later starts add nothing)
      const demoResources = cfg.registries ? registryResourceConfigs(cfg.region.code).map((r) => ({ ...r.def, adapterId: r.adapterId })) : [];
      await seedCatalog(catalog, { demoResources });
      await app.register(catalogRoutes, catalog);
      directory = createNodeDirectory({
        db: store.db,
        signer: identity,
        regionCode: cfg.region.code,
        hub: cfg.hub!,
        federation,
        logger: logger.child({ component: 'directory' }),
        catalog: opts.directory?.catalog ?? catalog,
        ...(opts.directory?.refreshSeconds !== undefined ? { refreshSeconds: opts.directory.refreshSeconds } : {}),
        ...(opts.directory?.retryBaseMs !== undefined ? { retryBaseMs: opts.directory.retryBaseMs } : {}),
      });
      await app.register(directoryNodeRoutes, { db: store.db, sync: directory.sync, ...(directory.publisher ? { publisher: directory.publisher } : {}) });
    }

    const port = await listen(app, cfg);
    publicUrl = resolvePublicUrl(cfg, port);
    logger.info({ url: publicUrl, keyId: identity.keyId }, `${cfg.role} listening`);
    if (federation) {
      // a key rotation interrupted by a crash is finished (or abandoned) before the node signs anything
      const hubKeyId = await pinnedHubKeyId(store.db, cfg.hub?.keyId);
      await resumeKeyRotation({ identity, dataDir: cfg.dataDir, regionCode: cfg.region.code, hubUrl: cfg.hub!.url, ...(hubKeyId ? { hubKeyId } : {}), logger });
      await federation.start();
    }
    if (exchange && catalog) await exchange.start(catalog);
    await directory?.start();
    await audit.start();

    const server: RunningServer = {
      config: cfg,
      url: publicUrl,
      port,
      app,
      store,
      identity,
      logger,
      audit,
      ...(federation ? { federation } : {}),
      ...(exchange ? { exchange } : {}),
      ...(catalog ? { catalog } : {}),
      ...(directory ? { directory } : {}),
      ...(createdToken ? { newOperatorToken: createdToken } : {}),
      close: async () => {
        await federation?.stop();
        await directory?.stop();
        await app!.close();
        await exchange?.stop();
        await relay?.close();
        await audit!.close();
        await store.close();
        logger.flush?.();
      },
    };
    return server;
  } catch (e) {
    await federation?.stop().catch(() => undefined);
    await directory?.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await exchange?.stop().catch(() => undefined);
    await relay?.close().catch(() => undefined);
    await audit?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
}

/** A database belongs to one server: refuse to run a node on another region's (or the hub's) data. */
async function claimDatabase(store: Database<TongbanDB>, cfg: ServerConfig): Promise<void> {
  const owner = `${cfg.role}:${cfg.region.code}`;
  const existing = await getMeta(store.db, 'owner');
  if (existing && existing !== owner) {
    throw new TongbanError('E_DATA_MISMATCH', `database ${describe(cfg.database)} belongs to ${existing}, not ${owner}`);
  }
  if (!existing) await setMeta(store.db, 'owner', owner);
}

function describe(url: string): string {
  return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
}

// Bearer tokens a server issues itself (the hub's operator token, every server's metrics token): the
// token goes to a 0600 file in the data directory, only its SHA-256 to the database.
interface ServerToken {
  meta: string;
  path: (dataDir: string) => string;
  make: () => string;
}
const OPERATOR_TOKEN: ServerToken = { meta: 'operator.token_sha256', path: operatorTokenPath, make: newOperatorToken };
const METRICS_TOKEN: ServerToken = { meta: 'metrics.token_sha256', path: metricsTokenPath, make: newMetricsToken };

/** Issues the token on first start; returns it when it was made now. */
async function ensureToken(db: Kysely<TongbanDB>, cfg: ServerConfig, t: ServerToken): Promise<string | undefined> {
  if (await getMeta(db, t.meta)) return undefined;
  return issueToken(db, cfg, t);
}

/** Issues a new token (the old one stops working) and writes it to its file. */
async function issueToken(db: Kysely<TongbanDB>, cfg: ServerConfig, t: ServerToken): Promise<string> {
  const token = t.make();
  writeSecretFile(t.path(cfg.dataDir), `${token}\n`);
  await setMeta(db, t.meta, hashToken(token));
  return token;
}

/** A new hub operator token, written to data/operator.token. */
export const rotateOperatorToken = (db: Kysely<TongbanDB>, cfg: ServerConfig) => issueToken(db, cfg, OPERATOR_TOKEN);
/** A new metrics token, written to data/metrics.token. */
export const rotateMetricsToken = (db: Kysely<TongbanDB>, cfg: ServerConfig) => issueToken(db, cfg, METRICS_TOKEN);

async function listen(app: App, cfg: ServerConfig): Promise<number> {
  try {
    await app.listen({ host: cfg.listen.host, port: cfg.listen.port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new TongbanError('E_PORT_IN_USE', `port ${cfg.listen.port} on ${cfg.listen.host} is already in use`);
    if (code === 'EACCES') throw new TongbanError('E_PORT_IN_USE', `no permission to listen on port ${cfg.listen.port}`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new TongbanError('E_INVALID_CONFIG', `listen.host ${cfg.listen.host} is not an address of this machine`);
    throw e;
  }
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('server has no TCP address');
  return addr.port;
}
