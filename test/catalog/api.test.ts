// The catalogue over HTTP on a real node, both engines: who may read and write what, the workflow
// through the API, imports, the elements list, the OpenAPI document, and the node's audit log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../helpers/engines.js';
import { cleanupAll, startHub, startNode, stopAll, type Started } from '../helpers/federation.js';
import { createUser, type UserRole } from '../../src/identity/index.js';
import { NATIONAL_ITEMS } from '../../src/catalog/index.js';
import { goodResource, MOHURD } from './fixtures.js';

const PW = 'Catalog-Review-42';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the API returns
type Json = any;

async function signIn(base: string, id: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: id, password: PW }) });
  assert.equal(res.status, 200, await res.clone().text());
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

for (const engine of await engines()) {
  test(`${engine}: catalogue API — visitors read what is published, staff read drafts, admins write, approvers review (not their own), every step audited`, async () => {
    let hub: Started | undefined;
    let node: Started | undefined;
    try {
      hub = await startHub(engine);
      node = await startNode(engine, { url: hub.server.url, keyId: hub.server.identity.keyId }, { code: '310000', name: '上海' });
      const base = node.server.url;
      const users: Array<[string, UserRole[]]> = [['wang', ['admin']], ['zhao', ['admin', 'approver']], ['li', ['approver']], ['clerk1', ['clerk']]];
      for (const [id, roles] of users) {
        await createUser(node.server.store.db, { server: 'node', id, name: id, department: '上海市大数据中心', regionCode: '310000', roles, password: PW }, { actor: 'test' });
      }
      const cookies = Object.fromEntries(await Promise.all(users.map(async ([id]) => [id, await signIn(base, id)] as const)));
      const call = async (path: string, o: { as?: string; method?: string; body?: unknown; lang?: string } = {}): Promise<{ status: number; body: Json }> => {
        const res = await fetch(`${base}${path}`, {
          method: o.method ?? (o.body !== undefined ? 'POST' : 'GET'),
          headers: {
            ...(o.as ? { cookie: cookies[o.as]! } : {}),
            ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(o.lang ? { 'accept-language': o.lang } : {}),
          },
          ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
        });
        return { status: res.status, body: await res.json() };
      };

      // seeded national items are published and readable by anyone
      const items = await call('/api/catalog/items');
      assert.equal(items.status, 200);
      assert.equal(items.body.entries.length, NATIONAL_ITEMS.length);
      assert.ok(items.body.entries.every((e: Json) => e.status === 'published' && e.working === null && e.published.origin.kind === 'national-confirmed'));
      assert.equal((await call('/api/catalog/items?status=draft')).status, 401);
      // a page at a time, in id order: the pages hold every entry once, and the last one says no more
      const pages: Json[] = [];
      let after: string | undefined;
      do {
        const page = await call(`/api/catalog/items?limit=7${after ? `&after=${after}` : ''}`);
        assert.equal(page.status, 200);
        assert.ok(page.body.entries.length <= 7);
        pages.push(...page.body.entries);
        after = page.body.next;
        if (after) assert.equal(after, page.body.entries.at(-1).id);
      } while (after);
      assert.deepEqual(pages.map((e) => e.id), items.body.entries.map((e: Json) => e.id));
      assert.deepEqual([...pages.map((e) => e.id)].sort(), pages.map((e) => e.id));
      for (const bad of ['limit=0', 'limit=1001', 'limit=x', 'after=%27%20or%201=1', 'page=2']) {
        const refused = await call(`/api/catalog/items?${bad}`);
        assert.equal(refused.status, 400, bad);
        assert.equal(refused.body.error.code, 'E_INVALID_REQUEST');
      }
      assert.equal((await call('/api/catalog/resources')).body.entries.length, 0, 'no registries configured: no demo resources');

      // writes: sign-in and the admin role
      const el = { code: 'SH.HOUSING.FUND_NO', name: { zh: '公积金账号', en: 'Housing fund account' }, type: 'string', sensitivity: 'general' };
      assert.equal((await call('/api/catalog/elements', { body: el })).status, 401);
      const asClerk = await call('/api/catalog/elements', { as: 'clerk1', body: el });
      assert.equal(asClerk.status, 403);
      assert.equal(asClerk.body.error.code, 'E_FORBIDDEN');
      assert.equal((await call('/api/catalog/elements', { as: 'li', body: el })).status, 403, 'an approver is not an administrator');
      assert.equal((await call('/api/catalog/elements', { as: 'wang', body: el })).status, 201);

      // bad input: the edge refuses unknown members; the rules name every problem in both languages
      const unknownMember = await call('/api/catalog/resources', { as: 'wang', body: { ...goodResource(), colour: 'red' } });
      assert.equal(unknownMember.status, 400);
      assert.equal(unknownMember.body.error.code, 'E_INVALID_REQUEST');
      const bad = await call('/api/catalog/resources', {
        as: 'wang',
        lang: 'en',
        body: goodResource({ id: 'X', fields: [{ name: 'a', element: 'TB.NOPE', label: { zh: 'a', en: 'a' }, sensitivity: 'general' }], sharing: { type: 'conditional', methods: [] } }),
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.message, 'The request is malformed or invalid');
      for (const part of [
        'id: must be 2–64 characters',
        'fields[0].element: unknown element code "TB.NOPE" / 未知的数据元代码"TB.NOPE"',
        'sharing.condition: a conditional resource needs its sharing condition / 有条件共享的资源须写明共享条件',
        'sharing.methods: must list at least one sharing method / 至少应有一种共享方式',
      ]) {
        assert.ok(bad.body.error.detail.includes(part), `${part}\nin ${bad.body.error.detail}`);
      }
      // and each by its path, for the console to show beside the field
      const byPath = new Map(bad.body.error.problems.map((p: Json) => [p.path, p]));
      assert.deepEqual([...byPath.keys()].sort(), ['fields[0].element', 'id', 'sharing.condition', 'sharing.methods']);
      assert.deepEqual(byPath.get('fields[0].element'), { path: 'fields[0].element', message: 'unknown element code "TB.NOPE"', messageZh: '未知的数据元代码"TB.NOPE"' });
      assert.equal((await call('/api/catalog/resources', { as: 'wang' })).body.entries.length, 0, 'nothing was written');

      // the resource: draft, visible to staff only
      const created = await call('/api/catalog/resources', { as: 'wang', body: goodResource() });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.status, 'draft');
      assert.equal((await call('/api/catalog/resources/housing.fund')).status, 404, 'visitors do not see drafts');
      const staffView = await call('/api/catalog/resources/housing.fund', { as: 'clerk1' });
      assert.equal(staffView.status, 200);
      assert.equal(staffView.body.working.version, 1);
      assert.deepEqual((await call('/api/catalog/resources?status=draft', { as: 'clerk1' })).body.entries.map((e: Json) => e.id), ['housing.fund']);

      // review: roles, and four eyes
      for (const k of ['elements/SH.HOUSING.FUND_NO', 'resources/housing.fund']) {
        assert.equal((await call(`/api/catalog/${k}/submit`, { as: 'li', method: 'POST' })).status, 403, 'submitting is for administrators');
        assert.equal((await call(`/api/catalog/${k}/submit`, { as: 'zhao', method: 'POST' })).status, 200);
        assert.equal((await call(`/api/catalog/${k}/approve`, { as: 'wang', method: 'POST' })).status, 403, 'approving is for approvers');
        const own = await call(`/api/catalog/${k}/approve`, { as: 'zhao', method: 'POST' });
        assert.equal(own.status, 403, 'zhao submitted it');
        assert.match(own.body.error.detail, /zhao wrote or submitted version 1/);
      }
      const returned = await call('/api/catalog/resources/housing.fund/return', { as: 'li', body: { reason: '请补充部门代码' } });
      assert.equal(returned.status, 200);
      assert.equal(returned.body.review.returnedReason, '请补充部门代码');
      assert.equal((await call('/api/catalog/resources/housing.fund/return', { as: 'li', body: {} })).status, 400, 'a return needs a reason');
      assert.equal((await call('/api/catalog/elements/SH.HOUSING.FUND_NO/approve', { as: 'li', method: 'POST' })).body.status, 'published');
      assert.equal((await call('/api/catalog/resources/housing.fund', { as: 'wang', method: 'PUT', body: goodResource({ summary: '缴存信息(含部门代码)' }) })).status, 200);
      assert.equal((await call('/api/catalog/resources/housing.fund/submit', { as: 'wang', method: 'POST' })).status, 200);
      const approved = await call('/api/catalog/resources/housing.fund/approve', { as: 'li', method: 'POST' });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.published.version, 1);
      assert.equal(approved.body.published.summary, '缴存信息(含部门代码)');

      // now public; a new draft does not disturb what visitors see
      assert.equal((await call('/api/catalog/resources/housing.fund')).body.published.version, 1);
      await call('/api/catalog/resources/housing.fund', { as: 'wang', method: 'PUT', body: goodResource({ summary: '第二版' }) });
      const pub = await call('/api/catalog/resources/housing.fund');
      assert.equal(pub.body.working, null);
      assert.equal(pub.body.published.summary, '缴存信息(含部门代码)');
      assert.equal(pub.body.status, 'published');
      assert.equal((await call('/api/catalog/resources/housing.fund', { as: 'clerk1' })).body.working.version, 2);

      // history: staff only
      assert.equal((await call('/api/catalog/resources/housing.fund/history')).status, 401);
      const history = await call('/api/catalog/resources/housing.fund/history', { as: 'clerk1' });
      assert.deepEqual(history.body.history.map((h: Json) => `${h.version} ${h.action} ${h.actor}`), [
        '1 created wang', '1 submitted zhao', '1 returned li', '1 updated wang', '1 submitted wang', '1 approved li', '2 updated wang',
      ]);
      assert.equal(history.body.history[2].reason, '请补充部门代码');
      assert.equal((await call('/api/catalog/items/NOPE/history', { as: 'clerk1' })).status, 404);

      // a certificate type and an item that use it
      const ct = {
        code: `${MOHURD}032`,
        name: { zh: '建筑施工特种作业人员操作资格证书', en: 'Special construction operation certificate' },
        definingAuthority: { name: '住房和城乡建设部', uscc: MOHURD },
        elements: [{ element: 'TB.CERT.NUMBER', required: true }],
        validity: { kind: 'fixed-term', years: 6 },
      };
      assert.equal((await call('/api/catalog/certificate-types', { as: 'wang', body: ct })).status, 201);
      const item = {
        code: 'SH-ZJ-001', name: '建筑施工特种作业人员操作资格证书延期', department: '上海市住房和城乡建设管理委员会', modes: ['online'], timeLimitDays: 10, guide: {},
        materials: [{ name: '原证书', required: true, satisfiedBy: { kind: 'certificate', certificateType: ct.code } }, { name: '户籍信息', required: false, satisfiedBy: { kind: 'resource', resource: 'housing.fund' } }],
      };
      const itemRes = await call('/api/catalog/items', { as: 'wang', body: item });
      assert.equal(itemRes.status, 201, JSON.stringify(itemRes.body));
      const claim = await call('/api/catalog/items', { as: 'wang', body: { ...item, code: 'SH-ZJ-002', origin: { kind: 'national-confirmed', source: 'trust me' } } });
      assert.equal(claim.status, 400);
      assert.match(claim.body.error.detail, /origin\.kind: only the confirmed national items Tongban ships/);

      // the elements: standard and custom
      const elements = await call('/api/catalog/elements');
      assert.ok(elements.body.elements.some((e: Json) => e.code === 'TB.PERSON.ID_NUMBER' && e.origin === 'standard'));
      assert.ok(elements.body.elements.some((e: Json) => e.code === 'SH.HOUSING.FUND_NO' && e.origin === 'custom' && e.status === 'published'));

      // retire: administrators, with a reason
      assert.equal((await call('/api/catalog/items/SH-ZJ-001/retire', { as: 'li', body: { reason: 'x' } })).status, 403);
      assert.equal((await call('/api/catalog/items/SH-ZJ-001/retire', { as: 'wang', body: { reason: '录入重复' } })).body.status, 'retired');

      // 实施清单 import over HTTP: admin only, all or nothing, every bad line named; dry run writes nothing
      const csv = '实施编码,事项名称,实施部门,通办模式,时限,申请材料\nSH-IMP-1,失业登记,上海市人社局,全程网办,5,"公积金信息=resource:housing.fund(accountNo)\n劳动合同(选填)"\n';
      assert.equal((await call('/api/catalog/items/import', { as: 'li', body: { format: 'csv', content: csv } })).status, 403);
      const dry = await call('/api/catalog/items/import', { as: 'wang', body: { format: 'csv', content: csv, source: '上海市实施清单', dryRun: true } });
      assert.equal(dry.status, 200);
      assert.deepEqual([dry.body.ok, dry.body.dryRun, dry.body.count], [true, true, 1]);
      assert.equal((await call('/api/catalog/items/SH-IMP-1', { as: 'wang' })).status, 404);
      const broken = `${csv}SH-IMP-2,社保卡,上海市人社局,全程网办,0,\nSH-IMP-3,,上海市人社局,,5,\n`;
      const refusedImport = await call('/api/catalog/items/import', { as: 'wang', body: { format: 'csv', content: broken, source: 'broken.csv' } });
      assert.equal(refusedImport.status, 400);
      assert.deepEqual(refusedImport.body.error.problems.map((p: Json) => [p.line, p.column]).slice(0, 2), [[4, '时限'], [5, '事项名称']]);
      assert.match(refusedImport.body.error.detail, /^3 problems in broken\.csv; nothing was imported: line 4, column 时限: must be 1–365 working days \(got 0\) \/ 第4行,"时限"列:应为1至365个工作日\(实际为0\); line 5, column 事项名称: is required/);
      assert.match(refusedImport.body.error.detail, /line 5, column 通办模式: must list at least one cross-province mode/);
      assert.equal((await call('/api/catalog/items/SH-IMP-1', { as: 'wang' })).status, 404, 'the good line was not imported either');
      const imported = await call('/api/catalog/items/import', { as: 'wang', body: { format: 'csv', content: csv, source: '上海市实施清单' } });
      assert.equal(imported.status, 200, JSON.stringify(imported.body));
      assert.deepEqual([imported.body.ok, imported.body.status, imported.body.items[0].code], [true, 'in-review', 'SH-IMP-1']);
      const importedView = await call('/api/catalog/items/SH-IMP-1', { as: 'li' });
      assert.equal(importedView.body.status, 'in-review');
      assert.deepEqual(importedView.body.working.origin, { kind: 'regional', source: '上海市实施清单' });
      assert.equal((await call('/api/catalog/items/SH-IMP-1/approve', { as: 'li', method: 'POST' })).body.status, 'published');
      const jsonImport = await call('/api/catalog/items/import', { as: 'wang', body: { format: 'json', content: JSON.stringify([{ code: 'SH-IMP-9', name: 'x', department: 'y', modes: ['joint'], timeLimitDays: 400, guide: {}, materials: [] }]), dryRun: true } });
      assert.deepEqual(jsonImport.body.problems.map((p: Json) => `${p.unit} ${p.line} ${p.column}`), ['item 1 timeLimitDays']);

      // the OpenAPI document has the routes
      const openapi = (await call('/api/openapi.json')).body;
      for (const p of ['/api/catalog/resources', '/api/catalog/resources/{id}/approve', '/api/catalog/items/import', '/api/catalog/elements', '/api/catalog/certificate-types/{id}/history']) {
        assert.ok(openapi.paths[p], `${p} in the OpenAPI document`);
      }

      // the node's audit log holds every step, category admin
      const rows = await node.server.store.db.selectFrom('audit_entry').select(['action', 'actor_id', 'outcome', 'error_code', 'detail']).where('action', 'like', 'catalog.%').orderBy('seq').execute();
      const actions = rows.map((r) => `${r.action} ${r.actor_id} ${r.outcome}`);
      assert.equal(actions.filter((a) => a.startsWith('catalog.item.seeded')).length, 0, 'seeding is recorded in the catalogue history only');
      for (const a of [
        'catalog.element.created wang ok',
        'catalog.resource.submitted zhao ok',
        'catalog.resource.approved zhao refused',
        'catalog.resource.returned li ok',
        'catalog.resource.approved li ok',
        'catalog.certificate-type.created wang ok',
        'catalog.item.retired wang ok',
        'catalog.item.imported wang ok',
      ]) {
        assert.ok(actions.includes(a), `${a} in\n${actions.join('\n')}`);
      }
      assert.equal(rows.find((r) => r.action === 'catalog.resource.approved' && r.outcome === 'refused')!.error_code, 'E_FORBIDDEN');
    } finally {
      await stopAll(node, hub);
      await cleanupAll(node, hub);
    }
  });
}
