// The adapter configuration: the TypeBox schema, validateAdapterConfig's field-path problems, the
// closed list of transforms, checks against data elements, and the node config's adapters section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AjvModule from 'ajv';
import {
  AdapterConfigSchema, AdapterHost, checkValue, createAdapter, normaliseDate, toUtcIso, validateAdapterConfig, type AdapterConfig,
} from '../../src/adapters/index.js';
import { registryResourceConfigs } from '../../src/adapters/registry-resources.js';
import { CompiledMapping, capFlags } from '../../src/adapters/values.js';
import { configFromObject } from '../../src/config/index.js';
import { makeIdNumber, makeUscc } from '../../src/core/ids/index.js';
import { TongbanError } from '../../src/core/errors.js';

const sqlOk: AdapterConfig = { kind: 'sql', connection: 'registries', table: 'hukou_person', keys: ['id_number'], fields: { name: 'name' } };

test('the schema is plain JSON Schema: Ajv accepts the demo configurations and refuses a wrong one', () => {
  const Ajv = AjvModule.default ?? AjvModule;
  const v = new Ajv({ strict: false }).compile(AdapterConfigSchema);
  for (const r of registryResourceConfigs('340000')) assert.ok(v(r.adapter), JSON.stringify(v.errors));
  assert.ok(!v({ ...sqlOk, kind: 'ftp' }));
  assert.equal(JSON.parse(JSON.stringify(AdapterConfigSchema)).$id, 'AdapterConfig');
});

test('validateAdapterConfig: every problem named by its path', () => {
  const p = (config: unknown, opts = {}) => validateAdapterConfig(config, opts).map((x) => `${x.path}: ${x.message}`);
  assert.deepEqual(p(sqlOk), []);
  assert.deepEqual(p(null), [': must be an object with a kind (sql, http or csv)']);
  assert.deepEqual(p({ kind: 'ftp' }), ['kind: must be one of sql, http, csv (got "ftp")']);
  assert.deepEqual(
    p({ kind: 'sql', connection: 'registries', table: 'person; drop table x', keys: [], tabel: 'x', fields: { name: 'name', 'bad-name': 'x', n2: 'a b', n3: { transforms: [{ fn: 'upper' }] } } }),
    [
      'tabel: unknown setting (check the spelling)',
      'table: has the wrong format (got "person; drop table x")',
      'keys: must NOT have fewer than 1 items',
      'fields.bad-name: is not a field name (a letter, then up to 63 letters, digits or _)',
      'fields.n2: "a b" is not a plain column name (letters, digits, _)',
      'fields.n3: needs "from", or a first transform that produces a value (concat, constant, pick-by-key)',
    ],
  );
  assert.deepEqual(
    p({
      ...sqlOk,
      keys: ['husband_id', 'wife_id'],
      latestBy: 'wife_id',
      fields: {
        a: { from: 'x', transforms: [{ fn: 'soundex' }] },
        b: { from: 'x', transforms: [{ fn: 'code-table' }] },
        c: { from: 'x', transforms: [{ fn: 'date', format: 'DD/MM/YYYY' }] },
        d: { transforms: [{ fn: 'pick-by-key', columns: { husband_id: 'wife_name', spouse_id: 'x' } }] },
        e: { from: 'x', transforms: [{ fn: 'slice', start: 5, end: 2 }, { fn: 'trim', extra: 1 }] },
        f: { from: 'x', transforms: [{ fn: 'concat', columns: ['a', 'b;c'] }] },
      },
    }),
    [
      'fields.a.transforms[0].fn: must be one of trim, upper, lower, code-table, division-name, date, datetime, number, slice, concat, constant, default, pick-by-key (got "soundex")',
      'fields.b.transforms[0]: needs exactly one of table (gb2261-sex, gb3304-ethnicity) or map',
      'fields.c.transforms[0].format: must be one of "auto", "YYYYMMDD", "YYYY-MM-DD", "YYYY/MM/DD", "YYYY.MM.DD", "YYYY年MM月DD日" (got "DD/MM/YYYY")',
      'fields.d.transforms[0].columns.spouse_id: "spouse_id" is not one of the key columns (husband_id, wife_id)',
      'fields.e.transforms[0].end: must be greater than start',
      'fields.e.transforms[1].extra: unknown setting (check the spelling)',
      'fields.f.transforms[0].columns[1]: "b;c" is not a plain column name (letters, digits, _)',
      'latestBy: is a key column; take the latest by a date or sequence column',
    ],
  );
  // connections: named ones must exist; a URL must not carry a password
  assert.deepEqual(p({ ...sqlOk, connection: 'hukou' }, { connections: ['registries'] }), ['connection: no connection named "hukou" in the node configuration (known: registries)']);
  assert.deepEqual(p({ ...sqlOk, connection: 'postgres://u:pw@db/x' }), ['connection: holds a password: use a named connection (adapters.connections in the node config, with urlFromEnv) or PGPASSWORD']);
  assert.deepEqual(p({ ...sqlOk, connection: 'mysql://db/x' }), ['connection: must be a connection name (lower-case letters, digits, - and _) or a sqlite:/postgres:// URL']);
  // the resource's fields
  assert.deepEqual(p(sqlOk, { fields: [{ name: 'name' }, { name: 'sex' }] }), ['fields.sex: the resource has a field "sex" but the adapter does not map it']);
  assert.deepEqual(p({ ...sqlOk, fields: { name: 'name', extra: 'x' } }, { fields: [{ name: 'name' }] }), ['fields.extra: the resource has no field "extra"']);

  // http: credentials never in the text, {subject} somewhere
  assert.deepEqual(
    p({ kind: 'http', url: 'https://user:pw@api.example.cn/p?access_token=abc', method: 'GET', body: { q: 1 }, headers: { Authorization: 'Bearer abc', Host: 'x' }, fields: { name: 'data.name', x: 'items[0', y: { transforms: [{ fn: 'pick-by-key', columns: { a: 'b' } }] } } }),
    [
      'fields.x: "items[0" is not a simple JSON path such as data.person.name or items[0].code',
      'fields.y.transforms[0]: pick-by-key needs key columns; an http adapter has none',
      'url: holds credentials: put them in a header from an environment variable ({ env: NAME })',
      'url: carries a credential in its query: send it in a header from an environment variable',
      'url: must contain {subject} (or the POST body must)',
      'body: a body needs method POST',
      'headers.Authorization: looks like a credential: name an environment variable instead ({ env: NAME, prefix: "Bearer " })',
      'headers.Host: is set by the adapter',
    ],
  );
  assert.deepEqual(p({ kind: 'http', url: 'https://api.example.cn/p/{id}', fields: { n: 'n' } }), ['url: must contain {subject} (or the POST body must)', 'url: the only placeholder is {subject}']);
  assert.deepEqual(p({ kind: 'http', url: 'https://api.example.cn/p', method: 'POST', body: { sfzh: '{subject}' }, timeoutMs: 500_000, fields: { n: 'n' } }), [
    'timeoutMs: must be <= 120000 (got 500000)',
  ]);
  // csv
  assert.deepEqual(p({ kind: 'csv', path: 'a.csv', directory: 'd', header: false, keys: ['id'], fields: { n: '姓名' } }), [
    'path: needs exactly one of path (a file) or directory (+ pattern)',
    'columns: without a header line, name the columns',
  ]);
  assert.deepEqual(p({ kind: 'csv', path: 'a.csv', keys: ['身份证号'], fields: { name: '姓 名' }, encoding: 'big5' }), ['encoding: must be one of "utf-8", "gbk", "gb18030" (got "big5")']);
});

