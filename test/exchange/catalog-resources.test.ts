// The provider serves what its catalogue has published: a resource is served from the moment it is
// approved, read through the adapter configured under `adapters.sources`, and no longer once retired;
// a published resource whose adapter the node does not configure is not served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engines } from '../helpers/engines.js';
import { exchangeFixture, purpose } from '../helpers/exchange.js';
import { goodResource } from '../catalog/fixtures.js';
import { makeIdNumber } from '../../src/core/ids/index.js';
import type { CatalogActor } from '../../src/catalog/store.js';
import { createUser } from '../../src/identity/index.js';

const CITIZEN = makeIdNumber('340104', '19900101', 123);
const writer: CatalogActor = { type: 'user', id: 'ah-admin' };
const approver: CatalogActor = { type: 'user', id: 'ah-approver' };

/** 安徽's housing fund resource, read through the adapter named (the catalogue tests' resource, fitted to 安徽) */
function fundResource(adapter: string, id = 'housing.fund') {
  return goodResource({
    id,
    summary: '缴存人姓名与缴存地',
    department: { name: '安徽省住房公积金管理中心' },
    fields: [
      { name: 'name', element: 'TB.PERSON.NAME', label: { zh: '姓名', en: 'Name' }, sensitivity: 'general' },
      { name: 'division', element: 'TB.INSURED.DIVISION', label: { zh: '缴存地', en: 'Contributing in' }, sensitivity: 'general' },
    ],
    source: { adapter, system: '公积金业务系统' },
  });
}

