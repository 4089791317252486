// Unified search on both engines over the directory table: Chinese full text (long terms through the
// trigram index, 1–2 character terms through the gram column), ranking, every filter, paging, facets,
// highlights, normalisation; and the pure text rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, freshDatabase } from '../helpers/engines.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { insertRows, liveRow, tombstoneRow } from '../../src/directory/rows.js';
import { DIRECTORY_KINDS, entriesOf, type PublishedSet } from '../../src/directory/entry.js';
import { directoryFacets, getDirectoryEntry, searchDirectory, checkFilters, type SearchParams } from '../../src/search/query.js';
import { gramWords, highlightFields, normalizeText, parseQuery } from '../../src/search/text.js';
import { provinceCatalog, resource, item } from '../directory/fixture.js';

const REGIONS = [
  { code: '310000', name: '上海', set: provinceCatalog('310000', '上海', (d) => `上海市${d.replace('厅', '局')}`) },
  { code: '340000', name: '安徽', set: provinceCatalog('340000', '安徽省') },
  {
    code: '520000',
    name: '贵州',
    set: {
      resources: [resource('civil.marriage', '婚姻', '贵州省民政厅', { name: { zh: '婚姻', en: 'Marriage' }, summary: '婚姻状况' })],
      certificateTypes: [],
      items: [
        item('520000-X-1', '户口登记', '贵州省公安厅', ['online'], ['申请表']),
        item('520000-X-2', '离婚登记', '贵州省民政厅', ['proxy'], ['离婚协议书']),
      ],
    } satisfies PublishedSet,
  },
];

for (const engine of await engines()) {
  test(`${engine}: unified search — Chinese terms long and short, ranking, filters, paging, facets, entries`, async () => {
    const tdb = await freshDatabase(engine, 'search');
    const store = await openDatabase<TongbanDB>(tdb.url);
    try {
      await migrateToLatest(store);
      const db = store.db;
      let seq = 0;
      const rows = REGIONS.flatMap((r) =>
        entriesOf(r.set).map((e) => liveRow({ region: { code: r.code, name: r.name }, kind: e.kind, id: e.id, seq: ++seq, publication: 1, changedAt: '2026-11-24T00:00:00.000Z' }, e.content)),
      );
      // a withdrawn entry: never found
      rows.push(tombstoneRow({ region: { code: '520000', name: '贵州' }, kind: 'item', id: '520000-X-9', seq: ++seq, publication: 2, changedAt: '2026-11-24T00:00:00.000Z' }, { name: '户口迁移(已撤回)', department: '贵州省公安厅' }));
      await insertRows(db, rows);
      const live = rows.length - 1;

      const s = (p: SearchParams) => searchDirectory(db, { pageSize: 100, ...p });
      const ids = async (p: SearchParams) => (await s(p)).hits.map((h) => `${h.region.code}/${h.id}`);

      // browse: everything live, nothing withdrawn
      assert.equal((await s({})).total, live);
      assert.ok(!(await ids({ q: '已撤回' })).length);

      // long terms (trigram index) and exact-name rank first
      assert.deepEqual((await ids({ q: '户口迁移(夫妻投靠)' })).slice(0, 2), ['310000/310000-HK-001', '340000/340000-HK-001']);
      assert.deepEqual(await ids({ q: '夫妻投靠' }), ['310000/310000-HK-001', '340000/340000-HK-001']);
      // two characters (gram column): 婚姻 — exact name 婚姻 first, then the prefixes, shorter names first
      const marriage = await s({ q: '婚姻' });
      assert.deepEqual(marriage.hits.slice(0, 1).map((h) => h.name), ['婚姻']);
      assert.deepEqual(marriage.hits.slice(1, 3).map((h) => h.name), ['婚姻登记', '婚姻登记']);
      assert.deepEqual(marriage.hits.slice(3, 5).map((h) => h.name), ['婚姻登记信息', '婚姻登记信息']);
      assert.equal(marriage.total, 5);
      // 户口: items and certificate types with 户口 in the name before entries that only mention it (materials)
      const hukou = await s({ q: '户口' });
      const ranks = hukou.hits.map((h) => h.name.includes('户口'));
      assert.ok(ranks.indexOf(false) > 0 && !ranks.slice(ranks.indexOf(false)).includes(true), 'names with the term come first');
      assert.ok(hukou.hits.some((h) => h.name === '婚姻登记' && h.highlights?.some((x) => x.field === 'detail' && x.text === '居民户口簿')));
      // one character
      const cert = await ids({ q: '证', kind: 'certificate-type' });
      assert.deepEqual(cert, ['310000/310000CT002', '340000/340000CT002']);
      // several terms: all must match, in any field
      assert.deepEqual(await ids({ q: '安徽 婚姻 登记' }), ['340000/340000-HY-001', '340000/marriage.record']);
      // no match across a field boundary (name 婚姻登记 + department 安徽省民政厅)
      assert.deepEqual(await ids({ q: '登记安徽' }), []);
      // English names, case and width folded
      assert.deepEqual(await ids({ q: 'ＭＡＲＲＩＡＧＥ' }), ['520000/civil.marriage', '310000/marriage.record', '340000/marriage.record']);
      assert.deepEqual(await ids({ q: 'marriage.rec' }), ['310000/marriage.record', '340000/marriage.record']);

      // filters
      assert.ok((await s({ q: '登记', region: ['340000'] })).hits.every((h) => h.region.code === '340000'));
      assert.deepEqual((await s({ region: ['310000', '520000'] })).total, (await s({ region: ['310000'] })).total + (await s({ region: ['520000'] })).total);
      assert.deepEqual(await ids({ sharing: 'none' }), ['310000/tax.secret', '340000/tax.secret']);
      assert.deepEqual(await ids({ sharing: 'unconditional', q: '婚姻' }), ['310000/marriage.record', '340000/marriage.record']);
      assert.deepEqual(await ids({ mode: 'joint' }), ['310000/310000-HK-001', '340000/340000-HK-001']);
      assert.deepEqual(await ids({ mode: 'online', region: ['520000'] }), ['520000/520000-X-1']);
      assert.deepEqual(await ids({ department: '贵州省民政厅' }), ['520000/civil.marriage', '520000/520000-X-2']);
      assert.ok((await s({ kind: 'item' })).hits.every((h) => h.kind === 'item' && Array.isArray(h.modes)));
      const r = (await s({ sharing: 'conditional', kind: 'resource', region: ['310000'] })).hits;
      assert.deepEqual(r.map((h) => [h.id, h.sharing]), [['hukou.person', 'conditional'], ['medical.insured', 'conditional']]);
      assert.throws(() => checkFilters({ region: '31000' }), /E_INVALID_REQUEST/);
      assert.throws(() => checkFilters({ kind: 'agreement' }), /E_INVALID_REQUEST/);
      assert.deepEqual(checkFilters({ region: '310000, 340000', kind: 'item', mode: 'proxy', sharing: '' }), { region: ['310000', '340000'], kind: 'item', mode: 'proxy' });

      // paging: stable order, pages disjoint, total on every page (also past the end)
      const all = await ids({ q: '登记' });
      const p1 = await s({ q: '登记', pageSize: 3, page: 1 });
      const p2 = await s({ q: '登记', pageSize: 3, page: 2 });
      assert.deepEqual([...p1.hits, ...p2.hits].map((h) => `${h.region.code}/${h.id}`), all.slice(0, 6));
      assert.equal(p2.total, all.length);
      const past = await s({ q: '登记', pageSize: 3, page: 50 });
      assert.deepEqual([past.hits.length, past.total], [0, all.length]);
      await assert.rejects(() => s({ pageSize: 101 }), /E_INVALID_REQUEST/);

      // the measured alternative for short terms gives the same answers
      for (const q of ['婚姻', '证', '户口 上海', '安徽 婚姻 登记']) {
        assert.deepEqual(await searchDirectory(db, { q, pageSize: 100 }, { shortTerms: 'scan' }), await s({ q }), q);
      }

      // facets: each ignores its own filter
      const f = await directoryFacets(db, { q: '登记', region: ['340000'], kind: 'item' });
      assert.deepEqual(f.region.map((x) => x.value), ['310000', '340000', '520000']);
      assert.deepEqual(f.kind.find((x) => x.value === 'resource')?.label, '数据资源');
      const inRegion = (await s({ q: '登记', region: ['340000'] })).hits;
      assert.deepEqual(f.kind.map((x) => [x.value, x.count]), DIRECTORY_KINDS.filter((k) => inRegion.some((h) => h.kind === k)).map((k) => [k, inRegion.filter((h) => h.kind === k).length]));
      assert.ok(f.mode.every((m) => m.count > 0) && f.mode.some((m) => m.value === 'proxy'));
      const all3 = await directoryFacets(db, {});
      assert.deepEqual(all3.sharing.map((x) => [x.value, x.count]), [['unconditional', 2], ['conditional', 5], ['none', 2]]);
      assert.equal(all3.region.reduce((n, x) => n + x.count, 0), live);

      // one entry in full
      const e = await getDirectoryEntry(db, '520000', 'resource', 'civil.marriage');
      assert.equal((e?.content as { summary: string }).summary, '婚姻状况');
      assert.equal(await getDirectoryEntry(db, '520000', 'item', '520000-X-9'), undefined);
    } finally {
      await store.close();
      await tdb.cleanup();
    }
  });
}