test('createAdapter refuses a bad configuration with every problem; the host never throws and the adapter says why', async () => {
  assert.throws(() => createAdapter({ ...sqlOk, table: 'a b', keys: [] }), (e) => {
    assert.ok(e instanceof TongbanError && e.code === 'E_INVALID_CONFIG');
    assert.equal(e.detail, 'adapter: table: has the wrong format (got "a b"); keys: must NOT have fewer than 1 items');
    return true;
  });
  const host = new AdapterHost({ connections: {} });
  const a = host.create('dept.hukou', { ...sqlOk, connection: 'hukou' }, { label: '人口库' });
  await assert.rejects(a.fetch('1', ['name']), (e) => e instanceof TongbanError && e.code === 'E_SOURCE_UNAVAILABLE' && /人口库: the adapter configuration cannot be used \(adapter: connection: no connection named "hukou"/.test(e.detail ?? ''));
  assert.equal(host.health()['dept.hukou']!.status, 'down');
  assert.match(host.health()['dept.hukou']!.lastError ?? '', /no connection named "hukou"/);
  await host.close();
});

test('dates and times from department formats', () => {
  for (const s of ['19900101', '1990-01-01', '1990/01/01', '1990.01.01', '1990年1月1日', '1990-1-1', '1990-01-01 08:30:00', '1990/01/01T08:30', '19900101083000', ' 1990-01-01 ']) {
    assert.equal(normaliseDate(s), '1990-01-01', s);
  }
  for (const s of ['1990-02-30', '19901301', '1990-01/01', '01/01/1990', '1990-01', 'yesterday', '', '1990-01-01 25:00']) assert.equal(normaliseDate(s), undefined, s);
  assert.equal(normaliseDate('1990/01/01', 'YYYY-MM-DD'), undefined, 'an explicit format is strict');
  assert.equal(toUtcIso('2024-03-05 14:30:00'), '2024-03-05T06:30:00.000Z');
  assert.equal(toUtcIso('2024-03-05'), '2024-03-04T16:00:00.000Z');
  assert.equal(toUtcIso('20240305143000'), '2024-03-05T06:30:00.000Z');
  assert.equal(toUtcIso('2024-03-05T14:30:00Z'), '2024-03-05T14:30:00.000Z');
  assert.equal(toUtcIso('2024-03-05T14:30:00.250+09:00'), '2024-03-05T05:30:00.250Z');
  assert.equal(toUtcIso('2024-03'), '2024-02-29T16:00:00.000Z');
  assert.equal(toUtcIso(new Date('2024-01-01T00:00:00Z')), '2024-01-01T00:00:00.000Z');
  assert.equal(toUtcIso('2024-02-30 10:00'), undefined);
});

test('transforms: the closed list, each with its flag when a value does not fit', () => {
  const row = { sex: '2', eth: '97', div: '110105', name: '\u3000 张三 ', id: 'abc123x', csv: '1,234.5', empty: '', a: '上海市', b: null, c: '浦东新区', grade: 'B', husband: 'H', wife: 'W', wname: '李四', hname: '张三' };
  const m = new CompiledMapping(
    {
      sex: { from: 'sex', transforms: [{ fn: 'code-table', table: 'gb2261-sex' }] },
      eth: { from: 'eth', transforms: [{ fn: 'code-table', table: 'gb3304-ethnicity' }] },
      div: { from: 'div', transforms: [{ fn: 'division-name' }] },
      name: { from: 'name', transforms: [{ fn: 'trim' }] },
      up: { from: 'id', transforms: [{ fn: 'upper' }] },
      low: { from: 'grade', transforms: [{ fn: 'lower' }] },
      num: { from: 'csv', transforms: [{ fn: 'number' }] },
      dflt: { from: 'empty', transforms: [{ fn: 'default', value: '无' }] },
      addr: { transforms: [{ fn: 'concat', columns: ['a', 'b', 'c'], separator: ' ' }] },
      k: { transforms: [{ fn: 'constant', value: 42 }] },
      grade: { from: 'grade', transforms: [{ fn: 'code-table', map: { A: '优', B: '良' } }] },
      gradeNull: { from: 'sex', transforms: [{ fn: 'code-table', map: { A: '优' }, unknown: 'null' }] },
      gradeKeep: { from: 'sex', transforms: [{ fn: 'code-table', map: { A: '优' }, unknown: 'keep' }] },
      part: { from: 'id', transforms: [{ fn: 'slice', start: 3 }] },
      spouse: { transforms: [{ fn: 'pick-by-key', columns: { husband: 'wname', wife: 'hname' } }] },
      badNum: { from: 'name', transforms: [{ fn: 'trim' }, { fn: 'number' }, { fn: 'upper' }] },
      badDiv: { from: 'grade', transforms: [{ fn: 'division-name' }] },
      when: { from: 'name', transforms: [{ fn: 'datetime' }] },
    },
    undefined,
  );
  const view = { get: (k: string) => (row as Record<string, unknown>)[k], matchedKey: 'wife' };
  const { values, quality } = m.read(view, 'W', m.names());
  assert.deepEqual(values, {
    sex: '女', eth: '其他未识别民族', div: '北京市朝阳区', name: '张三', up: 'ABC123X', low: 'b', num: 1234.5, dflt: '无', addr: '上海市 浦东新区', k: 42,
    grade: '良', gradeNull: null, gradeKeep: '2', part: '123x', spouse: '张三', badNum: '张三', badDiv: 'B', when: '\u3000 张三 ',
  });
  assert.deepEqual(quality, ['badNum: not a number ("张三")', 'badDiv: not a GB/T 2260 division code ("B")', 'when: not a valid time ("\u3000 张三 ")']);
});

test('checks against data elements: identifiers, divisions, dates, code tables (code or name); flags are masked and bounded', () => {
  const id = makeIdNumber('340104', '19900101', 123);
  assert.equal(checkValue('id-number', id), undefined);
  assert.match(checkValue('id-number', `${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`) ?? '', /^not a valid GB 11643 ID number \(the check digit does not match\)$/);
  assert.equal(checkValue('uscc', makeUscc('91', '340104', 'MA2N3K4L')), undefined);
  assert.match(checkValue('uscc', '91340104MA2N3K4L5X') ?? '', /^not a valid GB 32100 credit code/);
  assert.match(checkValue('org-code', '12345678-0') ?? '', /^not a valid GB 11714/);
  assert.equal(checkValue('division', '340104'), undefined);
  assert.match(checkValue('division', '340199') ?? '', /not a GB\/T 2260 division/);
  assert.equal(checkValue('date', '2024-02-29'), undefined);
  assert.equal(checkValue('date', '2023-02-29'), 'not a valid date ("2023-02-29")');
  assert.equal(checkValue('date', '20240229'), 'not a valid date ("20240229")', 'a date element holds YYYY-MM-DD: add a date transform');
  for (const v of ['1', '男', '9']) assert.equal(checkValue('sex-code', v), undefined);
  assert.equal(checkValue('sex-code', 'M'), 'not a GB/T 2261.1 sex code ("M")');
  for (const v of ['01', '汉族', '98']) assert.equal(checkValue('ethnic-code', v), undefined);
  assert.equal(checkValue('ethnic-code', '汉'), 'not a GB/T 3304 ethnic group ("汉")');
  assert.match(checkValue('certificate-id', '1.2.156.3005.2.x') ?? '', /^not a valid e-certificate identifier/);

  // a flag quoting an ID number masks it; flags stay within the envelope's limits
  const m = new CompiledMapping({ spouse: 'sp', note: 'n' }, undefined, { fields: [{ name: 'spouse', element: 'TB.MARRIAGE.SPOUSE_ID' }, { name: 'note', element: 'TB.PERSON.BIRTH_DATE' }] });
  const bad = `${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`;
  const r = m.read({ get: (k) => (k === 'sp' ? bad : 'x'.repeat(500)) }, 'S', ['spouse', 'note']);
  assert.ok(!r.quality[0]!.includes(bad) && r.quality[0]!.startsWith('spouse: not a valid GB 11643 ID number'), r.quality[0]);
  assert.ok(r.quality.every((q) => q.length <= 200));
  const many = capFlags(Array.from({ length: 70 }, (_, i) => `f${i}: x`));
  assert.equal(many.length, 64);
  assert.equal(many[63], '… and 7 more quality problems');
});

test('node config: adapters.connections (url or urlFromEnv) and fileRoots; mistakes named', () => {
  const base = { role: 'node', region: { code: '340000', name: '安徽' }, hub: { url: 'http://h' }, database: 'sqlite:./n.db', registries: 'sqlite:./r.db' };
  const cfg = configFromObject({ ...base, adapters: { connections: { hukou: { url: 'sqlite:./hukou.db' }, social: { urlFromEnv: 'SOCIAL_DB_URL' } }, fileRoots: ['drops'] } }, { baseDir: '/srv/node', role: 'node', source: 'node.yaml' });
  assert.deepEqual(cfg.adapters, { connections: { hukou: { url: 'sqlite:/srv/node/hukou.db' }, social: { urlFromEnv: 'SOCIAL_DB_URL' } }, fileRoots: ['/srv/node/drops'], sources: {} });
  assert.deepEqual(configFromObject(base, { baseDir: '/srv/node', role: 'node', source: 'node.yaml' }).adapters, { connections: {}, fileRoots: [], sources: {} });
  const source = { kind: 'sql', connection: 'hukou', table: 'person', keys: ['sfzh'], fields: { name: 'xm' } };
  assert.deepEqual(configFromObject({ ...base, adapters: { connections: { hukou: { url: 'sqlite:./hukou.db' } }, sources: { 'hukou.people': source } } }, { baseDir: '/srv/node', role: 'node', source: 'node.yaml' }).adapters.sources, { 'hukou.people': source });
  assert.throws(
    () => configFromObject({ ...base, adapters: { sources: { 'hukou.people': { ...source, connection: 'nowhere', timeoutMs: 'soon' } } } }, { baseDir: '/', role: 'node', source: 'node.yaml' }),
    (e: unknown) => {
      const m = (e as Error).message + ((e as { detail?: string }).detail ?? '');
      assert.match(m, /adapters\.sources\.hukou\.people\./);
      assert.match(m, /nowhere/);
      return true;
    },
  );
  assert.throws(
    () => configFromObject({ ...base, adapters: { connections: { registries: { url: 'sqlite:x' }, bad: { url: 'postgres://[' } } } }, { baseDir: '/', role: 'node', source: 'node.yaml' }),
    /adapters\.connections\.registries: the name is taken by the registries setting; adapters\.connections\.bad\.url: not a valid postgres:\/\/ URL/,
  );
  assert.throws(() => configFromObject({ ...base, adapters: { connections: { x: { url: 'sqlite:a', password: 'p' } } } }, { baseDir: '/', role: 'node', source: 'node.yaml' }), /E_INVALID_CONFIG/);
});