for (const engine of await engines()) {
  test(`${engine}: a resource is served once the catalogue publishes it, through the adapter configured for it, and no longer once retired; purposes are the published 事项`, async () => {
    const drops = mkdtempSync(join(tmpdir(), 'tongban-fund-'));
    writeFileSync(join(drops, 'fund.csv'), `身份证号,姓名,缴存地,更新时间\n${CITIZEN},张三,安徽省合肥市,2026-10-31\n`);
    const f = await exchangeFixture(engine, {
      ahSettings: {
        adapters: {
          fileRoots: [drops],
          sources: { 'fund.accounts': { kind: 'csv', path: join(drops, 'fund.csv'), keys: ['身份证号'], fields: { name: '姓名', division: '缴存地' }, dataTime: '更新时间', reloadCheckMs: 0 } },
        },
      },
    });
    try {
      const catalog = f.ah.server.catalog!;
      const ask = (resource: string) =>
        f.clerk('/api/exchange/requests', { body: { target: '340000', resource, subject: { type: 'citizen', idNumber: CITIZEN }, fields: ['name', 'division'], purpose } });

      const refusal = async (resource: string) => {
        const { body } = await ask(resource);
        return `${body.exchange?.error?.code}: ${body.exchange?.error?.detail}`;
      };
      assert.equal(await refusal('housing.fund'), 'E_INVALID_REQUEST: unknown resource "housing.fund"');

      await catalog.create('resource', fundResource('fund.accounts'), writer);
      await catalog.submit('resource', 'housing.fund', writer);
      assert.equal(await refusal('housing.fund'), 'E_INVALID_REQUEST: unknown resource "housing.fund"', 'a resource under review is not served');
      await catalog.approve('resource', 'housing.fund', approver);

      const served = await ask('housing.fund');
      assert.equal(served.status, 200, JSON.stringify(served.body));
      const x = served.body.exchange;
      assert.equal(x.status, 'completed', JSON.stringify(x));
      assert.deepEqual(x.result.record, { name: '张三', division: '安徽省合肥市' });
      assert.equal(x.result.provenance.department, '安徽省住房公积金管理中心');
      assert.equal(x.result.provenance.sourceSystem, '公积金业务系统');
      assert.match(x.result.provenance.dataTime, /^2026-10-3/);
      assert.equal(x.result.seal.verified, true);

      // the partner's list of resources (fetched straight from the provider) names it too
      const listed = await fetch(`${f.ah.server.url}/api/exchange/v1/resources`).then((r) => r.json());
      assert.ok(JSON.stringify(listed).includes('housing.fund'), 'the provider lists the published resource');

      // a resource naming an adapter this node does not configure is published but not served
      await catalog.create('resource', fundResource('fund.missing', 'housing.loan'), writer);
      await catalog.submit('resource', 'housing.loan', writer);
      await catalog.approve('resource', 'housing.loan', approver);
      assert.equal(await refusal('housing.loan'), 'E_INVALID_REQUEST: unknown resource "housing.loan"');

      // 安徽's administrator sees both, with the served one's health; a clerk may not look
      await createUser(f.ah.server.store.db, { server: 'node', id: 'ah-admin', name: '吴海峰', department: '安徽省数据资源管理局', regionCode: '340000', roles: ['admin'], password: 'correct-horse-43' }, { actor: 'test' });
      await createUser(f.ah.server.store.db, { server: 'node', id: 'ah-clerk', name: '刘洋', department: '安徽省合肥市政务服务中心', regionCode: '340000', roles: ['clerk'], password: 'correct-horse-44' }, { actor: 'test' });
      const sourcesAs = async (userId: string, password: string) => {
        const login = await fetch(`${f.ah.server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, password }) });
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
        const res = await fetch(`${f.ah.server.url}/api/exchange/sources`, { headers: { cookie } });
        return { status: res.status, body: (await res.json()) as { sources: Array<{ resource: string }> } };
      };
      assert.equal((await sourcesAs('ah-clerk', 'correct-horse-44')).status, 403);
      const sources = await sourcesAs('ah-admin', 'correct-horse-43');
      assert.equal(sources.status, 200, JSON.stringify(sources.body));
      const byId = new Map(sources.body.sources.map((s) => [s.resource, s as unknown]));
      assert.deepEqual([...byId.keys()].filter((id) => id.startsWith('housing.')), ['housing.fund', 'housing.loan']);
      const fund = byId.get('housing.fund') as { served: boolean; adapter: string; department: string; health: { kind: string; status: string; reads: { ok: number }; source: { rows: number } } };
      assert.deepEqual([fund.served, fund.adapter, fund.department, fund.health.kind, fund.health.status, fund.health.reads.ok, fund.health.source.rows], [true, 'fund.accounts', '安徽省住房公积金管理中心', 'csv', 'ok', 1, 1]);
      assert.deepEqual(byId.get('housing.loan'), { resource: 'housing.loan', name: '住房公积金缴存信息', nameEn: 'Housing fund contributions', department: '安徽省住房公积金管理中心', sourceSystem: '公积金业务系统', adapter: 'fund.missing', served: false, health: null });
      assert.ok(byId.has('hukou.person'), 'the registries resources are listed too');

      await catalog.retire('resource', 'housing.fund', '数据源迁移', writer);
      assert.equal(await refusal('housing.fund'), 'E_INVALID_REQUEST: unknown resource "housing.fund"', 'a retired resource is not served');

      // the purposes a 上海 clerk can name are 上海's published 事项: the confirmed national ones, then its own
      const purposes = async () => (await f.clerk('/api/exchange/service-items')).body.items as Array<{ code: string; name: string; origin: string; source: string }>;
      const national = await purposes();
      assert.ok(national.length > 0 && national.every((i) => i.origin === 'national-confirmed' && i.source.length > 0), JSON.stringify(national));
      const sh = f.sh.server.catalog!;
      const item = { code: 'SH-YB-01', name: '异地就医费用直接结算备案', department: '上海市医疗保障局', modes: ['online'], timeLimitDays: 1, guide: {}, materials: [{ name: '身份证明', required: true, satisfiedBy: null }] };
      await sh.create('item', item, writer);
      assert.ok(!(await purposes()).some((i) => i.code === 'SH-YB-01'), 'a draft item is no purpose yet');
      await sh.submit('item', 'SH-YB-01', writer);
      await sh.approve('item', 'SH-YB-01', approver);
      assert.deepEqual((await purposes()).filter((i) => i.code === 'SH-YB-01').map((i) => [i.name, i.origin]), [['异地就医费用直接结算备案', 'regional']]);

      // the demo registries stay served beside it
      const hukou = await f.clerk('/api/exchange/requests', {
        body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name'], purpose },
      });
      assert.equal(hukou.body.exchange.result.record.name, f.citizen.name);
    } finally {
      await f.close();
      rmSync(drops, { recursive: true, force: true });
    }
  });
}
