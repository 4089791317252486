// Importing a province's 实施清单 on both engines: a good CSV file (quoted fields with commas and line
// breaks), a file with broken lines (nothing imported, every line named), JSON, dry runs, re-imports,
// and --publish.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, freshDatabase } from '../helpers/engines.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { CatalogService, importItems, importProblemsOf, listPublished, type CatalogActor, type PublishedChange, type ServiceItem } from '../../src/catalog/index.js';
import type { AuditEvent } from '../../src/audit/index.js';
import { TongbanError } from '../../src/core/errors.js';

const wang: CatalogActor = { type: 'user', id: 'wang' };
const li: CatalogActor = { type: 'user', id: 'li' };

const HEADER = '实施编码,事项名称,实施部门,通办模式,时限,办理流程,申请材料,来源';
export const GOOD_CSV = [
  HEADER,
  'SH-RS-001,失业登记,上海市人力资源和社会保障局,全程网办,5,"网上申请, 窗口核验, 办结","身份证明=resource:hukou.person(name,birthDate)',
  '劳动合同(选填)",',
  'SH-RS-002,"企业职工基本养老保险关系转移接续",上海市社会保险事业管理中心,"异地代收代办;多地联办",15个工作日,"1. 转入地受理',
  '2. 转出地开具凭证',
  '3. ""转入地""办结",参保缴费凭证=resource:340000:social.pension,上海市实施清单(2024版)',
  'SH-RS-003,职业资格证书核验,上海市人力资源和社会保障局,online,1,,职业资格证书=certificate:11100000000013338W032,',
].join('\r\n');

