// Starts real hub and node servers on 127.0.0.1 port 0 for integration tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromObject, type ServerConfig } from '../../src/config/index.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/start.js';
import { createLogger } from '../../src/http/logger.js';
import { freshDatabase, type TestDatabase } from './engines.js';
import type { Engine } from '../../src/store/db.js';
import type { SuiteName } from '../../src/core/crypto/suite.js';
import { decideMembership } from '../../src/hub/membership.js';
import { createUser, type UserRole } from '../../src/identity/index.js';

export interface Started {
  server: RunningServer;
  dataDir: string;
  database: TestDatabase;
  config: ServerConfig;
}

export const quietLogger = () => createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export async function startHub(engine: Engine, opts: { suite?: SuiteName; validitySeconds?: number; database?: TestDatabase; dataDir?: string; port?: number } = {}): Promise<Started> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tongban-hub-'));
  const database = opts.database ?? (await freshDatabase(engine, 'hub'));
  const config = configFromObject(
    {
      database: database.url,
      dataDir,
      listen: { host: '127.0.0.1', port: opts.port ?? 0 },
      crypto: { suite: opts.suite ?? 'ed25519' },
      ...(opts.validitySeconds ? { trustList: { validitySeconds: opts.validitySeconds } } : {}),
    },
    { baseDir: dataDir, role: 'hub', source: 'test' },
  );
  const server = await startServer(config, { logger: quietLogger() });
  return { server, dataDir, database, config };
}

export async function startNode(
  engine: Engine,
  hub: { url: string; keyId?: string },
  region: { code: string; name: string },
  opts: { suite?: SuiteName; database?: TestDatabase; dataDir?: string; probeSeconds?: number; settings?: Record<string, unknown>; start?: StartOptions; port?: number } = {},
): Promise<Started> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), `tongban-node-${region.code}-`));
  const database = opts.database ?? (await freshDatabase(engine, `n${region.code}`));
  const config = configFromObject(
    {
      region,
      database: database.url,
      dataDir,
      listen: { host: '127.0.0.1', port: opts.port ?? 0 },
      hub: { url: hub.url, ...(hub.keyId ? { keyId: hub.keyId } : {}), refreshSeconds: 3600 },
      crypto: { suite: opts.suite ?? 'ed25519' },
      ...opts.settings,
    },
    { baseDir: dataDir, role: 'node', source: 'test' },
  );
  const server = await startServer(config, { logger: quietLogger(), probeSeconds: opts.probeSeconds ?? 0, ...opts.start });
  return { server, dataDir, database, config };
}

/** Waits for the node's join request, approves it at the hub, and waits until the node holds the member list. */
export async function approveNode(hub: Started, node: Started): Promise<void> {
  const federation = node.server.federation!;
  await federation.waitFor((s) => s.membership === 'pending');
  await decideMembership(hub.server.store.db, node.config.region.code, 'approve', 'test');
  await federation.syncNow();
  await federation.waitFor((s) => s.membership === 'approved' && s.trustList !== null);
}

/** Creates a staff account on the server (a node's staff, or the hub's operators) and signs it in: the session cookie. */
export async function staffSession(
  s: Started,
  id: string,
  roles: UserRole[],
  password = 'correct-horse-battery-42',
  person: { name?: string; department?: string } = {},
): Promise<string> {
  const region = s.config.region;
  const department = person.department ?? `${region.name}大数据中心`;
  await createUser(s.server.store.db, { server: s.config.role, id, name: person.name ?? id, department, regionCode: region.code, roles, password }, { actor: 'test' });
  const login = await fetch(`${s.server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: id, password }) });
  if (login.status !== 200) throw new Error(`sign-in ${id}: ${login.status} ${await login.text()}`);
  return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}

export async function stopAll(...items: Array<Started | undefined>): Promise<void> {
  for (const s of items) {
    if (!s) continue;
    await s.server.close().catch(() => undefined);
  }
}

export async function cleanupAll(...items: Array<Started | undefined>): Promise<void> {
  for (const s of items) {
    if (!s) continue;
    await s.database.cleanup().catch(() => undefined);
    rmSync(s.dataDir, { recursive: true, force: true });
  }
}
