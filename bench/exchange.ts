// End-to-end exchanges per second and latency, for both crypto suites, direct (桥梁式) and relayed
// (辐射式), beside a bare HTTP server doing the same record lookup on the same machine in the same run.
//   node --import tsx bench/exchange.ts [--duration 10] [--connections 32] [--citizens 10000] [--suites ed25519,sm2-sm3] [--only bare,forward,fastify,direct,relayed] [--fractions 0.5] [--engine sqlite|postgres] [--profile DIR]
// Every server runs in its own process on 127.0.0.1; the load generator (autocannon) runs here.
// An exchange = clerk POST /api/exchange/requests on the requester node → signed request → provider
// verifies, checks policy, reads the registry, seals → requester verifies → both sides audit.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import YAML from 'yaml';
import { seedRegistries } from '../src/sim/registries/index.js';
import { openLoop } from './open-loop.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    citizens: { type: 'string', default: '10000' },
    suites: { type: 'string', default: 'ed25519,sm2-sm3' },
    keep: { type: 'boolean', default: false },
    profile: { type: 'string' },
    only: { type: 'string', default: 'bare,forward,fastify,direct,relayed' },
    engine: { type: 'string', default: 'sqlite' },
    fractions: { type: 'string', default: '0.5' },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
/** the fractions of peak load at which latency is measured open-loop (the report's half-load columns: 0.5) */
const FRACTIONS = values.fractions!.split(',').map(Number);
const ROOT = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tongban-bench-exchange-'));
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

// servers run as deployed: compiled JavaScript when `npm run build` has run, else through tsx
const COMPILED = existsSync(join(ROOT, 'dist', 'cli', 'main.js'));
const cli = (...args: string[]) => (COMPILED ? ['dist/cli/main.js', ...args] : ['src/cli/main.ts', ...args]);

