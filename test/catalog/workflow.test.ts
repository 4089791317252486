// The catalogue's review workflow and history on both engines: draft → review → published, four eyes
// (an author never approves their own version), a published version stays in force while its successor
// is in review, returns with reasons, retirement, complete history, audit events, and bad input that
// changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, freshDatabase } from '../helpers/engines.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { CatalogService, listPublished, type CatalogActor, type PublishedChange } from '../../src/catalog/index.js';
import type { AuditEvent } from '../../src/audit/index.js';
import { TongbanError } from '../../src/core/errors.js';
import { goodResource } from './fixtures.js';

const wang: CatalogActor = { type: 'user', id: 'wang', department: '上海市大数据中心' };
const zhao: CatalogActor = { type: 'user', id: 'zhao' };
const li: CatalogActor = { type: 'user', id: 'li' };
const chen: CatalogActor = { type: 'user', id: 'chen' };

function refused(code: string, pattern?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof TongbanError, String(e));
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

const element = { code: 'SH.HOUSING.FUND_NO', name: { zh: '公积金账号', en: 'Housing fund account' }, type: 'string', sensitivity: 'general' };

for (const engine of await engines()) {
  test(`${engine}: draft → review → published with four eyes; the published version stays in force while the next is in review; history and audit are complete`, async () => {
    const t = await freshDatabase(engine, 'catwf');
    const store = await openDatabase<TongbanDB>(t.url);
    try {
      await migrateToLatest(store);
      const audit: AuditEvent[] = [];
      const svc = new CatalogService({ db: store.db, regionCode: '310000', audit: { append: async (e) => void audit.push(e) } });
      const announced: PublishedChange[] = [];
      svc.onPublished((c) => void announced.push(c));

      // the resource uses a custom element: it must exist first
      await assert.rejects(svc.create('resource', goodResource(), wang), refused('E_INVALID_REQUEST', /fields\[0\]\.element: unknown element code "SH\.HOUSING\.FUND_NO"/));
      assert.equal((await store.db.selectFrom('catalog_history').select('id').execute()).length, 0, 'bad input wrote nothing');
      await svc.create('element', element, wang);

      const created = await svc.create('resource', goodResource(), wang);
      assert.equal(created.status, 'draft');
      assert.equal(created.working?.version, 1);
      assert.equal(created.published, null);
      await assert.rejects(svc.create('resource', goodResource(), zhao), refused('E_CONFLICT', /already exists/));

      // submitting and approving: the author cannot approve
      await svc.submit('resource', 'housing.fund', wang);
      await assert.rejects(svc.approve('resource', 'housing.fund', wang), refused('E_FORBIDDEN', /wang wrote or submitted version 1/));
      assert.equal(audit.at(-1)!.action, 'catalog.resource.approved');
      assert.equal(audit.at(-1)!.outcome, 'refused');
      assert.equal(audit.at(-1)!.errorCode, 'E_FORBIDDEN');
      // the element it uses is still a draft: publication is refused until it is published
      await assert.rejects(svc.approve('resource', 'housing.fund', li), refused('E_CONFLICT', /element "SH\.HOUSING\.FUND_NO" is not published yet/));
      await svc.submit('element', 'SH.HOUSING.FUND_NO', wang);
      await svc.approve('element', 'SH.HOUSING.FUND_NO', li);
      const v1 = await svc.approve('resource', 'housing.fund', li);
      assert.equal(v1.status, 'published');
      assert.equal(v1.published?.version, 1);
      assert.equal(v1.published?.status, 'published');
      assert.ok(v1.published?.publishedAt);
      assert.equal(v1.working, null);
      assert.deepEqual(announced.map((c) => [c.change, c.kind, c.id, c.version]), [
        ['published', 'element', 'SH.HOUSING.FUND_NO', 1],
        ['published', 'resource', 'housing.fund', 1],
      ]);

      // editing the published entry starts version 2; version 1 stays in force
      const edited = await svc.update('resource', 'housing.fund', goodResource({ summary: '第二版' }), wang);
      assert.equal(edited.status, 'draft');
      assert.equal(edited.published?.version, 1);
      assert.equal(edited.working?.version, 2);
      let pub = await listPublished(store.db);
      assert.equal(pub.resources.length, 1);
      assert.equal(pub.resources[0]!.version, 1);
      assert.equal(pub.resources[0]!.summary, '缴存单位、缴存基数与余额');
      assert.equal(pub.elements.length, 1);
      // visitors see only the version in force
      const visitorView = await svc.get('resource', 'housing.fund', { includeWorking: false });
      assert.equal(visitorView?.working, null);
      assert.equal(visitorView?.status, 'published');

      // in review: no edits; the reviewer returns it with a reason
      await svc.submit('resource', 'housing.fund', wang);
      await assert.rejects(svc.update('resource', 'housing.fund', goodResource(), wang), refused('E_CONFLICT', /version 2 is in review/));
      await assert.rejects(svc.returnForChanges('resource', 'housing.fund', '  ', li), refused('E_INVALID_REQUEST', /reason/));
      const returned = await svc.returnForChanges('resource', 'housing.fund', '摘要过于简单', li);
      assert.equal(returned.status, 'draft');
      assert.equal(returned.review?.returnedReason, '摘要过于简单');
      assert.equal(returned.published?.version, 1);

      // a second administrator edits; both authors are barred from approving
      await svc.update('resource', 'housing.fund', goodResource({ summary: '缴存单位、缴存基数、余额与缴存状态' }), zhao);
      const inReview = await svc.submit('resource', 'housing.fund', wang);
      assert.deepEqual(inReview.review?.authors, ['wang', 'zhao']);
      assert.equal(inReview.review?.returnedReason, '摘要过于简单', 'the last return stays visible');
      await assert.rejects(svc.approve('resource', 'housing.fund', zhao), refused('E_FORBIDDEN'));
      await assert.rejects(svc.returnForChanges('resource', 'housing.fund', 'x', zhao), refused('E_FORBIDDEN'));
      // two reviewers at once: exactly one approval takes effect
      const race = await Promise.allSettled([svc.approve('resource', 'housing.fund', li), svc.approve('resource', 'housing.fund', chen)]);
      assert.equal(race.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(race.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))));
      pub = await listPublished(store.db);
      assert.equal(pub.resources[0]!.version, 2);
      assert.equal(pub.resources[0]!.summary, '缴存单位、缴存基数、余额与缴存状态');
      const row = await store.db.selectFrom('catalog_resource').selectAll().where('id', '=', 'housing.fund').executeTakeFirstOrThrow();
      assert.equal(Number(row.published_version), 2, 'exactly one published version, in one column');
      assert.equal(row.working, null);

      // bad input changes nothing
      const before = await store.db.selectFrom('catalog_resource').select(['rev', 'working']).where('id', '=', 'housing.fund').executeTakeFirstOrThrow();
      const historyBefore = (await svc.history('resource', 'housing.fund'))!.length;
      await assert.rejects(
        svc.update('resource', 'housing.fund', goodResource({ sharing: { type: 'none', methods: [] } }), wang),
        (e: unknown) => {
          assert.ok(e instanceof TongbanError);
          assert.equal(e.code, 'E_INVALID_REQUEST');
          assert.match(e.message, /sharing\.condition: a resource that is not shared needs its legal basis/);
          assert.match(e.message, /sharing\.methods: must list at least one sharing method \/ 至少应有一种共享方式/);
          return true;
        },
      );
      await assert.rejects(svc.update('resource', 'housing.fund', goodResource({ id: 'other.id' }), wang), refused('E_INVALID_REQUEST', /id: must stay housing\.fund/));
      assert.deepEqual(await store.db.selectFrom('catalog_resource').select(['rev', 'working']).where('id', '=', 'housing.fund').executeTakeFirstOrThrow(), before);
      assert.equal((await svc.history('resource', 'housing.fund'))!.length, historyBefore);

      // a draft of a published entry can be discarded; then the entry is retired
      await svc.update('resource', 'housing.fund', goodResource({ summary: 'v3' }), wang);
      const discarded = await svc.discard('resource', 'housing.fund', wang);
      assert.equal(discarded.status, 'published');
      assert.equal(discarded.working, null);
      await assert.rejects(svc.retire('resource', 'housing.fund', '', wang), refused('E_INVALID_REQUEST'));
      const retired = await svc.retire('resource', 'housing.fund', '系统下线', wang);
      assert.equal(retired.status, 'retired');
      assert.equal(retired.published?.status, 'retired');
      assert.equal((await listPublished(store.db)).resources.length, 0);
      assert.equal(await svc.get('resource', 'housing.fund', { includeWorking: false }), undefined, 'visitors no longer see it');
      assert.deepEqual(announced.at(-1) && [announced.at(-1)!.change, announced.at(-1)!.version], ['retired', 2]);
      await assert.rejects(svc.retire('resource', 'housing.fund', 'again', wang), refused('E_CONFLICT', /already retired/));
      assert.deepEqual((await svc.list('resource', { status: 'retired', includeWorking: true })).map((v) => v.id), ['housing.fund']);
      assert.deepEqual(await svc.list('resource', { status: 'published', includeWorking: true }), []);

      // the history holds every step with the full snapshot of its version
      const history = (await svc.history('resource', 'housing.fund'))!;
      assert.deepEqual(
        history.map((h) => `${h.version}:${h.action}:${h.status}:${h.actor}`),
        [
          '1:created:draft:wang',
          '1:submitted:in-review:wang',
          '1:approved:published:li',
          '2:updated:draft:wang',
          '2:submitted:in-review:wang',
          '2:returned:draft:li',
          '2:updated:draft:zhao',
          '2:submitted:in-review:wang',
          `2:approved:published:${race[0]!.status === 'fulfilled' ? 'li' : 'chen'}`,
          '3:updated:draft:wang',
          '3:discarded:discarded:wang',
          '2:retired:retired:wang',
        ],
      );
      assert.equal(history[5]!.reason, '摘要过于简单');
      assert.equal(history.at(-1)!.reason, '系统下线');
      assert.equal((history[3]!.document as { summary: string }).summary, '第二版');
      assert.equal(history[2]!.document.version, 1);

      // and every step is in the audit log, category admin
      const ok = audit.filter((e) => e.outcome === 'ok' && e.detail?.entry === 'housing.fund').map((e) => e.action);
      assert.deepEqual(ok, [
        'catalog.resource.created',
        'catalog.resource.submitted',
        'catalog.resource.approved',
        'catalog.resource.updated',
        'catalog.resource.submitted',
        'catalog.resource.returned',
        'catalog.resource.updated',
        'catalog.resource.submitted',
        'catalog.resource.approved',
        'catalog.resource.updated',
        'catalog.resource.discarded',
        'catalog.resource.retired',
      ]);
      assert.ok(audit.every((e) => e.category === 'admin'));
      const approved = audit.find((e) => e.action === 'catalog.resource.approved' && e.outcome === 'ok')!;
      assert.deepEqual(approved.actor, { type: 'user', id: 'li', regionCode: '310000' });
      assert.equal(approved.resource, 'housing.fund');
      assert.equal(audit.find((e) => e.action === 'catalog.resource.returned')!.detail?.reason, '摘要过于简单');

      // editing a retired entry starts a new version; approving it publishes it again
      const revived = await svc.update('resource', 'housing.fund', goodResource(), zhao);
      assert.equal(revived.status, 'draft');
      assert.equal(revived.working?.version, 4, 'version numbers are never reused (3 was discarded)');
      await svc.submit('resource', 'housing.fund', zhao);
      assert.equal((await svc.approve('resource', 'housing.fund', li)).published?.version, 4);
      assert.equal((await listPublished(store.db)).resources[0]!.version, 4);
    } finally {
      await store.close();
      await t.cleanup();
    }
  });

  test(`${engine}: items refer to resources; publication needs the resources published; withdraw; unknown entries`, async () => {
    const t = await freshDatabase(engine, 'catitem');
    const store = await openDatabase<TongbanDB>(t.url);
    try {
      await migrateToLatest(store);
      const svc = new CatalogService({ db: store.db, regionCode: '310000' });
      await svc.create('element', element, wang);
      await svc.create('resource', goodResource(), wang);
      const item = {
        code: 'SH-GJJ-01',
        name: '购房提取住房公积金',
        department: '上海市公积金管理中心',
        modes: ['online', 'proxy'],
        timeLimitDays: 3,
        guide: {},
        materials: [{ name: '公积金账户信息', required: true, satisfiedBy: { kind: 'resource', resource: 'housing.fund', fields: ['accountNo'] } }],
      };
      const v = await svc.create('item', item, wang);
      assert.equal((v.working as { codeKind?: string }).codeKind, 'local');
      assert.deepEqual((v.working as { origin: unknown }).origin, { kind: 'regional', source: '本节点录入 entered on this node' });
      await svc.submit('item', 'SH-GJJ-01', wang);
      await assert.rejects(svc.update('item', 'SH-GJJ-01', item, wang), refused('E_CONFLICT'));
      await svc.withdraw('item', 'SH-GJJ-01', wang);
      await svc.submit('item', 'SH-GJJ-01', wang);
      await assert.rejects(svc.approve('item', 'SH-GJJ-01', li), refused('E_CONFLICT', /resource "housing\.fund" is not published yet/));
      for (const [k, id] of [['element', 'SH.HOUSING.FUND_NO'], ['resource', 'housing.fund']] as const) {
        await svc.submit(k, id, wang);
        await svc.approve(k, id, li);
      }
      assert.equal((await svc.approve('item', 'SH-GJJ-01', li)).status, 'published');
      assert.deepEqual((await listPublished(store.db)).items.map((i) => i.code), ['SH-GJJ-01']);
      await assert.rejects(svc.approve('item', 'SH-GJJ-01', li), refused('E_CONFLICT', /no version in review \(it is published\)/));
      await assert.rejects(svc.submit('item', 'NOPE', wang), refused('E_NOT_FOUND'));
      await assert.rejects(svc.discard('item', 'SH-GJJ-01', wang), refused('E_CONFLICT', /no draft to discard/));
      // a draft that was never published cannot be discarded, only retired
      await svc.create('item', { ...item, code: 'SH-GJJ-02' }, wang);
      await assert.rejects(svc.discard('item', 'SH-GJJ-02', wang), refused('E_CONFLICT', /retire it instead/));
      const gone = await svc.retire('item', 'SH-GJJ-02', '录入错误', wang);
      assert.equal(gone.status, 'retired');
      assert.equal(gone.published, null);
      assert.deepEqual((await svc.history('item', 'SH-GJJ-02'))!.map((h) => h.action), ['created', 'discarded', 'retired']);
    } finally {
      await store.close();
      await t.cleanup();
    }
  });

  test(`${engine}: a committed publication is announced even when the audit append after it fails`, async () => {
    const t = await freshDatabase(engine, 'catann');
    const store = await openDatabase<TongbanDB>(t.url);
    try {
      await migrateToLatest(store);
      let auditDown = false;
      const svc = new CatalogService({ db: store.db, regionCode: '310000', audit: { append: async () => { if (auditDown) throw new Error('audit database unavailable'); } } });
      const announced: PublishedChange[] = [];
      svc.onPublished((c) => void announced.push(c));
      await svc.create('element', element, wang);
      await svc.submit('element', 'SH.HOUSING.FUND_NO', wang);
      auditDown = true;
      await assert.rejects(svc.approve('element', 'SH.HOUSING.FUND_NO', li), /audit database unavailable/);
      // the approval was committed before the append failed: the exchange must hear of it
      const row = await store.db.selectFrom('catalog_element').select(['published']).where('id', '=', 'SH.HOUSING.FUND_NO').executeTakeFirstOrThrow();
      assert.ok(row.published, 'published in the database');
      assert.deepEqual(announced.map((c) => [c.change, c.kind, c.id]), [['published', 'element', 'SH.HOUSING.FUND_NO']]);
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
}
