// `tongban demo` (what `npm start` runs) as a user runs it: progress, a table of URLs, Ctrl-C stops
// it cleanly, a second start reuses the data, and a mismatched second start is refused. The demo's
// 实施清单 is published on the first start (上海's 户口迁移(夫妻投靠) reads 安徽's records) and not again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllChildren, runCli, spawnCli } from '../helpers/cli.js';
import { assertPortsFree } from '../../src/server/ports.js';
import { nationalCodeOf } from '../../src/sim/demo-items.js';

const dir = mkdtempSync(join(tmpdir(), 'tongban-democli-'));
test.after(() => {
  killAllChildren();
  rmSync(dir, { recursive: true, force: true });
});

async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor((process.pid * 7919 + attempt * 104729) % 40000);
    try {
      await assertPortsFree('127.0.0.1', [0, 1, 2, 3, 4, 5].map((i) => base + i));
      return base;
    } catch {
      // taken; try another range
    }
  }
  throw new Error('no six free consecutive ports');
}

test('tongban demo: starts, prints the URL table, stops on Ctrl-C, reuses its data on the next start', async () => {
  const base = await freeBasePort();
  const data = join(dir, 'fed');
  const args = ['demo', '--data', data, '--port', String(base), '--citizens', '1000', '--suite', 'ed25519'];
  const first = await spawnCli(args, /Press Ctrl-C to stop/, { timeoutMs: 120_000 });
  const out = first.stdout();
  assert.match(first.stderr(), /seeding synthetic registries/);
  assert.match(first.stderr(), /安徽 340000 registries seeded in/);
  assert.match(out, /ready in \d+\.\d s/);
  for (let i = 0; i <= 5; i++) assert.match(out, new RegExp(`http://127\\.0\\.0\\.1:${base + i}\\b`));
  assert.match(out, /node\s+贵州\s+520000/);
  const members = (await (await fetch(`http://127.0.0.1:${base + 1}/api/federation/members`)).json()) as { members: unknown[]; source: string };
  assert.equal(members.members.length, 5);
  assert.equal(members.source, 'hub');
  // the tour names the catalogue's four eyes: 上海's administrator and reviewer
  assert.match(out, /data administrator user sh-admin, password \S+ \(陈志强, 上海市大数据中心\)/);
  assert.match(out, /reviewer \(审核人\) user sh-approver, password \S+ \(赵敏, 上海市大数据中心\)/);
  // and the hub's operator, who signs in at the hub and sees the members; and the auditors
  const op = /Be the hub operator: 成员管理 at (\S+)\/members — user hub-operator, password (\S+) \(刘建华, 国家政务服务平台运维中心\)/.exec(out);
  assert.ok(op, out);
  assert.match(out, /As 上海's auditor \(监督员\) — user sh-auditor, password \S+ \(钱蕾, 上海市人民政府办公厅督查处\):\n\s+审计日志 at http:\/\/127\.0\.0\.1:\d+\/audit\/log/);
  // the hub's auditor reads what the operator decided, on the hub's own log
  const hubAuditor = /The hub's auditor \(监督员\) reads 成员管理 and the hub's 审计日志 \((\S+)\/audit\/log\), deciding nothing — user hub-auditor, password (\S+) \(周静, /.exec(out);
  assert.ok(hubAuditor, out);
  const auditorIn = await fetch(`${hubAuditor[1]}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'hub-auditor', password: hubAuditor[2] }) });
  assert.equal(auditorIn.status, 200);
  const auditorCookie = auditorIn.headers.getSetCookie()[0]!.split(';')[0]!;
  const decisions = await fetch(`${hubAuditor[1]}/api/audit/search`, { method: 'POST', headers: { cookie: auditorCookie, 'content-type': 'application/json' }, body: JSON.stringify({ action: 'member.approved' }) });
  assert.equal(((await decisions.json()) as { entries: unknown[] }).entries.length, 5, 'the demo approved its five members');
  const signedIn = await fetch(`${op[1]}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'hub-operator', password: op[2] }) });
  assert.equal(signedIn.status, 200);
  const cookie = signedIn.headers.getSetCookie()[0]!.split(';')[0]!;
  assert.equal(((await (await fetch(`${op[1]}/api/hub/members`, { headers: { cookie } })).json()) as { members: unknown[] }).members.length, 5);
  // 上海's implementation of a national item, published by the demo: modes set, a material from 安徽
  const itemUrl = `http://127.0.0.1:${base + 1}/api/catalog/items/${nationalCodeOf('户口迁移(夫妻投靠)')}`;
  const published = async () => ((await (await fetch(itemUrl)).json()) as { published: { version: number; modes: string[]; pending?: string[]; origin: { kind: string }; materials: Array<{ satisfiedBy: { resource?: string } | null }> } }).published;
  const item = await published();
  assert.deepEqual(item.modes, ['proxy', 'joint']);
  assert.equal(item.pending, undefined);
  assert.equal(item.origin.kind, 'national-confirmed');
  assert.ok(item.materials.some((m) => m.satisfiedBy?.resource === '340000:hukou.person'), JSON.stringify(item.materials));
  first.child.kill('SIGINT');
  assert.equal(await first.exited, 0);
  assert.match(first.stderr(), /stopped cleanly/);
  for (const code of ['hub', '310000', '520000']) assert.ok(existsSync(join(data, code, code === 'hub' ? 'hub.yaml' : 'node.yaml')));

  // the operator commands work on the demo's hub config
  const listed = await runCli(['members', 'list', '-c', join(data, 'hub', 'hub.yaml')]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal((listed.stdout.match(/approved/g) ?? []).length, 5);

  const second = await spawnCli(args, /Press Ctrl-C to stop/, { timeoutMs: 60_000 });
  assert.match(second.stderr(), /registries reused/);
  assert.equal((await published()).version, item.version, 'a second start imports nothing again');
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);

  const mismatch = await runCli(['demo', '--data', data, '--port', String(base), '--citizens', '2000']);
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stderr, /E_DATA_MISMATCH: .* holds a demo made with 1000 citizens \(asked for 2000\)/);
});
