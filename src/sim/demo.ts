// The demonstration federation: one hub and five province nodes in this process, each with its own
// data directory, embedded database, port and synthetic registries, demo staff accounts (the nodes'
// and the hub operator's: identity/demo-users.ts) and a demo 实施清单 (demo-items.ts). Used by `tongban demo` (npm start) and
// by the end-to-end tests. A second start reuses the data.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TongbanError } from '../core/errors.js';
import type { SuiteName } from '../core/crypto/suite.js';
import YAML from 'yaml';
import { loadConfig, type ServerConfig } from '../config/index.js';
import { startServer, type RunningServer } from '../server/start.js';
import { assertPortsFree } from '../server/ports.js';
import { decideMembership, getMember, type MemberView } from '../hub/membership.js';
import { registrySummary, seedRegistries } from './registries/index.js';
import { ensureDemoUsers, type DemoUser } from '../identity/demo-users.js';
import { importDemoItems } from './demo-items.js';

export const DEMO_REGIONS = [
  { code: '310000', name: '上海' },
  { code: '320000', name: '江苏' },
  { code: '330000', name: '浙江' },
  { code: '340000', name: '安徽' },
  { code: '520000', name: '贵州' },
] as const;

export interface DemoOptions {
  dataDir: string;
  /** hub on basePort, nodes on the next five; 0 lets every server pick a free port */
  basePort: number;
  host?: string;
  citizens: number;
  suite: SuiteName;
  seed: string;
  reset?: boolean;
  /** seed registries in worker threads (default true) */
  workers?: boolean;
  /** node peer-probe interval, seconds */
  probeSeconds?: number;
  onEvent?: (e: DemoEvent) => void;
}

export type DemoEvent =
  | { type: 'phase'; phase: 'checking' | 'starting-hub' | 'seeding' | 'starting-nodes' | 'approving' | 'syncing' }
  | { type: 'seed-progress'; regionCode: string; phase: string; done: number; total: number }
  | { type: 'seed-done'; regionCode: string; reused: boolean; ms: number }
  | { type: 'server-started'; role: 'hub' | 'node'; regionCode: string; url: string };

export interface RunningDemo {
  hub: RunningServer;
  nodes: RunningServer[];
  /** the staff accounts by region code, with their passwords: each node's (clerk, admin, approver, auditor) and the hub's operator (000000) */
  users: Record<string, DemoUser[]>;
  /** start to all-ready */
  elapsedMs: number;
  dataDir: string;
  close(): Promise<void>;
}

interface Manifest {
  formatVersion: 1;
  citizens: number;
  seed: string;
  suite: SuiteName;
  createdAt: string;
}

const MANIFEST = 'demo.json';

