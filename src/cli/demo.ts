// `tongban demo` (npm start): progress while the federation starts, a table of URLs, a short tour,
// and a clean shutdown on Ctrl-C.
import { isAbsolute, relative } from 'node:path';
import cliProgress from 'cli-progress';
import type { SuiteName } from '../core/crypto/suite.js';
import { DEMO_REGIONS, startDemo, type DemoEvent } from '../sim/demo.js';
import { sampleMigrants } from '../sim/registries/index.js';
import { printTable } from './members.js';
import { runUntilSignal } from './signals.js';

export interface DemoCommandOptions {
  data: string;
  port: number;
  host: string;
  citizens: number;
  suite: SuiteName;
  seed: string;
  reset: boolean;
}

const PHASES: Record<string, string> = {
  checking: '检查端口与数据目录 checking ports and data directory',
  'starting-hub': '启动国家枢纽 starting the hub',
  seeding: '生成各省模拟登记数据 seeding synthetic registries',
  'starting-nodes': '启动五个省级节点 starting five province nodes',
  approving: '审批入网申请 approving membership requests',
  syncing: '同步可信成员清单 syncing the signed member list',
};

export async function runDemoCommand(opts: DemoCommandOptions): Promise<void> {
  const tty = Boolean(process.stderr.isTTY);
  const names = new Map<string, string>(DEMO_REGIONS.map((r) => [r.code, r.name]));
  const multibar = tty
    ? new cliProgress.MultiBar(
        { format: ' {region} |{bar}| {percentage}% {phase}', barsize: 28, hideCursor: true, clearOnComplete: false, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  const lastLogged = new Map<string, number>();

  const onEvent = (e: DemoEvent) => {
    switch (e.type) {
      case 'phase':
        if (!multibar) console.error(`• ${PHASES[e.phase]}`);
        break;
      case 'seed-progress': {
        const label = `${names.get(e.regionCode) ?? ''} ${e.regionCode}`;
        if (multibar) {
          let bar = bars.get(e.regionCode);
          if (!bar) {
            bar = multibar.create(e.total, 0, { region: label, phase: e.phase });
            bars.set(e.regionCode, bar);
          }
          bar.setTotal(e.total);
          bar.update(e.done, { phase: e.phase });
        } else {
          const pct = Math.floor((100 * e.done) / Math.max(1, e.total));
          const key = `${e.regionCode}:${e.phase}`;
          if ((lastLogged.get(key) ?? -100) + 25 <= pct || e.done === e.total) {
            lastLogged.set(key, pct);
            console.error(`  ${label} ${e.phase} ${pct}%`);
          }
        }
        break;
      }
      case 'seed-done':
        if (!multibar) console.error(`  ${names.get(e.regionCode)} ${e.regionCode} registries ${e.reused ? 'reused' : `seeded in ${(e.ms / 1000).toFixed(1)} s`}`);
        else bars.get(e.regionCode)?.update({ phase: e.reused ? 'reused' : `done ${(e.ms / 1000).toFixed(1)} s` });
        break;
      case 'server-started':
        if (!multibar) console.error(`  ${e.role} ${e.regionCode} on ${e.url}`);
        break;
    }
  };

  const demo = await startDemo({
    dataDir: opts.data,
    basePort: opts.port,
    host: opts.host,
    citizens: opts.citizens,
    suite: opts.suite,
    seed: opts.seed,
    reset: opts.reset,
    onEvent,
  }).finally(() => multibar?.stop());

  const rows = [
    ['hub', '国家枢纽', '000000', demo.hub.url, `${demo.hub.url}/api/docs`],
    ...demo.nodes.map((n) => ['node', n.config.region.name, n.config.region.code, n.url, `${n.url}/api/docs`]),
  ];
  console.log(`\n通办 Tongban demo federation — ready in ${(demo.elapsedMs / 1000).toFixed(1)} s (${opts.citizens.toLocaleString('en')} citizens a node, ${opts.suite})\n`);
  printTable(['role', 'region', 'code', 'URL', 'API docs'], rows);
  const sh = demo.nodes.find((n) => n.config.region.code === '310000')!;
  // short when the data is under the working directory (the default ./.tongban); else the whole path, not ../../tmp/…
  const rel = relative(process.cwd(), demo.dataDir);
  const dataRel = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? demo.dataDir : rel;
  console.log(`
Tour:
  • ${sh.url}/federation — 上海 node's view of the federation: five members, signed member list, online status
  • ${demo.hub.url}/federation — the hub's view, with pending requests
  • ${sh.url}/api/docs — the API, generated from the route schemas (OpenAPI 3.1 at /api/openapi.json)
  • Hub operator on the command line: node dist/cli/main.js members list -c ${dataRel}/hub/hub.yaml (scripts use the bootstrap token in ${dataRel}/hub/operator.token)
  • Logs (JSON, no personal data): ${dataRel}/<code>/server.log; data: ${dataRel}/<code>/node.db, registries.db`);
  const shUsers = demo.users['310000'] ?? [];
  const clerk = shUsers.find((u) => u.roles.includes('clerk'));
  const admin = shUsers.find((u) => u.roles.includes('admin'));
  const approver = shUsers.find((u) => u.roles.includes('approver'));
  const auditor = shUsers.find((u) => u.roles.includes('auditor'));
  const operator = demo.users[demo.hub.config.region.code]?.find((u) => u.roles.includes('operator'));
  const hubAuditor = demo.users[demo.hub.config.region.code]?.find((u) => u.roles.includes('auditor'));
  const account = (u: { id: string; password: string; name: string; department: string }) => `user ${u.id}, password ${u.password} (${u.name}, ${u.department})`;
  if (operator) {
    console.log(`  • Be the hub operator: 成员管理 at ${demo.hub.url}/members — ${account(operator)}; every decision is recorded under that name`);
  }
  if (hubAuditor) console.log(`  • The hub's auditor (监督员) reads 成员管理 and the hub's 审计日志 (${demo.hub.url}/audit/log), deciding nothing — ${account(hubAuditor)}`);
  console.log(`  • ${sh.url}/portal — 数据门户: search the federation's catalogue; an item's 办事指南 lists the 免提交 materials and which region's department supplies them`);
  if (clerk) {
    console.log(`  • Sign in as 上海's window clerk at ${sh.url}/login — ${account(clerk)}
    then 跨省调阅 at ${sh.url}/exchange`);
  }
  if (admin && approver) {
    console.log(`  • Catalogue console ${sh.url}/catalog (四眼原则: one drafts, another approves):
    data administrator ${account(admin)}
    reviewer (审核人) ${account(approver)}`);
  }
  if (auditor) {
    console.log(`  • As 上海's auditor (监督员) — ${account(auditor)}:
    审计日志 at ${sh.url}/audit/log (who looked up whom: search by ID number, open an exchange, export CSV), 审计与存证 at ${sh.url}/audit`);
  }
  console.log(`  • Every node's demo accounts (a clerk, an administrator, a reviewer and an auditor) are in ${dataRel}/<code>/demo-users.json, the hub operator's and auditor's in ${dataRel}/hub/demo-users.json`);
  try {
    // someone to look up from 上海's workbench: a 居住证 holder whose household registration is in 安徽
    const sample = await sampleMigrants(`sqlite:${demo.dataDir}/310000/registries.db`, { hukouProvince: '340000', limit: 1 });
    if (sample[0]) console.log(`  • A synthetic 居住证 holder in 上海 with household registration in 安徽 (340000), to request from 安徽: ${sample[0].idNumber}`);
  } catch {
    // the tour line is a nicety; the federation is up regardless
  }
  // handlers first, then the line a user (or a supervisor) reacts to
  const stopped = runUntilSignal([], () => console.error('\nstopping…'));
  console.log('\nPress Ctrl-C to stop.');
  await stopped;
  await demo.close();
  console.error('stopped cleanly.');
}
