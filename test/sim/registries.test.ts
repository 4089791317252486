import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PG_URL, engines, freshDatabase, type TestDatabase } from '../helpers/engines.js';
import { openDatabase } from '../../src/store/db.js';
import { countiesOf, validateIdNumber, validateUscc } from '../../src/core/ids/index.js';
import {
  DATA_TABLES,
  TABLES,
  registrySummary,
  residentsFrom,
  sampleEmigrants,
  sampleEnterprises,
  sampleMigrants,
  seedRegistries,
  type RegistryDB,
} from '../../src/sim/registries/index.js';

const TODAY = new Date('2025-06-01T00:00:00Z');
const ENGINES = await engines();

async function withDb<T>(url: string, fn: (db: Awaited<ReturnType<typeof openDatabase<RegistryDB>>>['db']) => Promise<T>): Promise<T> {
  const d = await openDatabase<RegistryDB>(url);
  try {
    return await fn(d.db);
  } finally {
    await d.close();
  }
}

/** SHA-256 over every data table's rows, in column order, sorted by primary key: engine-independent. */
async function digest(url: string): Promise<string> {
  return withDb(url, async (db) => {
    const h = createHash('sha256');
    for (const table of DATA_TABLES) {
      const cols = TABLES[table].map((c) => c.name);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const rows = (await (db as any).selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
      const lines = rows.map((r) => JSON.stringify(cols.map((c) => r[c])));
      lines.sort();
      h.update(`${table}\n${lines.join('\n')}\n`);
    }
    return h.digest('hex');
  });
}

async function fresh(engine: 'sqlite' | 'postgres', label: string, cleanups: TestDatabase[]): Promise<string> {
  const t = await freshDatabase(engine, label);
  cleanups.push(t);
  return t.url;
}

for (const engine of ENGINES) {
  test(`${engine}: every identifier is valid and every code lies in the region`, async () => {
    const cleanups: TestDatabase[] = [];
    try {
      const url = await fresh(engine, 'reg_valid', cleanups);
      const s = await seedRegistries(url, { regionCode: '520000', citizens: 1500, federation: ['520000', '340000'] });
      assert.equal(s.complete, true);
      assert.equal(s.rowCounts?.hukou_person, 1500);
      const counties = new Set(countiesOf('520000').map((d) => d.code));
      await withDb(url, async (db) => {
        const people = await db.selectFrom('hukou_person').selectAll().execute();
        assert.equal(people.length, 1500);
        assert.equal(new Set(people.map((p) => p.id_number)).size, 1500);
        for (const p of people) {
          const v = validateIdNumber(p.id_number, { today: TODAY });
          assert.equal(v.valid, true, `${p.id_number}: ${v.reason}`);
          assert.ok(counties.has(v.addressCode!), `${p.id_number} address code outside 贵州`);
          assert.equal(v.birthDate, p.birth_date);
          assert.equal(v.sex === 'M' ? '1' : '2', p.sex);
          assert.ok(p.birth_date >= '1930-01-01' && p.birth_date <= '2024-12-31', p.birth_date);
          assert.ok(counties.has(p.registered_address_code));
          assert.ok(p.registered_address.startsWith('贵州省'), p.registered_address);
          assert.match(p.ethnicity, /^\d{2}$/);
          assert.ok(['正常', '迁出', '死亡'].includes(p.status));
          assert.match(p.current_residence_code, /^\d{6}$/);
          assert.ok(p.updated_at.slice(0, 10) >= p.birth_date, `${p.id_number} updated before birth`);
        }
        // households: one 户主 per family household, matching head_id_number
        const households = await db.selectFrom('hukou_household').selectAll().execute();
        const byHousehold = new Map<string, typeof people>();
        for (const p of people) byHousehold.set(p.household_id, [...(byHousehold.get(p.household_id) ?? []), p]);
        for (const h of households) {
          assert.ok(counties.has(h.address_code));
          const members = byHousehold.get(h.household_id) ?? [];
          assert.ok(members.length >= 1 && members.length <= 6, `${h.household_id} has ${members.length} members`);
          if (h.household_type === '家庭户') {
            const heads = members.filter((m) => m.relation_to_head === '户主');
            assert.equal(heads.length, 1, h.household_id);
            assert.equal(heads[0]!.id_number, h.head_id_number);
          } else {
            assert.equal(h.head_id_number, null);
          }
        }
        // a noticeable minority population in 贵州
        const han = people.filter((p) => p.ethnicity === '01').length / people.length;
        assert.ok(han > 0.45 && han < 0.8, `汉族 share ${han}`);

        const entities = await db.selectFrom('market_entity').selectAll().execute();
        assert.ok(entities.length > 100);
        const dc: Record<string, string> = { 有限责任公司: '91', 股份有限公司: '91', 个体工商户: '92', 农民专业合作社: '93' };
        for (const e of entities) {
          const v = validateUscc(e.uscc);
          assert.equal(v.valid, true, `${e.uscc}: ${v.reason}`);
          assert.equal(e.uscc.slice(0, 2), dc[e.entity_type], e.entity_type);
          assert.equal(e.uscc.slice(2, 4), '52');
          assert.ok(counties.has(e.address_code));
          assert.equal(validateIdNumber(e.legal_rep_id_number, { today: TODAY }).valid, true, e.legal_rep_id_number);
          assert.match(e.registered_capital, /^\d+万元$/);
          assert.ok(e.registration_authority.endsWith('市场监督管理局'));
        }
        const pensions = await db.selectFrom('pension_insurance').selectAll().execute();
        const usccs = new Set(entities.map((e) => e.uscc));
        const ids = new Set(people.map((p) => p.id_number));
        for (const p of pensions) {
          assert.ok(ids.has(p.id_number));
          if (p.employer_uscc) assert.ok(usccs.has(p.employer_uscc), `employer ${p.employer_uscc} is not a registered entity`);
          assert.equal(p.insurance_type === '企业职工基本养老保险', p.employer_uscc !== null);
          assert.match(p.first_paid_month, /^\d{4}-\d{2}$/);
          assert.ok(Number.isInteger(p.paid_months) && p.paid_months >= 1);
        }
        const adults = people.filter((p) => p.birth_date <= '2006-12-31' && p.status === '正常').length;
        const adultPensions = pensions.filter((p) => people.find((x) => x.id_number === p.id_number)!.birth_date <= '2006-12-31').length;
        const cover = adultPensions / adults;
        assert.ok(cover > 0.6 && cover < 0.8, `pension coverage among adults ${cover}`);
        const medical = await db.selectFrom('medical_insurance').selectAll().execute();
        const medCover = medical.length / people.filter((p) => p.status !== '迁出').length;
        assert.ok(medCover > 0.92 && medCover < 0.98, `medical coverage ${medCover}`);
        for (const m of medical) {
          assert.equal(m.filing_for_remote_care === '是', m.remote_care_destination_code !== null);
        }
        const marriages = await db.selectFrom('marriage_registration').selectAll().execute();
        assert.ok(marriages.length > 200);
        for (const m of marriages) {
          assert.ok(ids.has(m.husband_id_number) && ids.has(m.wife_id_number));
          assert.match(m.cert_no, m.kind === '结婚' ? /^J\d{6}-\d{4}-\d{6}$/ : /^L\d{6}-\d{4}-\d{6}$/);
          assert.ok(m.registry_office.endsWith('民政局婚姻登记处'));
          const h = people.find((p) => p.id_number === m.husband_id_number)!;
          const w = people.find((p) => p.id_number === m.wife_id_number)!;
          assert.equal(h.sex, '1');
          assert.equal(w.sex, '2');
          assert.ok(m.registered_on > h.birth_date && m.registered_on > w.birth_date);
        }
        const permits = await db.selectFrom('residence_permit').selectAll().execute();
        for (const p of permits) {
          assert.equal(validateIdNumber(p.id_number, { today: TODAY }).valid, true);
          assert.equal(p.hukou_province_code, '340000');
          assert.ok(counties.has(p.residence_address_code));
          assert.ok(p.valid_until > p.issued_at);
        }
      });
    } finally {
      for (const c of cleanups) await c.cleanup();
    }
  });

  test(`${engine}: the same parameters give byte-identical rows; re-running is a no-op`, async () => {
    const cleanups: TestDatabase[] = [];
    try {
      const a = await fresh(engine, 'reg_det_a', cleanups);
      const b = await fresh(engine, 'reg_det_b', cleanups);
      const opts = { regionCode: '340000', citizens: 800, seed: 'determinism' };
      const first = await seedRegistries(a, opts);
      assert.ok(first.timings, 'the seeding call reports timings');
      await seedRegistries(b, opts);
      const da = await digest(a);
      assert.equal(await digest(b), da);
      const again = await seedRegistries(a, opts);
      assert.equal(again.timings, undefined, 'nothing was seeded the second time');
      assert.equal(again.completedAt, first.completedAt);
      assert.deepEqual(again.rowCounts, first.rowCounts);
      assert.equal(await digest(a), da);
      // a different seed gives different data
      const c = await fresh(engine, 'reg_det_c', cleanups);
      await seedRegistries(c, { ...opts, seed: 'other' });
      assert.notEqual(await digest(c), da);
    } finally {
      for (const c of cleanups) await c.cleanup();
    }
  });

  test(`${engine}: different parameters on a seeded database are refused with E_DATA_MISMATCH`, async () => {
    const cleanups: TestDatabase[] = [];
    try {
      const url = await fresh(engine, 'reg_mismatch', cleanups);
      await seedRegistries(url, { regionCode: '310000', citizens: 300 });
      await assert.rejects(seedRegistries(url, { regionCode: '310000', citizens: 400 }), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'E_DATA_MISMATCH');
        assert.match(e.message, /seeded for region 310000 with 300 citizens \(seed tongban, federation 310000,320000,330000,340000,520000, generator registries\/1\), asked for region 310000 with 400 citizens \(seed tongban/);
        return true;
      });
      await assert.rejects(seedRegistries(url, { regionCode: '310000', citizens: 300, seed: 'x' }), /E_DATA_MISMATCH/);
      await assert.rejects(seedRegistries(url, { regionCode: '340000', citizens: 300 }), /E_DATA_MISMATCH/);
      await assert.rejects(seedRegistries(url, { regionCode: '310000', citizens: 300, federation: ['310000'] }), /E_DATA_MISMATCH/);
      // the refused calls changed nothing
      const s = await registrySummary(url);
      assert.equal(s?.citizens, 300);
      assert.equal(s?.complete, true);
    } finally {
      for (const c of cleanups) await c.cleanup();
    }
  });

  test(`${engine}: an interrupted seed is detected and redone from scratch`, async () => {
    const cleanups: TestDatabase[] = [];
    try {
      const url = await fresh(engine, 'reg_interrupt', cleanups);
      const clean = await fresh(engine, 'reg_interrupt_ref', cleanups);
      const opts = { regionCode: '330000', citizens: 600, federation: ['330000', '340000'] };
      await assert.rejects(
        seedRegistries(url, {
          ...opts,
          onProgress: (p) => {
            if (p.phase === 'residence_permits') throw new Error('power cut');
          },
        }),
        /power cut/,
      );
      const half = await registrySummary(url);
      assert.equal(half?.complete, false);
      assert.equal(half?.completedAt, null);
      await assert.rejects(sampleMigrants(url), /E_NOT_FOUND/);
      const redone = await seedRegistries(url, opts);
      assert.equal(redone.complete, true);
      assert.ok(redone.timings);
      await seedRegistries(clean, opts);
      assert.equal(await digest(url), await digest(clean));
    } finally {
      for (const c of cleanups) await c.cleanup();
    }
  });

  test(`${engine}: registrySummary is null for a database never seeded`, async () => {
    const cleanups: TestDatabase[] = [];
    try {
      const url = await fresh(engine, 'reg_none', cleanups);
      assert.equal(await registrySummary(url), null);
      if (engine === 'sqlite') assert.equal(existsSync(url.slice('sqlite:'.length)), false, 'asking does not create the file');
      else {
        const schema = new URL(url).searchParams.get('schema');
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        const r = await c.query('select count(*)::int as n from information_schema.schemata where schema_name = $1', [schema]);
        await c.end();
        assert.equal(r.rows[0].n, 0, 'asking does not create the schema');
      }
    } finally {
      for (const c of cleanups) await c.cleanup();
    }
  });
}