export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  const t0 = performance.now();
  const emit = opts.onEvent ?? (() => undefined);
  const dataDir = resolve(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  emit({ type: 'phase', phase: 'checking' });
  const ports = opts.basePort === 0 ? [0, 0, 0, 0, 0, 0] : [0, 1, 2, 3, 4, 5].map((i) => opts.basePort + i);
  await assertPortsFree(host, ports);
  if (opts.reset) rmSync(dataDir, { recursive: true, force: true });
  checkManifest(dataDir, opts);

  const started: RunningServer[] = [];
  const closeAll = async () => {
    for (const s of [...started].reverse()) await s.close().catch(() => undefined);
  };
  try {
    emit({ type: 'phase', phase: 'starting-hub' });
    const hubDir = join(dataDir, 'hub');
    const hub = await startServer(
      writeConfig(join(hubDir, 'hub.yaml'), 'hub', {
        role: 'hub',
        region: { code: '000000', name: '国家枢纽' },
        listen: { host, port: ports[0] },
        database: 'sqlite:./hub.db',
        dataDir: '.',
        crypto: { suite: opts.suite },
        log: { level: 'info', file: './server.log' },
      }),
    );
    started.push(hub);
    const users: Record<string, DemoUser[]> = {};
    users[hub.config.region.code] = await ensureDemoUsers(hub.store.db, hubDir, { role: 'hub', ...hub.config.region }, hub.app.identity?.onAdminAction);
    emit({ type: 'server-started', role: 'hub', regionCode: hub.config.region.code, url: hub.url });

    // Seeding runs in worker threads while the nodes start and join in this one.
    emit({ type: 'phase', phase: 'seeding' });
    const seeding = seedAll(dataDir, opts, emit);
    seeding.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile

    emit({ type: 'phase', phase: 'starting-nodes' });
    const nodes: RunningServer[] = [];
    for (const [i, region] of DEMO_REGIONS.entries()) {
      const dir = join(dataDir, region.code);
      const node = await startServer(
        writeConfig(join(dir, 'node.yaml'), 'node', {
          role: 'node',
          region: { code: region.code, name: region.name },
          listen: { host, port: ports[i + 1] },
          database: 'sqlite:./node.db',
          registries: 'sqlite:./registries.db',
          dataDir: '.',
          hub: { url: hub.url, keyId: hub.identity.keyId, refreshSeconds: 30 },
          crypto: { suite: opts.suite },
          exchange: demoExchangeSettings(region.code),
          log: { level: 'info', file: './server.log' },
        }),
        { probeSeconds: opts.probeSeconds ?? 15 },
      );
      started.push(node);
      nodes.push(node);
      users[region.code] = await ensureDemoUsers(node.store.db, dir, { role: 'node', code: region.code, name: region.name }, node.app.identity?.onAdminAction);
      // the region's 实施清单 of a few national items, with materials its partners' registries supply
      // (only what still waits for it: a later start imports nothing)
      await importDemoItems(node.catalog!, region.code);
      emit({ type: 'server-started', role: 'node', regionCode: region.code, url: node.url });
    }

    emit({ type: 'phase', phase: 'approving' });
    // The demo is its own hub operator: it approves exactly the keys of the nodes it started.
    await Promise.all(
      nodes.map(async (node) => {
        const f = node.federation!;
        const s = await f.waitFor((st) => st.membership !== 'unknown');
        // what the hub holds for the region is this node's only while it names the node's key
        const holdsThisNode = (m: MemberView | undefined): m is MemberView => m?.keys.some((k) => k.keyId === node.identity.keyId && k.status === 'active') ?? false;
        if (s.membership === 'pending') {
          const m = await getMember(hub.store.db, node.config.region.code);
          if (!holdsThisNode(m)) {
            throw new TongbanError('E_REGION_TAKEN', `the hub holds another key for ${node.config.region.code}`);
          }
          // in the hub's audit log like any operator's decision
          await decideMembership(hub.store.db, node.config.region.code, 'approve', 'demo', undefined, undefined, { audit: hub.audit });
        } else if (s.membership !== 'approved') {
          throw new TongbanError('E_MEMBERSHIP_REJECTED', `${node.config.region.code} is ${s.membership}: ${s.membershipDetail ?? ''}`);
        } else {
          // restarted on other ports (or host): this run's join asks to move the node, and a moved
          // endpoint waits for the operator — which the demo is, for the nodes it started
          await f.syncNow();
          const m = await getMember(hub.store.db, node.config.region.code);
          if (holdsThisNode(m) && m.pendingChange?.endpoint === node.url) {
            await decideMembership(hub.store.db, node.config.region.code, 'approve-change', 'demo', undefined, undefined, { audit: hub.audit });
          }
        }
      }),
    );
    emit({ type: 'phase', phase: 'syncing' });
    await Promise.all(
      nodes.map(async (node) => {
        await node.federation!.syncNow();
        await node.federation!.waitFor((st) => st.membership === 'approved' && st.source === 'hub' && (st.trustList?.members.length ?? 0) >= DEMO_REGIONS.length);
        await node.federation!.probePeers();
      }),
    );
    await seeding;
    return {
      hub,
      nodes,
      users,
      elapsedMs: performance.now() - t0,
      dataDir,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

async function seedAll(dataDir: string, opts: DemoOptions, emit: (e: DemoEvent) => void): Promise<void> {
  const federation = DEMO_REGIONS.map((r) => r.code);
  const queue = [...DEMO_REGIONS];
  const runOne = async (regionCode: string) => {
    const url = `sqlite:${join(dataDir, regionCode, 'registries.db')}`;
    const t = performance.now();
    const existing = await registrySummary(url).catch(() => null);
    const fresh = !(existing && existing.citizens === opts.citizens && existing.seed === opts.seed && existing.complete);
    if (fresh) {
      const job = { url, regionCode, citizens: opts.citizens, seed: opts.seed, federation };
      if (opts.workers === false) {
        await seedRegistries(url, { ...job, onProgress: (p) => emit({ type: 'seed-progress', regionCode, ...p }) });
      } else {
        await seedInWorker(job, (p) => emit({ type: 'seed-progress', regionCode, ...p }));
      }
    }
    emit({ type: 'seed-done', regionCode, reused: !fresh, ms: performance.now() - t });
  };
  // two at a time: this machine class has two cores, and the servers need some of them
  const lanes = Array.from({ length: 2 }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await runOne(next.code);
  });
  await Promise.all(lanes);
}

interface SeedJob {
  url: string;
  regionCode: string;
  citizens: number;
  seed: string;
  federation: string[];
}

function seedInWorker(job: SeedJob, onProgress: (p: { phase: string; done: number; total: number }) => void): Promise<void> {
  const here = new URL(import.meta.url);
  const file = here.pathname.endsWith('.ts') ? 'seed-worker.ts' : 'seed-worker.js';
  return new Promise((resolvePromise, reject) => {
    const url = new URL(`./${file}`, here);
    // From source (tests, development) a worker does not inherit tsx's loader, and Node checks the
    // entry's extension before any hook runs: register tsx inside the worker, then import the entry.
    const worker = file.endsWith('.ts')
      ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`, {
          eval: true,
          workerData: job,
        })
      : new Worker(url, { workerData: job });
    worker.on('message', (m: { type: string; phase: string; done: number; total: number; message?: string; code?: string }) => {
      if (m.type === 'progress') onProgress(m);
      else if (m.type === 'error') reject(m.code ? new TongbanError(m.code as never, m.message) : new Error(m.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`seed worker for ${job.regionCode} exited with ${code}`))));
  });
}

/**
 * Exchange settings of a demo node. The 长三角 members exchange node to node (桥梁式); 贵州 goes
 * through the hub relay (辐射式), in both directions. Every member may read every resource of the
 * others (sensitive fields still need the citizen's authorisation); a real node lists its partners.
 */
function demoExchangeSettings(code: string): Record<string, unknown> {
  const relayed = '520000';
  return {
    ...(code === relayed ? { defaultRoute: 'relay' } : { partners: { [relayed]: { route: 'relay' } } }),
    access: [{ from: DEMO_REGIONS.filter((r) => r.code !== code).map((r) => r.code), resources: '*' }],
  };
}

/**
 * The demo's servers start from real config files, written next to their data, so that the
 * operator commands work on the demo as on a deployment: `tongban members list -c .tongban/hub/hub.yaml`.
 */
function writeConfig(path: string, role: 'hub' | 'node', settings: Record<string, unknown>): ServerConfig {
  mkdirSync(dirname(path), { recursive: true });
  const header = `# Written by \`tongban demo\` at each start; edit the demo's options instead.\n`;
  writeFileSync(path, header + YAML.stringify(settings));
  return loadConfig(path, role);
}

function checkManifest(dataDir: string, opts: DemoOptions): void {
  const path = join(dataDir, MANIFEST);
  if (existsSync(path)) {
    let m: Manifest;
    try {
      m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    } catch {
      throw new TongbanError('E_DATA_MISMATCH', `${path} is unreadable; start with --reset or use another --data directory`);
    }
    const diffs: string[] = [];
    if (m.citizens !== opts.citizens) diffs.push(`${m.citizens} citizens (asked for ${opts.citizens})`);
    if (m.seed !== opts.seed) diffs.push(`seed "${m.seed}" (asked for "${opts.seed}")`);
    if (m.suite !== opts.suite) diffs.push(`suite ${m.suite} (asked for ${opts.suite})`);
    if (diffs.length) {
      throw new TongbanError('E_DATA_MISMATCH', `${dataDir} holds a demo made with ${diffs.join(', ')}; add --reset to start over, or use another --data directory`);
    }
    return;
  }
  mkdirSync(dataDir, { recursive: true });
  const manifest: Manifest = { formatVersion: 1, citizens: opts.citizens, seed: opts.seed, suite: opts.suite, createdAt: new Date().toISOString() };
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}
