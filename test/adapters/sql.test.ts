// sql adapters on both engines: the demo's five registry resources from configuration, and a
// department table of its own shape (quoted upper-case columns, several keys, latestBy, DATE and
// TIMESTAMP columns) through transforms, with validation flags, ambiguity, injection attempts and
// outages answered in the vocabulary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { engines, freshDatabase } from '../helpers/engines.js';
import { openDatabase } from '../../src/store/db.js';
import { seedRegistries, type RegistryDB } from '../../src/sim/registries/index.js';
import { AdapterHost, createAdapter, type AdapterConfig } from '../../src/adapters/index.js';
import { registryResourceConfigs } from '../../src/adapters/registry-resources.js';
import { SqlConnections } from '../../src/adapters/connections.js';
import { standardElement } from '../../src/catalog/elements.js';
import type { DataElement } from '../../src/catalog/model.js';
import { makeIdNumber } from '../../src/core/ids/index.js';
import { TongbanError } from '../../src/core/errors.js';

const isCode = (code: string, detail?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof TongbanError, `not a TongbanError: ${e}`);
  assert.equal(e.code, code, e.message);
  if (detail) assert.match(e.detail ?? '', detail);
  return true;
};

for (const engine of await engines()) {
  test(`${engine}: the demo's five registry resources, built from sql adapter configurations, read clean records`, async () => {
    const t = await freshDatabase(engine, 'reg');
    const host = new AdapterHost({ connections: { registries: { url: t.url } } });
    try {
      await seedRegistries(t.url, { regionCode: '340000', citizens: 300, seed: 'adapters', federation: ['310000', '340000'] });
      const reg = await openDatabase<RegistryDB>(t.url);
      const people = await reg.db.selectFrom('hukou_person').selectAll().orderBy('id_number').limit(40).execute();
      const marriage = await reg.db.selectFrom('marriage_registration').selectAll().orderBy('cert_no').limit(1).executeTakeFirstOrThrow();
      const entity = await reg.db.selectFrom('market_entity').selectAll().orderBy('uscc').limit(1).executeTakeFirstOrThrow();
      await reg.close();

      const configured = registryResourceConfigs('340000');
      assert.deepEqual(configured.map((r) => r.def.id), ['hukou.person', 'marriage.record', 'social.pension', 'medical.insurance', 'market.entity']);
      const adapters = new Map(configured.map((r) => {
        assert.deepEqual(host.validate(r.adapter, r.def.fields), [], r.adapterId);
        assert.ok(r.def.fields.every((f) => f.element && standardElement(f.element)), `${r.def.id}: every field carries a standard element`);
        return [r.def.id, { def: r.def, adapter: host.create(r.adapterId, r.adapter, { fields: r.def.fields, label: r.def.sourceSystem }) }];
      }));
      const all = (id: string) => adapters.get(id)!.def.fields.map((f) => f.name);

      const hukou = adapters.get('hukou.person')!.adapter;
      const p = people[0]!;
      const rec = await hukou.fetch(p.id_number, all('hukou.person'));
      assert.equal(rec.values.name, p.name);
      assert.equal(rec.values.sex, p.sex === '1' ? '男' : '女');
      assert.match(String(rec.values.ethnicity), /族$/);
      assert.equal(rec.values.birthDate, p.birth_date);
      assert.match(String(rec.values.registeredDivision), /^安徽省/);
      assert.equal(rec.dataTime, new Date(`${p.updated_at.replace(' ', 'T')}+08:00`).toISOString());
      assert.deepEqual(rec.quality, []);

      // every citizen resource, for 40 people: no quality flags on clean synthetic data
      for (const person of people) {
        for (const id of ['hukou.person', 'social.pension', 'medical.insurance', 'marriage.record']) {
          try {
            const r = await adapters.get(id)!.adapter.fetch(person.id_number, all(id));
            assert.deepEqual(r.quality, [], `${id} ${person.id_number}`);
            assert.match(r.dataTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
            if (id === 'social.pension') assert.equal(typeof r.values.paidMonths, 'number');
          } catch (e) {
            assert.ok(e instanceof TongbanError && e.code === 'E_SUBJECT_NOT_FOUND', String(e));
          }
        }
      }

      // marriage: the spouse is the other party, whichever key the subject was found in
      const m = adapters.get('marriage.record')!.adapter;
      const asHusband = await m.fetch(marriage.husband_id_number, ['spouseName', 'spouseIdNumber', 'registeredOn']);
      const asWife = await m.fetch(marriage.wife_id_number, ['spouseName', 'spouseIdNumber']);
      // (a later registration of the same person may be the latest one; compare only when it is this one)
      if (asHusband.values.registeredOn === marriage.registered_on) assert.equal(asHusband.values.spouseName, marriage.wife_name);
      assert.notEqual(asWife.values.spouseIdNumber, marriage.wife_id_number);
      assert.notEqual(asHusband.values.spouseIdNumber, marriage.husband_id_number);

      const ent = await adapters.get('market.entity')!.adapter.fetch(entity.uscc, ['name', 'establishedOn']);
      assert.equal(ent.values.name, entity.name);
      assert.deepEqual(ent.quality, []);

      await assert.rejects(hukou.fetch('340000000000000000', ['name']), isCode('E_SUBJECT_NOT_FOUND'));
      await assert.rejects(hukou.fetch(p.id_number, ['name', 'favouriteColour']), isCode('E_INVALID_REQUEST', /favouriteColour/));
      const h = host.health()['registries.hukou_person']!;
      assert.equal(h.status, 'ok');
      assert.equal(h.kind, 'sql');
      assert.ok(h.reads.ok >= 1 && h.reads.notFound >= 1);
      assert.equal(h.breaker?.state, 'closed');
    } finally {
      await host.close();
      await t.cleanup();
    }
  });

  test(`${engine}: a department table of its own shape, mapped and transformed; values checked against their elements`, async () => {
    const t = await freshDatabase(engine, 'dept');
    const store = await openDatabase(t.url);
    const A = makeIdNumber('340104', '19900101', 123);
    const B = makeIdNumber('340104', '19851231', 456);
    const C = makeIdNumber('310101', '19700707', 789);
    try {
      const dateType = engine === 'postgres' ? 'date' : 'text';
      const tsType = engine === 'postgres' ? 'timestamp' : 'text';
      await sql.raw(`create table dept_person ("SFZH" text, "ALT_ID" text, "XM" text, "XB" text, "MZ" text, "CSRQ" text, "CSRQ_D" ${dateType},
        "JG_CODE" text, "ADDR1" text, "ADDR2" text, "GXSJ" text, "GXSJ_TS" ${tsType}, "SEQ" integer)`).execute(store.db);
      const row = (v: Record<string, unknown>) => sql`insert into dept_person ("SFZH","ALT_ID","XM","XB","MZ","CSRQ","CSRQ_D","JG_CODE","ADDR1","ADDR2","GXSJ","GXSJ_TS","SEQ")
        values (${v.SFZH ?? null}, ${v.ALT_ID ?? null}, ${v.XM ?? null}, ${v.XB ?? null}, ${v.MZ ?? null}, ${v.CSRQ ?? null}, ${v.CSRQ_D ?? null},
        ${v.JG_CODE ?? null}, ${v.ADDR1 ?? null}, ${v.ADDR2 ?? null}, ${v.GXSJ ?? null}, ${v.GXSJ_TS ?? null}, ${v.SEQ ?? 1})`.execute(store.db);
      await row({ SFZH: A, ALT_ID: 'OLD-0001', XM: ' 张三\u3000', XB: '1', MZ: '01', CSRQ: '19900101', CSRQ_D: '1990-01-01', JG_CODE: '340104', ADDR1: '合肥市', ADDR2: '蜀山区长江西路1号', GXSJ: '2024/03/05 14:30:00', GXSJ_TS: '2024-03-05 14:30:00' });
      await row({ SFZH: B, XM: '李四', XB: '7', MZ: '01', CSRQ: '2023-02-30', JG_CODE: '999999', GXSJ: 'yesterday' });
      await row({ SFZH: C, XM: '王五(旧)', XB: '2', MZ: '03', CSRQ: '1970.07.07', JG_CODE: '310101', GXSJ: '20200101', SEQ: 1 });
      await row({ SFZH: C, XM: '王五', XB: '2', MZ: '03', CSRQ: '1970年7月7日', JG_CODE: '310101', GXSJ: '20240101120000', SEQ: 2 });

      const elements = (code: string): DataElement | undefined =>
        code === 'X.DIVISION_CODE' ? { code, name: { zh: '区划代码', en: 'Division code' }, type: 'code', check: 'division', sensitivity: 'general' } : standardElement(code);
      const fields = [
        { name: 'name', element: 'TB.PERSON.NAME' }, { name: 'sex', element: 'TB.PERSON.SEX' }, { name: 'ethnicity', element: 'TB.PERSON.ETHNICITY' },
        { name: 'birthDate', element: 'TB.PERSON.BIRTH_DATE' }, { name: 'birthDateCol', element: 'TB.PERSON.BIRTH_DATE' }, { name: 'division', element: 'TB.PERSON.DIVISION' },
        { name: 'divisionCode', element: 'X.DIVISION_CODE' }, { name: 'address', element: 'TB.PERSON.ADDRESS' }, { name: 'office' }, { name: 'birthFromId' },
      ];
      const config: AdapterConfig = {
        kind: 'sql',
        connection: t.url,
        table: 'dept_person',
        keys: ['SFZH', 'ALT_ID'],
        latestBy: 'SEQ',
        fields: {
          name: { from: 'XM', transforms: [{ fn: 'trim' }] },
          sex: { from: 'XB', transforms: [{ fn: 'code-table', table: 'gb2261-sex' }] },
          ethnicity: { from: 'MZ', transforms: [{ fn: 'code-table', table: 'gb3304-ethnicity' }] },
          birthDate: { from: 'CSRQ', transforms: [{ fn: 'date' }] },
          birthDateCol: 'CSRQ_D',
          division: { from: 'JG_CODE', transforms: [{ fn: 'division-name' }] },
          divisionCode: 'JG_CODE',
          address: { transforms: [{ fn: 'concat', columns: ['ADDR1', 'ADDR2'] }] },
          office: { transforms: [{ fn: 'constant', value: '合肥市公安局蜀山分局' }] },
          birthFromId: { from: 'SFZH', transforms: [{ fn: 'slice', start: 6, end: 14 }, { fn: 'date', format: 'YYYYMMDD' }] },
        },
        dataTime: 'GXSJ',
      };
      const a = createAdapter(config, { fields, elements, label: '人口库' });
      const all = fields.map((f) => f.name);

      const ra = await a.fetch(A, all);
      assert.deepEqual(ra.values, {
        name: '张三', sex: '男', ethnicity: '汉族', birthDate: '1990-01-01', birthDateCol: '1990-01-01', division: '安徽省合肥市蜀山区',
        divisionCode: '340104', address: '合肥市蜀山区长江西路1号', office: '合肥市公安局蜀山分局', birthFromId: '1990-01-01',
      });
      assert.deepEqual(ra.quality, []);
      assert.equal(ra.dataTime, '2024-03-05T06:30:00.000Z', 'local Asia/Shanghai time → UTC');
      // any key may match
      assert.equal((await a.fetch('OLD-0001', ['name'])).values.name, '张三');
      // several rows: the latest by SEQ; the other date formats
      const rc = await a.fetch(C, ['name', 'birthDate', 'sex', 'ethnicity']);
      assert.deepEqual(rc.values, { name: '王五', birthDate: '1970-07-07', sex: '女', ethnicity: '回族' });
      assert.equal(rc.dataTime, '2024-01-01T04:00:00.000Z');

      // bad values become flags, never a failure; the raw value is kept so a reader sees what the source holds
      const rb = await a.fetch(B, ['name', 'sex', 'birthDate', 'divisionCode', 'division']);
      assert.deepEqual(rb.values, { name: '李四', sex: '7', birthDate: '2023-02-30', divisionCode: '999999', division: '999999' });
      assert.deepEqual(rb.quality, [
        'sex: code "7" is not in GB/T 2261.1',
        'birthDate: not a valid date ("2023-02-30")',
        'divisionCode: not a GB/T 2260 division (999999 is not a division code: no province 990000)',
        'division: not a GB/T 2260 division code ("999999")',
        'dataTime: not a time ("yesterday")',
      ]);
      assert.equal(rb.dataTime, new Date(0).toISOString());

      // a timestamp column (TIMESTAMP on PostgreSQL) is local time too
      const byTs = createAdapter({ ...config, fields: { name: 'XM' }, dataTime: 'GXSJ_TS' });
      assert.equal((await byTs.fetch(A, ['name'])).dataTime, '2024-03-05T06:30:00.000Z');
      await byTs.close();

      // without latestBy, two rows are ambiguous; the subject id is a parameter, never SQL
      const noLatest = createAdapter({ ...config, latestBy: undefined } as AdapterConfig, { fields, elements });
      await assert.rejects(noLatest.fetch(C, ['name']), isCode('E_AMBIGUOUS_SUBJECT'));
      await assert.rejects(noLatest.fetch(`x' OR '1'='1`, ['name']), isCode('E_SUBJECT_NOT_FOUND'));
      await assert.rejects(noLatest.fetch(`${A}"; drop table dept_person; --`, ['name']), isCode('E_SUBJECT_NOT_FOUND'));
      assert.equal((await a.fetch(A, ['name'])).values.name, '张三', 'the table is still there');
      await noLatest.close();

      // a mapping to a column the table lacks, or a missing table: the source is unavailable, with the reason and no subject id
      const missingTable = createAdapter({ ...config, table: 'no_such_table' });
      await assert.rejects(missingTable.fetch(A, ['name']), (e) => isCode('E_SOURCE_UNAVAILABLE', /no_such_table/)(e) && !(e as Error).message.includes(A));
      assert.equal(missingTable.health().status, 'down');
      assert.match(missingTable.health().lastError ?? '', /no_such_table/);
      await missingTable.close();
      if (engine === 'postgres') {
        // PostgreSQL quotes the failing value in its message: it is masked before it travels
        await sql.raw('create table numbered ("NUM" integer, "V" text)').execute(store.db);
        const numbered = createAdapter({ kind: 'sql', connection: t.url, table: 'numbered', keys: ['NUM'], fields: { v: 'V' } });
        await assert.rejects(numbered.fetch(A, ['v']), (e) => isCode('E_SOURCE_UNAVAILABLE')(e) && !(e as Error).message.includes(A) && !JSON.stringify(numbered.health()).includes(A));
        await numbered.close();
      }
      await a.close();
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
}

test('sql: a database that is down fails fast after the breaker opens, and is tried again after the cool-down', async () => {
  let now = Date.parse('2026-03-01T00:00:00Z');
  const a = createAdapter(
    { kind: 'sql', connection: 'sqlite:/nonexistent-dir/tongban/registry.db', table: 'person', keys: ['id'], fields: { name: 'name' }, breaker: { failures: 2, coolDownMs: 10_000 } },
    { clock: () => now, label: '人口库' },
  );
  try {
    for (let i = 0; i < 2; i++) await assert.rejects(a.fetch('1', ['name']), isCode('E_SOURCE_UNAVAILABLE', /cannot open SQLite database/));
    await assert.rejects(a.fetch('1', ['name']), isCode('E_SOURCE_UNAVAILABLE', /人口库: circuit open after 2 consecutive failures until 2026-03-01T00:00:10.000Z/));
    let h = a.health();
    assert.equal(h.breaker?.state, 'open');
    assert.equal(h.status, 'down');
    assert.deepEqual(h.reads, { ok: 0, notFound: 0, failed: 2, rejectedByBreaker: 1 });
    now += 10_000;
    assert.equal(a.health().breaker?.state, 'half-open');
    await assert.rejects(a.fetch('1', ['name']), isCode('E_SOURCE_UNAVAILABLE', /cannot open/), 'the trial read reaches the source');
    h = a.health();
    assert.equal(h.breaker?.state, 'open', 'a failed trial opens it again');
    assert.equal(h.reads.failed, 3);
  } finally {
    await a.close();
  }
});

test('sql: an unreachable PostgreSQL is E_SOURCE_UNAVAILABLE, not a crash', async () => {
  const a = createAdapter({ kind: 'sql', connection: 'postgres://nobody@127.0.0.1:1/none', table: 'person', keys: ['id'], fields: { name: 'name' } });
  try {
    await assert.rejects(a.fetch('1', ['name']), isCode('E_SOURCE_UNAVAILABLE', /cannot connect to PostgreSQL/));
  } finally {
    await a.close();
  }
});

if ((await engines()).includes('postgres')) {
  test('postgres source: the server cancels a statement that outlives the connection statement timeout (read-only too)', async () => {
    const t = await freshDatabase('postgres', 'stmt-timeout');
    const connections = new SqlConnections({ named: { dept: { url: t.url } }, statementTimeoutMs: 200 });
    try {
      const db = await connections.get('dept');
      const started = performance.now();
      await assert.rejects(sql`select pg_sleep(5)`.execute(db), /statement timeout/);
      assert.ok(performance.now() - started < 4000, 'cancelled by the server, not left running');
      assert.equal((await sql<{ v: number }>`select 1 as v`.execute(db)).rows[0]!.v, 1, 'the connection is usable again');
      await assert.rejects(sql`create table t_write (x int)`.execute(db), /read-only/);
    } finally {
      await connections.close();
      await t.cleanup();
    }
  });
}
