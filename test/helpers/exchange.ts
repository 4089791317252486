// A small federation for exchange tests: hub, 上海 310000 (requester) and 安徽 340000 (provider,
// with seeded registries), both approved, a signed-in 上海 clerk, and a real 安徽 citizen.
import type { Logger } from 'pino';
import type { Engine } from '../../src/store/db.js';
import type { SuiteName } from '../../src/core/crypto/suite.js';
import { decideMembership } from '../../src/hub/membership.js';
import { createUser } from '../../src/identity/index.js';
import { seedRegistries } from '../../src/sim/registries/index.js';
import { openDatabase } from '../../src/store/db.js';
import type { RegistryDB } from '../../src/sim/registries/index.js';
import type { SourceRecord } from '../../src/adapters/index.js';
import { freshDatabase, type TestDatabase } from './engines.js';
import { cleanupAll, startHub, startNode, stopAll, type Started } from './federation.js';

export interface ExchangeFixture {
  /** restarts the 上海 node on the same port, database and data directory */
  restartSh: () => Promise<void>;
  hub: Started;
  sh: Started;
  ah: Started;
  registries: TestDatabase;
  /** an 安徽 citizen in the registries */
  citizen: { idNumber: string; name: string };
  /** fetch on the 上海 node as its signed-in clerk */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the API returns
  clerk: (path: string, init?: { method?: string; body?: unknown }) => Promise<{ status: number; body: any }>;
  close: () => Promise<void>;
}

export interface FixtureOptions {
  suite?: SuiteName;
  /** 安徽's access rules (default: 上海 may read everything) */
  access?: unknown[];
  /** 上海's route to 安徽 */
  route?: 'direct' | 'relay';
  /** 安徽's sync budget */
  syncBudgetMs?: number;
  clockWindowSeconds?: number;
  /** more 安徽 settings (e.g. adapters) */
  ahSettings?: Record<string, unknown>;
  /** 上海's logger (default: quiet), for tests that read what a node logs */
  shLogger?: Logger;
}

export async function exchangeFixture(engine: Engine, o: FixtureOptions = {}): Promise<ExchangeFixture> {
  const suite = o.suite ?? 'ed25519';
  const registries = await freshDatabase(engine, 'reg');
  await seedRegistries(registries.url, { regionCode: '340000', citizens: 1000, seed: 'exchange-test', federation: ['310000', '340000'] });
  const reg = await openDatabase<RegistryDB>(registries.url);
  const person = await reg.db.selectFrom('hukou_person').select(['id_number', 'name']).where('status', '=', '正常').orderBy('id_number').limit(1).executeTakeFirstOrThrow();
  await reg.close();

  const hub = await startHub(engine, { suite });
  const anchor = { url: hub.server.url, keyId: hub.server.identity.keyId };
  const outbox = { outboxPollMs: 0, audit: { checkpointSeconds: 0 } };
  const shSettings = { exchange: { ...(o.route ? { partners: { '340000': { route: o.route } } } : {}), requestTimeoutMs: 10_000 } };
  let sh = await startNode(engine, anchor, { code: '310000', name: '上海' }, { suite, settings: shSettings, start: { ...outbox, ...(o.shLogger ? { logger: o.shLogger } : {}) } });
  const ah = await startNode(engine, anchor, { code: '340000', name: '安徽' }, {
    suite,
    settings: {
      ...o.ahSettings,
      registries: registries.url,
      exchange: {
        access: o.access ?? [{ from: ['310000'], resources: '*' }],
        ...(o.syncBudgetMs ? { syncBudgetMs: o.syncBudgetMs } : {}),
        ...(o.clockWindowSeconds ? { clockWindowSeconds: o.clockWindowSeconds } : {}),
        ...(o.route ? { partners: { '310000': { route: o.route } } } : {}),
      },
    },
    start: outbox,
  });
  for (const n of [sh, ah]) {
    await n.server.federation!.waitFor((s) => s.membership === 'pending');
    await decideMembership(hub.server.store.db, n.config.region.code, 'approve', 'test');
  }
  for (const n of [sh, ah]) {
    await n.server.federation!.syncNow();
    await n.server.federation!.waitFor((s) => (s.trustList?.members.length ?? 0) === 2);
  }
  await createUser(sh.server.store.db, { server: 'node', id: 'sh-clerk', name: '王芳', department: '上海市浦东新区行政服务中心', regionCode: '310000', roles: ['clerk'], password: 'correct-horse-42' }, { actor: 'test' });
  const login = await fetch(`${sh.server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'sh-clerk', password: 'correct-horse-42' }) });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const clerk = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${fixture.sh.server.url}${path}`, {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      headers: { cookie, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const fixture: ExchangeFixture = {
    restartSh: async () => {
      await sh.server.close();
      sh = await startNode(engine, anchor, { code: '310000', name: '上海' }, { suite, settings: shSettings, start: outbox, port: sh.server.port, database: sh.database, dataDir: sh.dataDir });
      fixture.sh = sh;
    },
    hub, sh, ah, registries,
    citizen: { idNumber: person.id_number, name: person.name },
    clerk,
    close: async () => {
      await stopAll(fixture.sh, ah, hub);
      await cleanupAll(fixture.sh, ah, hub);
      await registries.cleanup();
    },
  };
  return fixture;
}

export const purpose = { serviceItem: '户口迁移(夫妻投靠)', caseId: 'SH-2026-000123' };

/** Registers a slow 安徽 source: a read waits until release(); after it, reads answer at once until hold(). */
export function slowSource(f: ExchangeFixture): { release: (r: SourceRecord) => void; hold: () => void } {
  const deferred = () => {
    let resolve!: (r: SourceRecord) => void;
    const promise = new Promise<SourceRecord>((r) => (resolve = r));
    return { promise, resolve };
  };
  let gate = deferred();
  f.ah.server.exchange!.resources.register({
    def: {
      id: 'archive.household', name: { zh: '历史户籍档案', en: 'Archived household records' }, department: '安徽省档案馆', sourceSystem: '档案数字化系统',
      subjectType: 'citizen', sharing: 'conditional',
      fields: [{ name: 'archiveNo', label: { zh: '档号', en: 'Archive number' }, type: 'string', sensitivity: 'general' }],
    },
    adapter: { fetch: () => gate.promise },
  });
  return { release: (r) => gate.resolve(r), hold: () => void (gate = deferred()) };
}