function spawnNode(args: string[], ready: RegExp): Promise<{ child: ChildProcess; out: string }> {
  return new Promise((resolve, reject) => {
    const prof = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
    const loader = args[0]!.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = spawn(process.execPath, [...prof, ...loader, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    const on = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve({ child, out });
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}\n${out}`)));
  });
}

async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Closed loop: CONNECTIONS clients, each sending its next request when the last is answered. */
async function load(url: string, headers: Record<string, string>, bodyFor: () => string): Promise<Load> {
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, setupRequest: (req) => ({ ...req, body: bodyFor() }) }],
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors + r.timeouts };
}

async function measure(label: string, url: string, headers: Record<string, string>, bodyFor: () => string, pids: Record<string, number | undefined> = {}) {
  await load(url, headers, bodyFor).catch(() => undefined); // warm-up (JIT, pools, caches)
  const before = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuMs(p)]));
  const peak = await load(url, headers, bodyFor);
  const total = peak.rps * DURATION;
  const cpu = Object.entries(pids).map(([k, p]) => `${k} ${(((cpuMs(p) - before[k]!) * 1000) / total).toFixed(0)} µs`).join(', ');
  if (cpu) console.error(`  ${label}: CPU per exchange: ${cpu}`);
  console.error(`  ${label}: ${peak.rps.toFixed(0)}/s peak (p50 ${peak.p50} ms, p99 ${peak.p99} ms), errors ${peak.errors}`);
  // partial load: requests leave evenly spaced at a fraction of the peak rate (open loop; bench/open-loop.ts)
  let half: Load | undefined;
  for (const fraction of FRACTIONS) {
    const cpuBefore = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuMs(p)]));
    const open = await openLoop({ url, headers, body: bodyFor, rate: Math.max(1, Math.floor(peak.rps * fraction)), durationSeconds: DURATION });
    const at: Load = { rps: open.ok / DURATION, p50: round1(open.p50), p99: round1(open.p99), errors: open.errors };
    if (fraction === 0.5 || !half) half = at;
    // at partial load batches are small, so each exchange costs more CPU than at peak
    const cpuAt = Object.entries(pids).map(([k, p]) => `${k} ${(((cpuMs(p) - cpuBefore[k]!) * 1000) / Math.max(1, open.ok)).toFixed(0)} µs`).join(', ');
    console.error(`  ${label}: at ${fraction * 100} % of peak (${open.rate}/s, open loop) p50 ${at.p50} ms p90 ${round1(open.p90)} ms p99 ${at.p99} ms max ${round1(open.max)} ms, errors ${open.errors}${cpuAt ? `; CPU per exchange: ${cpuAt}` : ''}`);
  }
  return { label, peak, half: half! };
}

// ---- data --------------------------------------------------------------------------------
console.error(`bench/exchange: ${DURATION} s per run, ${CONNECTIONS} connections, data in ${dir}`);
const registries = join(dir, 'ah-registries.db');
await seedRegistries(`sqlite:${registries}`, { regionCode: '340000', citizens: Number(values.citizens), seed: 'bench', federation: ['310000', '320000', '340000'] });
const ids = (new Database(registries, { readonly: true }).prepare("select id_number from hukou_person where status = '正常' limit 5000").all() as Array<{ id_number: string }>).map((r) => r.id_number);
let n = 0;
const nextId = () => ids[n++ % ids.length]!;

// ---- baseline ----------------------------------------------------------------------------
const results: Array<{ label: string; peak: Load; half: Load }> = [];
if (values.only!.includes('bare')) {
  const bare = await spawnNode(['bench/bare-server.ts', registries], /"port":\d+/);
  const port = JSON.parse(/\{"port":\d+\}/.exec(bare.out)![0]).port as number;
  results.push(await measure('bare HTTP lookup', `http://127.0.0.1:${port}/lookup`, {}, () => JSON.stringify({ idNumber: nextId(), fields: ['name', 'sex', 'birthDate', 'registeredDivision'] }), { server: bare.child.pid }));
  if (values.only!.includes('forward')) {
    // two hops and nothing else: the bound an exchange's transport alone sets on this machine
    const fwd = await spawnNode(['bench/forward-server.ts', `http://127.0.0.1:${port}/lookup`], /"port":\d+/);
    const fport = JSON.parse(/\{"port":\d+\}/.exec(fwd.out)![0]).port as number;
    results.push(await measure('bare two-hop forward', `http://127.0.0.1:${fport}/lookup`, {}, () => JSON.stringify({ idNumber: nextId(), fields: ['name', 'sex', 'birthDate', 'registeredDivision'] }), { forwarder: fwd.child.pid, server: bare.child.pid }));
    await new Promise((r) => { fwd.child.removeAllListeners('exit'); fwd.child.on('exit', r); fwd.child.kill('SIGTERM'); });
  }
  await new Promise((r) => { bare.child.removeAllListeners('exit'); bare.child.on('exit', r); bare.child.kill('SIGTERM'); });
}
if (values.only!.includes('fastify')) {
  const svc = await spawnNode(['bench/fastify-server.ts', registries], /"port":\d+/);
  const port = JSON.parse(/\{"port":\d+\}/.exec(svc.out)![0]).port as number;
  results.push(await measure('Fastify+Kysely lookup', `http://127.0.0.1:${port}/lookup`, {}, () => JSON.stringify({ idNumber: nextId(), fields: ['name', 'sex', 'birthDate', 'registeredDivision'] }), { server: svc.child.pid }));
  await new Promise((r) => { svc.child.removeAllListeners('exit'); svc.child.on('exit', r); svc.child.kill('SIGTERM'); });
}

// ---- federation per suite ----------------------------------------------------------------
for (const suite of values.suites!.split(',')) {
  const base = join(dir, suite);
  const write = (name: string, cfg: object) => {
    mkdirSync(join(base, name), { recursive: true });
    const p = join(base, name, 'config.yaml');
    writeFileSync(p, YAML.stringify(cfg));
    return p;
  };
  const pg = process.env.TONGBAN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
  const dbFor = (name: string) => (values.engine === 'postgres' ? `${pg}?schema=bench_${suite.replace('-', '_')}_${name}_${process.pid}` : 'sqlite:./node.db');
  const hubCfg = write('hub', { role: 'hub', database: values.engine === 'postgres' ? dbFor('hub') : 'sqlite:./hub.db', dataDir: '.', listen: { host: '127.0.0.1', port: 0 }, crypto: { suite }, log: { level: 'warn' } });
  const hub = await spawnNode(cli('hub', '-c', hubCfg), /listening on (http:\S+)/);
  const hubUrl = /listening on (http:\S+)/.exec(hub.out)![1]!;
  const token = readFileSync(join(base, 'hub', 'operator.token'), 'utf8').trim();
  const nodeCfg = (code: string, name: string, extra: object) =>
    write(code, { role: 'node', region: { code, name }, database: dbFor(code), dataDir: '.', listen: { host: '127.0.0.1', port: 0 }, hub: { url: hubUrl }, crypto: { suite }, log: { level: 'warn' }, ...extra });
  const ah = await spawnNode(cli('node', '-c', nodeCfg('340000', '安徽', { registries: `sqlite:${registries}`, exchange: { access: [{ from: ['310000', '320000'], resources: '*' }] } })), /listening on (http:\S+)/);
  // 上海 reaches 安徽 through the hub relay, 江苏 directly
  const sh = await spawnNode(cli('node', '-c', nodeCfg('310000', '上海', { exchange: { partners: { '340000': { route: 'relay' } } } })), /listening on (http:\S+)/);
  const js = await spawnNode(cli('node', '-c', nodeCfg('320000', '江苏', { exchange: { defaultRoute: 'direct' } })), /listening on (http:\S+)/);
  const urlOf = (p: { out: string }) => /listening on (http:\S+)/.exec(p.out)![1]!;
  for (const code of ['340000', '310000', '320000']) {
    await until(async () => (await fetch(`${hubUrl}/api/hub/members/${code}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status === 200, `approval of ${code}`);
  }
  for (const p of [ah, sh, js]) await until(async () => (await fetch(`${urlOf(p)}/readyz`)).status === 200, `${urlOf(p)} ready`);
  const clerks: Record<string, string> = {};
  for (const [code, p] of [['310000', sh], ['320000', js]] as const) {
    const add = spawn(process.execPath, [...(COMPILED ? [] : ['--import', 'tsx']), ...cli('users', 'add', `clerk-${code}`, '-c', join(base, code, 'config.yaml'), '--name', '窗口人员', '--department', '政务服务中心', '--role', 'clerk', '--password-stdin')], { cwd: ROOT, stdio: ['pipe', 'ignore', 'inherit'] });
    add.stdin!.end('bench-password-2026\n');
    await new Promise((r) => add.on('exit', r));
    const login = await fetch(`${urlOf(p)}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: `clerk-${code}`, password: 'bench-password-2026' }) });
    clerks[code] = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  }
  // every node's member list must hold all three before the first exchange (each fetches it on its own)
  for (const p of [ah, sh, js]) await until(async () => ((await (await fetch(`${urlOf(p)}/api/federation/members`)).json()) as { members: unknown[] }).members.length === 3, `${urlOf(p)} member list`);
  const body = () => JSON.stringify({ target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: nextId() }, fields: ['name', 'sex', 'birthDate', 'registeredDivision'], purpose: { serviceItem: '户口迁移(夫妻投靠)', caseId: 'BENCH-1' } });
  // one sanity exchange each way before measuring
  for (const [code, p] of [['320000', js], ['310000', sh]] as const) {
    const r = await fetch(`${urlOf(p)}/api/exchange/requests`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: clerks[code]! }, body: body() });
    const x = ((await r.json()) as { exchange?: { status: string; result?: { seal: { verified: boolean } } } }).exchange;
    if (x?.status !== 'completed' || !x.result?.seal.verified) throw new Error(`sanity exchange failed: ${JSON.stringify(x)}`);
  }
  if (values.only!.includes('direct')) results.push(await measure(`${suite} direct`, `${urlOf(js)}/api/exchange/requests`, { cookie: clerks['320000']! }, body, { requester: js.child.pid, provider: ah.child.pid }));
  if (values.only!.includes('relayed')) results.push(await measure(`${suite} relayed`, `${urlOf(sh)}/api/exchange/requests`, { cookie: clerks['310000']! }, body, { requester: sh.child.pid, hub: hub.child.pid, provider: ah.child.pid }));
  await Promise.all([sh, js, ah, hub].map((p) => new Promise((r) => { p.child.removeAllListeners('exit'); p.child.on('exit', r); p.child.kill('SIGTERM'); })));
}

