// What a node's catalogue starts with, both engines: the confirmed national items (local TB- codes, their
// sources, nothing invented) and — with registries configured — the five demo resources mapped onto
// standard elements; a second start adds nothing, and a retired seeded entry stays retired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, freshDatabase } from '../helpers/engines.js';
import { cleanupAll, startHub, startNode, stopAll, type Started } from '../helpers/federation.js';
import { seedRegistries } from '../../src/sim/registries/index.js';
import { CatalogService, NATIONAL_ITEMS, listPublished, nationalItemCode, seedCatalog, standardElement, type ServiceItem } from '../../src/catalog/index.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';

for (const engine of await engines()) {
  test(`${engine}: first start seeds the national items and the demo resources; later starts add nothing; retired stays retired`, async () => {
    let hub: Started | undefined;
    let node: Started | undefined;
    const registries = await freshDatabase(engine, 'catreg');
    try {
      await seedRegistries(registries.url, { regionCode: '340000', citizens: 1000, seed: 'catalog-seed', federation: ['340000'] });
      hub = await startHub(engine);
      const anchor = { url: hub.server.url, keyId: hub.server.identity.keyId };
      node = await startNode(engine, anchor, { code: '340000', name: '安徽' }, { settings: { registries: registries.url } });
      const db = node.server.store.db;

      const pub = await listPublished(db);
      assert.deepEqual(pub.resources.map((r) => r.id), ['hukou.person', 'market.entity', 'marriage.record', 'medical.insurance', 'social.pension']);
      const hukou = pub.resources.find((r) => r.id === 'hukou.person')!;
      assert.equal(hukou.department.name, '安徽省公安厅');
      assert.equal(hukou.sharing.type, 'conditional');
      assert.ok(hukou.sharing.condition);
      assert.deepEqual(hukou.sharing.methods, ['online-query', 'system-interface']);
      assert.deepEqual(hukou.classification, { tier: 'basic', category: '人口', grade: 'general' });
      assert.equal(hukou.updateCycle, 'daily');
      assert.deepEqual(hukou.source, { adapter: 'registries.hukou_person', system: '人口信息管理系统' });
      assert.equal(hukou.status, 'published');
      assert.equal(hukou.updatedBy, 'system');
      assert.deepEqual(pub.resources.find((r) => r.id === 'market.entity')!.classification.category, '法人');
      for (const r of pub.resources) {
        for (const f of r.fields) assert.ok(standardElement(f.element), `${r.id}.${f.name} → ${f.element} is a standard element`);
      }
      // the fields are the ones the exchange serves
      const served = node.server.exchange!.resources.list();
      for (const def of served) assert.deepEqual(pub.resources.find((r) => r.id === def.id)!.fields.map((f) => f.name), def.fields.map((f) => f.name));

      // the national items: published, national-confirmed with their sources, local codes, nothing unsourced
      assert.equal(pub.items.length, NATIONAL_ITEMS.length);
      for (const n of NATIONAL_ITEMS) {
        const item = pub.items.find((i) => i.name === n.name) as ServiceItem;
        assert.ok(item, n.name);
        assert.equal(item.code, nationalItemCode(n));
        assert.match(item.code, /^TB-NAT-[0-9A-F]{8}$/);
        assert.equal(item.codeKind, 'local');
        assert.equal(item.basicCode, undefined, 'no official code is claimed');
        assert.equal(item.origin.kind, 'national-confirmed');
        assert.ok(item.origin.source.startsWith(n.source));
        assert.deepEqual(item.modes, []);
        assert.equal(item.timeLimitDays, 0);
        assert.deepEqual(item.pending, ['modes', 'timeLimitDays']);
        if (n.ministry.endsWith('*')) assert.match(item.department, /推断/);
      }
      assert.deepEqual(pub.items.find((i) => i.name === '学历公证')!.materials.map((m) => m.name), ['学历证书']);
      assert.deepEqual(pub.items.find((i) => i.name === '失业登记')!.materials, []);

      const historyRows = async (d = db) => Number((await d.selectFrom('catalog_history').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const seededAudit = async () =>
        Number((await db.selectFrom('audit_entry').select((eb) => eb.fn.countAll().as('n')).where('action', 'like', 'catalog.%.seeded').executeTakeFirstOrThrow()).n);
      assert.equal(await historyRows(), NATIONAL_ITEMS.length + 5);
      assert.equal(await seededAudit(), 0, 'seeding is in the history, not the audit log (nobody did it)');

      // an administrator retires one seeded item
      const someCode = nationalItemCode(NATIONAL_ITEMS[0]!);
      await node.server.catalog!.retire('item', someCode, '本省不适用', { type: 'user', id: 'wang' });

      // restart on the same database and data directory: nothing new, the retired item stays retired
      const { database, dataDir } = node;
      await node.server.close();
      node = await startNode(engine, anchor, { code: '340000', name: '安徽' }, { database, dataDir, settings: { registries: registries.url } });
      const db2 = node.server.store.db;
      assert.equal(await historyRows(db2), NATIONAL_ITEMS.length + 5 + 1);
      assert.equal((await db2.selectFrom('catalog_history').select('action').where('action', '=', 'seeded').execute()).length, NATIONAL_ITEMS.length + 5);
      const after = await listPublished(db2);
      assert.equal(after.items.length, NATIONAL_ITEMS.length - 1);
      assert.equal((await node.server.catalog!.get('item', someCode, { includeWorking: true }))!.status, 'retired');
    } finally {
      await stopAll(node, hub);
      await cleanupAll(node, hub);
      await registries.cleanup();
    }
  });

  test(`${engine}: without registries a node seeds only the national items`, async () => {
    const t = await freshDatabase(engine, 'catnoreg');
    const store = await openDatabase<TongbanDB>(t.url);
    try {
      await migrateToLatest(store);
      const svc = new CatalogService({ db: store.db, regionCode: '310000' });
      const first = await seedCatalog(svc, {});
      assert.deepEqual(first.resources, []);
      assert.equal(first.items.length, NATIONAL_ITEMS.length);
      const second = await seedCatalog(svc, {});
      assert.deepEqual(second, { resources: [], items: [] });
      // two replicas starting at once: both finish, nothing twice
      const t2 = await freshDatabase(engine, 'catrace');
      const s2 = await openDatabase<TongbanDB>(t2.url);
      try {
        await migrateToLatest(s2);
        const a = new CatalogService({ db: s2.db, regionCode: '310000' });
        const b = new CatalogService({ db: s2.db, regionCode: '310000' });
        const [ra, rb] = await Promise.all([seedCatalog(a, {}), seedCatalog(b, {})]);
        assert.equal(ra.items.length + rb.items.length, NATIONAL_ITEMS.length);
        assert.equal((await listPublished(s2.db)).items.length, NATIONAL_ITEMS.length);
        assert.ok((await listPublished(s2.db)).items.every((i) => i.version === 1), 'the replica that lost the race published no second versions');
      } finally {
        await s2.close();
        await t2.cleanup();
      }
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
}
