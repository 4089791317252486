// The demo's 实施清单: every region's list names confirmed national items by their exact code and name,
// its 免提交 materials point at resources and fields a partner region's registries really serve, it
// imports on a fresh catalogue (dry run, then published), the items keep their national origin, and
// importing again adds no versions. On both engines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, freshDatabase } from '../helpers/engines.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { CatalogService, NATIONAL_ITEMS, importItems, nationalItemCode, seedCatalog, type ServiceItem } from '../../src/catalog/index.js';
import { registryResourceConfigs } from '../../src/adapters/registry-resources.js';
import { DEMO_REGIONS } from '../../src/sim/demo.js';
import { DEMO_GUIDE_NOTE, DEMO_ITEMS_ACTOR, DEMO_ITEMS_SOURCE, DEMO_ITEM_REGIONS, demoItems, demoItemsJson, importDemoItems } from '../../src/sim/demo-items.js';

/** Who reads whom, after the demo's story. */
const PARTNERS: Record<string, string[]> = {
  '310000': ['340000'],
  '320000': ['340000'],
  '330000': ['520000'],
  '340000': ['310000', '320000'],
  '520000': ['330000'],
};

test('demo items: every demo region has 3–4 national items with their exact codes and names, 免提交 through a partner region, something to upload, and says it is synthetic', () => {
  assert.deepEqual([...DEMO_ITEM_REGIONS].sort(), DEMO_REGIONS.map((r) => r.code).sort());
  const national = new Map(NATIONAL_ITEMS.map((i) => [i.name, i.code ?? nationalItemCode(i)]));
  assert.match(DEMO_ITEMS_SOURCE, /合成数据/);
  assert.match(DEMO_ITEMS_SOURCE, /not official/);
  for (const region of DEMO_ITEM_REGIONS) {
    const items = demoItems(region);
    assert.ok(items.length >= 3 && items.length <= 4, `${region}: ${items.length} items`);
    for (const item of items) {
      const where = `${region} ${item.name}`;
      assert.equal(national.get(item.name), item.code, `${where}: a national item, with its code`);
      assert.ok(item.modes.length > 0 && item.timeLimitDays > 0, `${where}: modes and time limit set`);
      assert.ok(item.guide.conditions?.includes(DEMO_GUIDE_NOTE), `${where}: the guide says it is demo data`);
      assert.ok(item.materials.some((m) => m.satisfiedBy === null), `${where}: something to upload`);
      const exempt = item.materials.filter((m) => m.satisfiedBy?.kind === 'resource');
      assert.ok(exempt.length > 0, `${where}: something 免提交`);
      for (const m of exempt) {
        assert.ok(m.note?.includes('演示数据'), `${where} ${m.name}: the note says it is demo data`);
        const ref = m.satisfiedBy as { resource: string; fields?: string[] };
        const [supplier, id] = ref.resource.split(':') as [string, string];
        assert.ok(PARTNERS[region]!.includes(supplier), `${where} ${m.name}: supplied by a partner (${supplier})`);
        const served = registryResourceConfigs(supplier).find((r) => r.def.id === id);
        assert.ok(served, `${where} ${m.name}: ${ref.resource} is a resource the demo registries serve`);
        assert.ok(ref.fields && ref.fields.length > 0, `${where} ${m.name}: names its fields`);
        for (const f of ref.fields) assert.ok(served.def.fields.some((x) => x.name === f), `${where} ${m.name}: ${ref.resource} has field ${f}`);
      }
    }
  }
  assert.deepEqual(demoItems('110000'), [], 'no list for a region outside the demo');
});

for (const engine of await engines()) {
  test(`${engine}: each region's demo list imports on a fresh catalogue, keeps the national origin, and a second import adds nothing`, async () => {
    for (const region of DEMO_ITEM_REGIONS) {
      const t = await freshDatabase(engine, `demoitems${region}`);
      const store = await openDatabase<TongbanDB>(t.url);
      try {
        await migrateToLatest(store);
        const svc = new CatalogService({ db: store.db, regionCode: region });
        await seedCatalog(svc, { demoResources: registryResourceConfigs(region).map((r) => ({ ...r.def, adapterId: r.adapterId })) });
        const versions = async () => Number((await store.db.selectFrom('catalog_history').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
        const before = await versions();

        const dry = await importItems(svc, { format: 'json', content: demoItemsJson(region), source: DEMO_ITEMS_SOURCE, dryRun: true, publish: true, actor: DEMO_ITEMS_ACTOR });
        assert.equal(dry.ok, true, `${region}: ${JSON.stringify(dry.problems)}`);
        assert.deepEqual(dry.items.map((i) => i.action), demoItems(region).map(() => 'new-version'), `${region}: each item is a new version of the seeded national one`);
        assert.equal(await versions(), before, 'a dry run writes nothing');

        const report = await importDemoItems(svc, region);
        assert.equal(report?.count, demoItems(region).length);
        assert.equal(report?.status, 'published');
        const after = await versions();
        assert.equal(after, before + demoItems(region).length);
        for (const input of demoItems(region)) {
          const view = (await svc.get('item', input.code, { includeWorking: true }))!;
          const doc = view.published as ServiceItem;
          assert.equal(view.status, 'published');
          assert.equal(doc.version, 2, `${region} ${input.name}: seeded v1, the demo's v2`);
          assert.equal(doc.origin.kind, 'national-confirmed', `${region} ${input.name}: keeps its national origin`);
          assert.equal(doc.pending, undefined, `${region} ${input.name}: nothing pending`);
          assert.deepEqual(doc.modes, input.modes);
          assert.equal(doc.department, input.department);
          assert.deepEqual(doc.materials, input.materials);
        }

        assert.equal(await importDemoItems(svc, region), undefined, 'a second start imports nothing');
        assert.equal(await versions(), after, 'and adds no version');
      } finally {
        await store.close();
        await t.cleanup();
      }
    }
  });
}

test('demo items: an item someone is working on (a draft) is left alone', async () => {
  const t = await freshDatabase('sqlite', 'demoitemsdraft');
  const store = await openDatabase<TongbanDB>(t.url);
  try {
    await migrateToLatest(store);
    const svc = new CatalogService({ db: store.db, regionCode: '310000' });
    await seedCatalog(svc, { demoResources: registryResourceConfigs('310000').map((r) => ({ ...r.def, adapterId: r.adapterId })) });
    const [first, ...rest] = demoItems('310000');
    await svc.update('item', first!.code, { ...first!, timeLimitDays: 30 }, { type: 'user', id: 'sh-admin' });
    const report = await importDemoItems(svc, '310000');
    assert.deepEqual(report?.items.map((i) => i.code), rest.map((i) => i.code));
    const view = (await svc.get('item', first!.code, { includeWorking: true }))!;
    assert.equal(view.status, 'draft');
    assert.equal((view.working as ServiceItem).timeLimitDays, 30, 'the draft stays');
    assert.deepEqual((view.published as ServiceItem).pending, ['modes', 'timeLimitDays'], 'and the seeded version stays in force');
  } finally {
    await store.close();
    await t.cleanup();
  }
});