async function setup(engine: 'sqlite' | 'postgres', label: string) {
  const t = await freshDatabase(engine, label);
  const store = await openDatabase<TongbanDB>(t.url);
  await migrateToLatest(store);
  const audit: AuditEvent[] = [];
  const svc = new CatalogService({ db: store.db, regionCode: '310000', audit: { append: async (e) => void audit.push(e) } });
  // a published resource the materials can point at
  await store.db.transaction().execute(async (tx) => {
    await svc.publishDirectly(
      tx,
      'resource',
      {
        id: 'hukou.person', name: { zh: '户籍人口基本信息', en: 'Household registration: person' }, summary: 's', department: { name: '上海市公安局' }, subjectType: 'citizen',
        fields: [{ name: 'name', element: 'TB.PERSON.NAME', label: { zh: '姓名', en: 'Name' }, sensitivity: 'general' }, { name: 'birthDate', element: 'TB.PERSON.BIRTH_DATE', label: { zh: '出生日期', en: 'Date of birth' }, sensitivity: 'general' }],
        sharing: { type: 'conditional', condition: 'c', methods: ['online-query'] }, classification: { tier: 'basic', category: '人口', grade: 'general' }, updateCycle: 'daily', source: { adapter: 'registries.hukou_person', system: '人口信息管理系统' },
      },
      { type: 'system', id: 'system' },
      'seeded',
      new Date().toISOString(),
    );
  });
  const count = async () => Number((await store.db.selectFrom('catalog_item').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const historyCount = async () => Number((await store.db.selectFrom('catalog_history').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { t, store, svc, audit, count, historyCount, close: async () => (await store.close(), await t.cleanup()) };
}

for (const engine of await engines()) {
  test(`${engine}: a good CSV 实施清单 lands in review; quoted commas, line breaks and quotes survive; the importer cannot approve`, async () => {
    const f = await setup(engine, 'catimp');
    try {
      const dry = await importItems(f.svc, { format: 'csv', content: GOOD_CSV, source: 'sh.csv', dryRun: true, actor: wang });
      assert.equal(dry.ok, true, JSON.stringify(dry.problems));
      assert.equal(dry.count, 3);
      assert.equal(await f.count(), 0, 'a dry run writes nothing');
      assert.equal(f.audit.length, 0);

      const r = await importItems(f.svc, { format: 'csv', content: GOOD_CSV, source: 'sh.csv', actor: wang });
      assert.deepEqual(r.items.map((i) => `${i.line} ${i.code} ${i.action}`), ['2 SH-RS-001 create', '4 SH-RS-002 create', '7 SH-RS-003 create']);
      assert.equal(r.status, 'in-review');
      const v1 = (await f.svc.get('item', 'SH-RS-001', { includeWorking: true }))!;
      assert.equal(v1.status, 'in-review');
      const one = v1.working as ServiceItem;
      assert.equal(one.guide.process, '网上申请, 窗口核验, 办结');
      assert.deepEqual(one.materials, [
        { name: '身份证明', required: true, satisfiedBy: { kind: 'resource', resource: 'hukou.person', fields: ['name', 'birthDate'] } },
        { name: '劳动合同', required: false, satisfiedBy: null },
      ]);
      assert.deepEqual(one.origin, { kind: 'regional', source: 'sh.csv' });
      const two = (await f.svc.get('item', 'SH-RS-002', { includeWorking: true }))!.working as ServiceItem;
      assert.equal(two.guide.process, '1. 转入地受理\n2. 转出地开具凭证\n3. "转入地"办结');
      assert.deepEqual(two.modes, ['proxy', 'joint']);
      assert.equal(two.timeLimitDays, 15);
      assert.deepEqual(two.origin, { kind: 'regional', source: '上海市实施清单(2024版)' });
      assert.deepEqual(f.audit.map((e) => `${e.action} ${e.detail?.entry} ${e.detail?.status}`), [
        'catalog.item.imported SH-RS-001 in-review',
        'catalog.item.imported SH-RS-002 in-review',
        'catalog.item.imported SH-RS-003 in-review',
      ]);
      await assert.rejects(f.svc.approve('item', 'SH-RS-001', wang), (e: TongbanError) => e.code === 'E_FORBIDDEN');
      assert.equal((await f.svc.approve('item', 'SH-RS-001', li)).status, 'published');

      // importing again: an item in review is a problem on its line; nothing changes
      const again = await importItems(f.svc, { format: 'csv', content: GOOD_CSV, source: 'sh.csv', dryRun: true, actor: wang });
      assert.equal(again.ok, false);
      assert.deepEqual(again.problems.map((p) => `${p.line} ${p.column}`), ['4 实施编码', '7 实施编码']);
      assert.match(again.problems[0]!.message, /^item SH-RS-002 has version 1 in review; it must be approved, returned or withdrawn first$/);
      // once those are reviewed, a re-import starts new versions; the published ones stay in force
      await f.svc.returnForChanges('item', 'SH-RS-002', '待修改', li);
      await f.svc.approve('item', 'SH-RS-003', li);
      const changed = GOOD_CSV.replace('SH-RS-003,职业资格证书核验,上海市人力资源和社会保障局,online,1', 'SH-RS-003,职业资格证书核验,上海市人力资源和社会保障局,online,2');
      const re = await importItems(f.svc, { format: 'csv', content: changed, source: 'sh-v2.csv', actor: wang });
      assert.deepEqual(re.items.map((i) => i.action), ['new-version', 'replace-draft', 'new-version']);
      const three = (await f.svc.get('item', 'SH-RS-003', { includeWorking: true }))!;
      assert.equal((three.published as ServiceItem).timeLimitDays, 1);
      assert.equal((three.working as ServiceItem).timeLimitDays, 2);
      assert.equal(three.working!.version, 2);
      assert.deepEqual((await listPublished(f.store.db)).items.map((i) => `${i.code} v${i.version}`), ['SH-RS-001 v1', 'SH-RS-003 v1']);
    } finally {
      await f.close();
    }
  });

  test(`${engine}: a file with broken lines imports nothing and names every bad line and column`, async () => {
    const f = await setup(engine, 'catbad');
    try {
      const broken = [
        HEADER,
        'SH-1,失业登记,上海市人社局,全程网办,5,,,', // fine
        'SH-2,,上海市人社局,全程网办,400,,,', // name missing, time limit out of range
        'SH-3,社保卡申领,上海市人社局,远程办,5,,身份证=resource:no.such,', // unknown mode, unknown resource
        'SH-1,重复,上海市人社局,全程网办,5,,,', // duplicate code
        'SH-5,只有三列,x', // wrong column count
        'SH-6,材料写错,上海市人社局,全程网办,5,,身份证=somewhere,', // material spec
      ].join('\n');
      await assert.rejects(importItems(f.svc, { format: 'csv', content: broken, source: 'broken.csv', actor: wang }), (e: unknown) => {
        assert.ok(e instanceof TongbanError);
        assert.equal(e.code, 'E_INVALID_REQUEST');
        const problems = importProblemsOf(e)!;
        assert.deepEqual(
          problems.map((p) => `${p.line}|${p.column ?? ''}|${p.message}`),
          [
            '3|事项名称|is required',
            '3|时限|must be 1–365 working days (got 400)',
            '4|通办模式|modes[0]: must be one of online, proxy, joint (got "远程办")',
            '4|申请材料|material 1 (身份证), satisfiedBy.resource: unknown resource "no.such" on this node (310000)',
            '5|实施编码|item SH-1 is also on line 2',
            '6||has 3 columns, the header has 8 (a field with a comma or line break must be in double quotes)',
            '7|申请材料|material 1 (身份证): after "=" write resource:ID, resource:ID(field,…), resource:REGION:ID or certificate:TYPECODE (got "somewhere")',
          ],
        );
        assert.match(e.message, /^E_INVALID_REQUEST: 7 problems in broken\.csv; nothing was imported: line 3, column 事项名称: is required \/ 第3行,"事项名称"列:必填; line 3, column 时限: must be 1–365 working days \(got 400\) \/ 第3行,"时限"列:应为1至365个工作日\(实际为400\);/);
        return true;
      });
      assert.equal(await f.count(), 0, 'nothing imported — not even the good line');
      assert.equal(f.audit.length, 0);

      const dry = await importItems(f.svc, { format: 'csv', content: broken, source: 'broken.csv', dryRun: true, actor: wang });
      assert.equal(dry.ok, false);
      assert.equal(dry.count, 0);
      assert.equal(dry.problems.length, 7);

      // an unterminated quote: the line it starts on
      await assert.rejects(importItems(f.svc, { format: 'csv', content: `${HEADER}\nSH-1,"失业登记,x,全程网办,5,,,\n`, source: 'q.csv', actor: wang }), /line 2: a quoted field is never closed/);
      await assert.rejects(importItems(f.svc, { format: 'csv', content: '', source: 'empty.csv', actor: wang }), /the file is empty/);
    } finally {
      await f.close();
    }
  });

  test(`${engine}: JSON import (a list or {items}), problems by item and field; --publish puts items in force at once`, async () => {
    const f = await setup(engine, 'catjson');
    try {
      const changes: PublishedChange[] = [];
      f.svc.onPublished((c) => void changes.push(c));
      const items = [
        { code: 'SH-J-1', name: '异地就医登记备案', department: '上海市医疗保障局', modes: ['online'], timeLimitDays: 1, guide: {}, materials: [] },
        { code: 'SH-J-2', name: '社会保障卡申领', department: '上海市人社局', modes: ['proxy'], timeLimitDays: 20, guide: { fee: '免费' }, materials: [{ name: '照片', required: true, satisfiedBy: null }] },
      ];
      const bad = await importItems(f.svc, { format: 'json', content: JSON.stringify({ items: [items[0], { ...items[1], timeLimitDays: 0, colour: 1 }] }), source: 'x.json', dryRun: true, actor: wang });
      assert.deepEqual(bad.problems.map((p) => `item ${p.line} ${p.column}: ${p.message}`), ['item 2 colour: is not a known field', 'item 2 timeLimitDays: must be 1–365 working days (got 0)']);
      assert.equal((await importItems(f.svc, { format: 'json', content: '{"items": [', source: 'x.json', dryRun: true, actor: wang })).problems[0]!.message.startsWith('not valid JSON'), true);

      const r = await importItems(f.svc, { format: 'json', content: JSON.stringify(items), source: '上海市实施清单.json', publish: true, actor: { type: 'operator', id: 'cli:ops' } });
      assert.equal(r.status, 'published');
      const pub = await listPublished(f.store.db);
      assert.deepEqual(pub.items.map((i) => `${i.code} ${i.status} ${i.origin.source}`), ['SH-J-1 published 上海市实施清单.json', 'SH-J-2 published 上海市实施清单.json']);
      assert.deepEqual(changes.map((c) => `${c.change} ${c.id} v${c.version}`), ['published SH-J-1 v1', 'published SH-J-2 v1']);
      assert.deepEqual(f.audit.map((e) => `${e.action} ${e.actor.type}:${e.actor.id} ${e.detail?.status} reviewed=${e.detail?.reviewed}`), [
        'catalog.item.imported operator:cli:ops published reviewed=false',
        'catalog.item.imported operator:cli:ops published reviewed=false',
      ]);
      assert.deepEqual((await f.svc.history('item', 'SH-J-1'))!.map((h) => `${h.action} ${h.status}`), ['imported published']);
    } finally {
      await f.close();
    }
  });
}
