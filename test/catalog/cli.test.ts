// `tongban catalog import|list|show` against a node's config file, as an operator would run them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllChildren, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tongban-catalog-cli-'));
const cfg = join(dir, 'node.yaml');
writeFileSync(cfg, 'role: node\nregion: { code: "310000", name: 上海 }\ndatabase: sqlite:./node.db\ndataDir: .\nlisten: { port: 0 }\nhub: { url: "http://127.0.0.1:9" }\n');
test.after(() => {
  killAllChildren();
  rmSync(dir, { recursive: true, force: true });
});

const good = join(dir, '上海实施清单.csv');
writeFileSync(
  good,
  [
    '实施编码,事项名称,实施部门,通办模式,时限,办理流程,申请材料',
    'SH-RS-001,失业登记,上海市人力资源和社会保障局,全程网办,5,"网上申请, 窗口核验",身份证明',
    'SH-RS-002,企业职工基本养老保险关系转移接续,上海市社会保险事业管理中心,"异地代收代办、多地联办",15个工作日,"转入地受理',
    '转出地开具凭证",参保缴费凭证=resource:340000:social.pension',
  ].join('\n'),
);
const broken = join(dir, 'broken.csv');
writeFileSync(broken, '实施编码,事项名称,实施部门,通办模式,时限\nSH-1,失业登记,上海市人社局,全程网办,5\nSH-2,养老,上海市人社局,全程网办,400\nSH-3,,上海市人社局,邮寄,5\n');

test('tongban catalog import: dry run, a broken file (every line named, nothing imported), a real import; list and show', async () => {
  const dry = await runCli(['catalog', 'import', 'items', good, '-c', cfg, '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /✓ dry run: 2 item\(s\) from .*上海实施清单\.csv would be submitted for review/);

  const bad = await runCli(['catalog', 'import', 'items', broken, '-c', cfg]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /line 3, column 时限: must be 1–365 working days \(got 400\)\n\s+第3行,"时限"列:应为1至365个工作日\(实际为400\)/);
  assert.match(bad.stderr, /line 4, column 事项名称: is required/);
  assert.match(bad.stderr, /line 4, column 通办模式: modes\[0\]: must be one of online, proxy, joint \(got "邮寄"\)/);
  assert.match(bad.stderr, /E_INVALID_REQUEST: 3 problem\(s\) in .*broken\.csv; nothing was imported/);

  const empty = await runCli(['catalog', 'list', 'items', '-c', cfg]);
  assert.equal(empty.code, 0, empty.stderr);
  assert.match(empty.stdout, /\(no entries\)/);

  const ok = await runCli(['catalog', 'import', 'items', good, '-c', cfg]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /✓ 2 item\(s\) from .* submitted for review/);
  assert.match(ok.stdout, /line 3 {2}SH-RS-002 {2}企业职工基本养老保险关系转移接续 {2}\(create\)/);
  assert.match(ok.stderr, /has no signing key yet \(never started\), so this action is not in an audit log/);

  const list = await runCli(['catalog', 'list', 'items', '-c', cfg, '--status', 'in-review']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /items +SH-RS-001 +失业登记 +in-review +- \/ v1 in-review/);

  const show = await runCli(['catalog', 'show', 'items', 'SH-RS-002', '-c', cfg, '--history']);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /modes: 异地代收代办、多地联办; time limit: 15 working days/);
  assert.match(show.stdout, /参保缴费凭证 — 免提交: resource 340000:social\.pension/);
  assert.match(show.stdout, /origin: regional — 上海实施清单\.csv/);
  assert.match(show.stdout, /v1 {2}imported → in-review {2}by cli:/);

  const missing = await runCli(['catalog', 'show', 'items', 'NOPE', '-c', cfg]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /E_NOT_FOUND/);
});

test('tongban catalog import --publish from JSON; a file that is not UTF-8 is refused', async () => {
  const json = join(dir, 'items.json');
  writeFileSync(json, JSON.stringify({ items: [{ code: 'SH-J-1', name: '异地就医登记备案', department: '上海市医疗保障局', modes: ['online'], timeLimitDays: 1, guide: {}, materials: [] }] }));
  const r = await runCli(['catalog', 'import', 'items', json, '-c', cfg, '--publish', '--source', '上海市实施清单(2024版)']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /✓ 1 item\(s\) from .* published \(without review\)/);
  const show = await runCli(['catalog', 'show', 'items', 'SH-J-1', '-c', cfg, '--json']);
  const view = JSON.parse(show.stdout);
  assert.equal(view.status, 'published');
  assert.deepEqual(view.published.origin, { kind: 'regional', source: '上海市实施清单(2024版)' });

  const gbk = join(dir, 'gbk.csv');
  writeFileSync(gbk, Buffer.from([0xca, 0xb5, 0xca, 0xa9, 0xb1, 0xe0, 0xc2, 0xeb, 0x0a])); // 实施编码 in GBK
  const refused = await runCli(['catalog', 'import', 'items', gbk, '-c', cfg]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /is not UTF-8 text \(saved as GBK\?\)/);
});