test('text rules: normalisation, terms, grams, highlights', () => {
  assert.equal(normalizeText('  户口\t迁移（夫妻投靠）ＡＢＣ '), '户口 迁移(夫妻投靠)abc');
  assert.deepEqual(parseQuery('户口 户口迁移, 婚姻；证'), { text: '户口 户口迁移, 婚姻;证', terms: ['户口迁移', '婚姻', '证'] });
  assert.deepEqual(parseQuery('').terms, []);
  assert.deepEqual(parseQuery('%_*"').terms, []);
  assert.equal(gramWords('户口迁移\nab'), ' 户 户口 口 口迁 迁 迁移 移 a ab b ');
  assert.equal(gramWords(''), '');
  const h = highlightFields([{ field: 'name', text: '户口迁移(夫妻投靠)' }, { field: 'summary', text: '无关' }], ['户口', '投靠']);
  assert.deepEqual(h, [{ field: 'name', text: '户口迁移(夫妻投靠)', ranges: [[0, 2], [7, 9]] }]);
  const long = `${'甲'.repeat(200)}户口${'乙'.repeat(200)}`;
  const cut = highlightFields([{ field: 'summary', text: long }], ['户口'])[0]!;
  assert.ok(cut.text.startsWith('…') && cut.text.endsWith('…'));
  assert.equal(cut.text.slice(cut.ranges[0]![0], cut.ranges[0]![1]), '户口');
  const wide = highlightFields([{ field: 'name', text: 'ＡＢＣ证明' }], ['abc'])[0]!;
  assert.deepEqual(wide.ranges, [[0, 3]]);
});
