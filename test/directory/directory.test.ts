// The directory end to end on both engines: nodes publish their catalogs to the hub, the hub keeps the
// directory with its change sequence, nodes fetch it incrementally into their cache and search it —
// also while the hub is down; withdrawals travel as tombstones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../helpers/engines.js';
import { cleanupAll, startHub, startNode, stopAll, type Started } from '../helpers/federation.js';
import { decideMembership } from '../../src/hub/membership.js';
import { TestCatalog, provinceCatalog, waitUntil } from './fixture.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the API returns
async function get(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json().catch(() => null) };
}


for (const engine of await engines()) {
  test(`${engine}: publish → hub → incremental fetch → node cache → search; tombstones; searching while the hub is down`, async () => {
    let hub: Started | undefined;
    let sh: Started | undefined;
    let ah: Started | undefined;
    try {
      hub = await startHub(engine, { suite: 'sm2-sm3' });
      const anchor = { url: hub.server.url, keyId: hub.server.identity.keyId };
      const shCatalog = new TestCatalog(provinceCatalog('310000', '上海', (d) => `上海市${d.replace('厅', '局')}`));
      const ahCatalog = new TestCatalog(provinceCatalog('340000', '安徽省'));
      const directory = (catalog: TestCatalog) => ({ start: { directory: { catalog, refreshSeconds: 0, retryBaseMs: 100 } } });
      sh = await startNode(engine, anchor, { code: '310000', name: '上海' }, { suite: 'sm2-sm3', ...directory(shCatalog) });
      ah = await startNode(engine, anchor, { code: '340000', name: '安徽' }, { suite: 'ed25519', ...directory(ahCatalog) });

      // a pending member's publication is refused; once approved, the publisher's retries get through
      for (const n of [sh, ah]) await n.server.federation!.waitFor((s) => s.membership === 'pending');
      await waitUntil(() => (ah!.server.directory!.publisher!.current.error ?? '').includes('E_FORBIDDEN'), 'a refused publication while pending');
      for (const n of [sh, ah]) await decideMembership(hub.server.store.db, n.config.region.code, 'approve', 'test');
      for (const n of [sh, ah]) {
        await n.server.federation!.syncNow();
        await waitUntil(() => n.server.directory!.publisher!.current.accepted, `${n.config.region.code} publication accepted`);
      }
      const pub = await get(`${hub.server.url}/api/hub/directory/publications/340000`);
      assert.equal(pub.status, 200);
      assert.equal(pub.body.entries, 10);
      assert.equal(pub.body.sequence, ah.server.directory!.publisher!.current.sequence);

      // the hub's directory: signed pages, whole (since absent) and incremental
      const whole = await get(`${hub.server.url}/api/hub/directory`);
      assert.equal(whole.status, 200);
      assert.equal(whole.body.payload.type, 'tongban.directory');
      assert.equal(whole.body.signature.keyId, hub.server.identity.keyId);
      assert.equal(whole.body.payload.entries.length, 20);
      assert.equal(whole.body.payload.head, 20);
      assert.equal(whole.body.payload.sequence, 20);
      assert.equal(whole.body.payload.more, false);
      const paged = await get(`${hub.server.url}/api/hub/directory?since=5&limit=10`);
      assert.deepEqual(paged.body.payload.entries.map((e: { seq: number }) => e.seq), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
      assert.equal(paged.body.payload.sequence, 15);
      assert.equal(paged.body.payload.more, true);
      const hk = whole.body.payload.entries.find((e: { id: string }) => e.id === '340000-HK-001');
      assert.deepEqual(hk.region, { code: '340000', name: '安徽' });
      assert.equal(hk.content.updatedBy, undefined, 'staff account names stay with the node');

      // the node fetches into its cache (each node also refreshed after publishing: wait for the whole directory)
      const shDir = sh.server.directory!;
      await waitUntil(async () => (await shDir.sync.syncNow(), shDir.sync.current.sequence === 20), '上海 cache at sequence 20');
      const status = await get(`${sh.server.url}/api/directory/status`);
      assert.equal(status.body.cache.entries, 20);
      assert.equal(status.body.cache.hubReachable, true);

      // search on the node's cache and on the hub agree
      const search = async (server: Started, qs: string) => (await get(`${server.server.url}/api/directory/search?${qs}`)).body;
      for (const qs of ['q=户口迁移', 'q=户口', 'q=婚姻&region=340000', 'q=证&kind=certificate-type', 'sharing=none', 'mode=online']) {
        const a = await search(sh, qs);
        const b = await search(hub, qs);
        assert.equal(a.source, 'cache');
        assert.equal(b.source, 'hub');
        assert.deepEqual(a.hits, b.hits, qs);
        assert.equal(a.total, b.total, qs);
      }
      const exact = await search(sh, `q=${encodeURIComponent('户口迁移(夫妻投靠)')}`);
      assert.deepEqual(exact.hits.slice(0, 2).map((h: { name: string; region: { code: string } }) => [h.name, h.region.code]), [
        ['户口迁移(夫妻投靠)', '310000'],
        ['户口迁移(夫妻投靠)', '340000'],
      ]);
      const marriage = await search(sh, 'q=婚姻&region=340000');
      assert.ok(marriage.hits.length >= 2 && marriage.hits.every((h: { region: { code: string } }) => h.region.code === '340000'));
      assert.deepEqual(marriage.hits.slice(0, 2).map((h: { name: string }) => h.name).sort(), ['婚姻登记', '婚姻登记信息']);
      const secret = await search(sh, 'sharing=none');
      assert.deepEqual(secret.hits.map((h: { id: string; sharing: string }) => [h.id, h.sharing]), [['tax.secret', 'none'], ['tax.secret', 'none']]);

      // one entry in full, and facets
      const entry = await get(`${sh.server.url}/api/directory/entries/340000/item/340000-HK-001`);
      assert.equal(entry.status, 200);
      assert.equal(entry.body.source, 'cache');
      assert.deepEqual(entry.body.content.materials.map((m: { name: string }) => m.name), ['居民户口簿', '结婚证', '迁入地住房证明']);
      assert.equal((await get(`${sh.server.url}/api/directory/entries/340000/item/nope`)).status, 404);
      const facets = (await get(`${sh.server.url}/api/directory/facets?q=${encodeURIComponent('登记')}&region=340000`)).body.facets;
      assert.deepEqual(facets.region.map((r: { value: string; label: string }) => [r.value, r.label]), [['310000', '上海'], ['340000', '安徽']]);
      assert.ok(facets.kind.length > 0 && facets.department.length > 0);

      // a withdrawal and a change travel as new sequences; the withdrawal as a tombstone
      const before = shDir.sync.current.sequence;
      ahCatalog.set = { ...ahCatalog.set, items: ahCatalog.set.items.filter((i) => i.code !== '340000-HY-001') };
      ahCatalog.set.resources[0]!.summary = '户籍人口基本信息(含户口迁移记录),按需共享。';
      ahCatalog.announce();
      const seqBefore = ah.server.directory!.publisher!.current.sequence;
      await waitUntil(() => ah!.server.directory!.publisher!.current.sequence === seqBefore + 1 && ah!.server.directory!.publisher!.current.accepted, 'second publication');
      const changes = await get(`${hub.server.url}/api/hub/directory?since=${before}`);
      assert.deepEqual(
        changes.body.payload.entries.map((e: { seq: number; kind: string; id: string; deleted?: boolean }) => [e.seq, e.kind, e.id, e.deleted ?? false]),
        [
          [21, 'resource', 'hukou.person', false],
          [22, 'item', '340000-HY-001', true],
        ],
      );
      assert.equal(changes.body.payload.entries[1].content, undefined);
      await shDir.sync.syncNow();
      assert.equal(shDir.sync.current.sequence, 22);
      const gone = await search(sh, 'q=婚姻登记&kind=item&region=340000');
      assert.equal(gone.total, 0);
      assert.equal((await get(`${sh.server.url}/api/directory/entries/340000/item/340000-HY-001`)).status, 404);
      const changed = await search(sh, 'q=户口&kind=resource');
      assert.deepEqual(changed.hits.map((h: { id: string; region: { code: string } }) => `${h.region.code}/${h.id}`), ['340000/hukou.person']);
      // the same set again is not a new publication
      ahCatalog.announce();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(ah.server.directory!.publisher!.current.sequence, seqBefore + 1);

      // the hub goes down: the node still searches its cache
      await hub.server.close();
      await shDir.sync.syncNow();
      assert.equal(shDir.sync.current.hubReachable, false);
      const offline = await search(sh, 'q=户口迁移');
      assert.equal(offline.source, 'cache');
      assert.deepEqual(offline.hits.map((h: { region: { code: string }; id: string }) => `${h.region.code}/${h.id}`), ['310000/310000-HK-001', '340000/340000-HK-001', '340000/hukou.person']);
      assert.ok(offline.syncedAt);
      const offlineStatus = await get(`${sh.server.url}/api/directory/status`);
      assert.equal(offlineStatus.body.cache.hubReachable, false);
      assert.match(offlineStatus.body.cache.error, /E_HUB_UNAVAILABLE/);
    } finally {
      await stopAll(sh, ah, hub);
      await cleanupAll(sh, ah, hub);
    }
  });
}