if (ENGINES.includes('postgres')) {
  test('SQLite and PostgreSQL produce the same rows', async () => {
    const cleanups: TestDatabase[] = [];
    try {
      const s = await fresh('sqlite', 'reg_cross', cleanups);
      const p = await fresh('postgres', 'reg_cross', cleanups);
      const opts = { regionCode: '320000', citizens: 1000, federation: ['320000', '310000', '340000'] };
      await seedRegistries(s, opts);
      await seedRegistries(p, opts);
      assert.equal(await digest(p), await digest(s));
    } finally {
      for (const c of cleanups) await c.cleanup();
    }
  });
}

test('residence permits in one province name real citizens of the others, and all of them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-reg-fed-'));
  try {
    const federation = ['310000', '340000', '520000'];
    const citizens = 2000;
    const urls = Object.fromEntries(federation.map((r) => [r, `sqlite:${join(dir, `${r}.db`)}`]));
    for (const r of federation) await seedRegistries(urls[r]!, { regionCode: r, citizens, federation });

    const ah = await withDb(urls['340000']!, (db) => db.selectFrom('hukou_person').selectAll().execute());
    const gz = await withDb(urls['520000']!, (db) => db.selectFrom('hukou_person').selectAll().execute());
    const permits = await withDb(urls['310000']!, (db) => db.selectFrom('residence_permit').selectAll().execute());
    const home = new Map([...ah, ...gz].map((p) => [p.id_number, p]));
    assert.ok(permits.length > 40, `only ${permits.length} permits`);
    for (const permit of permits) {
      const p = home.get(permit.id_number);
      assert.ok(p, `${permit.id_number} has a permit in 上海 but no household registration`);
      assert.equal(p.name, permit.name);
      assert.equal(p.status, '正常');
      assert.equal(p.current_residence_code, permit.residence_address_code);
      assert.equal(permit.hukou_province_code, `${p.id_number.slice(0, 2)}0000`);
    }
    // and every 安徽/贵州 citizen living in 上海 has one
    const living = [...ah, ...gz].filter((p) => p.status === '正常' && p.current_residence_code.startsWith('31'));
    assert.equal(living.length, permits.length);
    assert.deepEqual(new Set(living.map((p) => p.id_number)), new Set(permits.map((p) => p.id_number)));
    // the pure walk agrees
    const walked = [...residentsFrom('tongban', '340000', citizens, '310000')].map((r) => r.person.idNumber);
    assert.deepEqual(walked, ah.filter((p) => p.status === '正常' && p.current_residence_code.startsWith('31')).map((p) => p.id_number));

    // migration shares: high outflow from 安徽 and 贵州, low from 上海
    const share = (people: typeof ah, prefix: string) => {
      const alive = people.filter((p) => p.status === '正常');
      return alive.filter((p) => !p.current_residence_code.startsWith(prefix)).length / alive.length;
    };
    const sh = await withDb(urls['310000']!, (db) => db.selectFrom('hukou_person').selectAll().execute());
    const sAh = share(ah, '34');
    const sGz = share(gz, '52');
    const sSh = share(sh, '31');
    assert.ok(sAh > 0.12 && sAh < 0.25, `安徽 outflow ${sAh}`);
    assert.ok(sGz > 0.11 && sGz < 0.24, `贵州 outflow ${sGz}`);
    assert.ok(sSh > 0.015 && sSh < 0.09, `上海 outflow ${sSh}`);
    // 贵州 migrants go mostly to 广东 and 浙江
    const gzOut = gz.filter((p) => p.status === '正常' && !p.current_residence_code.startsWith('52'));
    const toGdZj = gzOut.filter((p) => /^(44|33)/.test(p.current_residence_code)).length / gzOut.length;
    assert.ok(toGdZj > 0.4, `贵州 → 广东/浙江 share ${toGdZj}`);

    // the read helpers the demo tour uses
    const m = await sampleMigrants(urls['310000']!, { limit: 3 });
    assert.equal(m.length, 3);
    for (const x of m) assert.ok(home.has(x.idNumber));
    const onlyGz = await sampleMigrants(urls['310000']!, { hukouProvince: '520000', limit: 50 });
    assert.ok(onlyGz.length > 0 && onlyGz.every((x) => x.hukouProvinceCode === '520000'));
    const out = await sampleEmigrants(urls['340000']!, { livingIn: '310000', limit: 5 });
    assert.ok(out.length > 0 && out.every((x) => x.livingInCode.startsWith('31') && home.has(x.idNumber)));
    const ent = await sampleEnterprises(urls['340000']!, { entityType: '个体工商户', limit: 2 });
    assert.equal(ent.length, 2);
    assert.ok(ent.every((e) => e.uscc.startsWith('9234')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad options are refused before anything is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-reg-bad-'));
  try {
    const url = `sqlite:${join(dir, 'r.db')}`;
    await assert.rejects(seedRegistries(url, { regionCode: '349999', citizens: 10 }), /E_INVALID_CONFIG: registries: regionCode: 349999 is not a current/);
    await assert.rejects(seedRegistries(url, { regionCode: '340000', citizens: 0 }), /citizens must be an integer/);
    await assert.rejects(seedRegistries(url, { regionCode: '340000', citizens: 1.5 }), /citizens must be an integer/);
    await assert.rejects(seedRegistries(url, { regionCode: '340000', citizens: 10, seed: '' }), /seed must be/);
    await assert.rejects(seedRegistries(url, { regionCode: '340000', citizens: 10, federation: ['34'] }), /federation member 34/);
    await assert.rejects(seedRegistries('sqlite::memory:', { regionCode: '340000', citizens: 10 }), /in-memory/);
    assert.equal(existsSync(join(dir, 'r.db')), false);
    // tiny registries still work: one citizen, a prefecture-level region
    const tiny = await seedRegistries(url, { regionCode: '522700', citizens: 1 });
    assert.equal(tiny.rowCounts?.hukou_person, 1);
    assert.equal(tiny.rowCounts?.market_entity, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