// ---- report ------------------------------------------------------------------------------
// ratios only against the bare lookup measured in this run (not against whatever ran first)
const bare = results.find((r) => r.label === 'bare HTTP lookup');
console.log(`\nexchange benchmark — ${new Date().toISOString().slice(0, 10)}, ${DURATION} s runs, ${CONNECTIONS} connections, node databases on ${values.engine}, Node ${process.version}, 127.0.0.1`);
console.log('run                     peak/s   vs bare   p50 ms   p99 ms   half-load p50   half-load p99');
for (const r of results) {
  const ratio = bare ? `${((100 * r.peak.rps) / bare.peak.rps).toFixed(0)} %` : '—';
  console.log(`${r.label.padEnd(22)} ${r.peak.rps.toFixed(0).padStart(7)}   ${ratio.padStart(6)}   ${String(r.peak.p50).padStart(6)}   ${String(r.peak.p99).padStart(6)}   ${String(r.half.p50).padStart(13)}   ${String(r.half.p99).padStart(13)}${r.peak.errors + r.half.errors ? `   (${r.peak.errors + r.half.errors} errors)` : ''}`);
}
if (!values.keep) rmSync(dir, { recursive: true, force: true });
if (values.engine === 'postgres' && !values.keep) {
  const { default: pgm } = await import('pg');
  const c = new pgm.Client({ connectionString: process.env.TONGBAN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test' });
  await c.connect();
  const r = await c.query(`select nspname from pg_namespace where nspname like 'bench\\_%\\_${process.pid}'`);
  for (const row of r.rows as Array<{ nspname: string }>) await c.query(`drop schema "${row.nspname}" cascade`);
  await c.end();
}
process.exit(0);
