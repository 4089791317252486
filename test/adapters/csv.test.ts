// csv adapters over files in a temp directory: RFC 4180 parsing (quoted delimiters, quotes and line
// breaks), broken lines named by number and skipped (the subject on one is told so), a replaced file
// reloaded, the newest file of a drop directory, GBK, file roots, and a missing file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, renameSync, utimesSync, unlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdapter, parseCsv, type AdapterConfig, type CsvAdapterConfig } from '../../src/adapters/index.js';
import { makeIdNumber } from '../../src/core/ids/index.js';
import { TongbanError } from '../../src/core/errors.js';

const isCode = (code: string, detail?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof TongbanError, `not a TongbanError: ${e}`);
  assert.equal(e.code, code, e.message);
  if (detail) assert.match(e.detail ?? '', detail);
  return true;
};

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-csv-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

test('parseCsv: quoted fields with delimiters, quotes and line breaks; CRLF; BOM; blank lines; each record names its first line', () => {
  const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"line one\nline two",z\n3,,\n4,"q"tail,w\n"5,unterminated\n6,ok,ok';
  assert.deepEqual(parseCsv(text), [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
    { line: 4, fields: ['2', 'line one\nline two', 'z'] },
    { line: 6, fields: ['3', '', ''] },
    { line: 7, fields: ['4', 'qtail', 'w'], problem: 'text after a closing quote in field 2' },
    { line: 8, fields: [], problem: 'unterminated quoted field (the quote opens on line 8)' },
    { line: 9, fields: ['6', 'ok', 'ok'] },
  ]);
  assert.deepEqual(parseCsv('a\tb\n"1\t2"\t3', '\t'), [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['1\t2', '3'] }]);
  assert.deepEqual(parseCsv('x;y;\n'), [{ line: 1, fields: ['x;y;'] }]);
  assert.deepEqual(parseCsv('x,y,'), [{ line: 1, fields: ['x', 'y', ''] }]);
});

const A = makeIdNumber('340104', '19900101', 123);
const B = makeIdNumber('340104', '19851231', 456);
const C = makeIdNumber('340111', '19700707', 789);
const E = makeIdNumber('340111', '19600606', 321);

const fields = [
  { name: 'name', element: 'TB.PERSON.NAME' }, { name: 'sex', element: 'TB.PERSON.SEX' }, { name: 'birthDate', element: 'TB.PERSON.BIRTH_DATE' },
  { name: 'address', element: 'TB.PERSON.ADDRESS' }, { name: 'remark' },
];
const cfg = (over: Partial<CsvAdapterConfig>): AdapterConfig => ({
  kind: 'csv',
  keys: ['身份证号'],
  fields: {
    name: '姓名',
    sex: { from: '性别', transforms: [{ fn: 'code-table', table: 'gb2261-sex' }] },
    birthDate: { from: '出生日期', transforms: [{ fn: 'date' }] },
    address: '地址',
    remark: '备注',
  },
  dataTime: '更新时间',
  reloadCheckMs: 0,
  ...over,
});
const all = fields.map((f) => f.name);

const FILE = [
  '身份证号,姓名,性别,出生日期,地址,备注,更新时间',
  `${A},张三,1,1990/01/01,"合肥市,蜀山区`,
  `长江西路1号",,2024-03-05 14:30`,
  `${B},李四,2,19851231,"他说""你好""",,20240101`,
  `${C},王五,1`,
  `${E},赵六,2,2023-02-30,芜湖市,,2024-01-01`,
  `,无名,1,1999-01-01,x,,2024-01-01`,
  `"${'9'.repeat(18)},unterminated`,
  `${makeIdNumber('340111', '19800808', 111)},孙七,9,1980-08-08,x,,2024-01-01`,
].join('\n');

test('csv: records from a file, broken lines named and skipped, a subject on a broken line told so, bad values flagged', async () => {
  using t = tempDir();
  writeFileSync(join(t.dir, 'hukou.csv'), FILE);
  const a = createAdapter(cfg({ path: 'hukou.csv' }), { fields, baseDir: t.dir, label: '户籍导出' });
  try {
    const ra = await a.fetch(A, all);
    assert.deepEqual(ra.values, { name: '张三', sex: '男', birthDate: '1990-01-01', address: '合肥市,蜀山区\n长江西路1号', remark: '' });
    assert.deepEqual(ra.quality, []);
    assert.equal(ra.dataTime, '2024-03-05T06:30:00.000Z');
    const rb = await a.fetch(B, ['name', 'address', 'birthDate']);
    assert.deepEqual(rb.values, { name: '李四', address: '他说"你好"', birthDate: '1985-12-31' });

    // C's line has 3 fields: skipped from the index, and C is not "not found"
    await assert.rejects(a.fetch(C, ['name']), isCode('E_SOURCE_UNAVAILABLE', /户籍导出: the subject's line 5 in hukou\.csv is broken \(3 fields, expected 7\)/));
    const re = await a.fetch(E, ['name', 'birthDate']);
    assert.deepEqual(re.quality, ['birthDate: not a valid date ("2023-02-30")']);
    await assert.rejects(a.fetch(makeIdNumber('340111', '20000101', 999), ['name']), isCode('E_SUBJECT_NOT_FOUND'));

    const h = a.health();
    assert.equal(h.kind, 'csv');
    assert.equal(h.status, 'degraded');
    assert.deepEqual(h.quality, [
      'hukou.csv line 5: 3 fields, expected 7',
      'hukou.csv line 7: the key (身份证号) is empty',
      'hukou.csv line 8: unterminated quoted field (the quote opens on line 8)',
    ]);
    assert.equal(h.source.rows, 4);
    assert.equal(h.source.brokenLines, 3);
    assert.equal(h.source.file, 'hukou.csv');
  } finally {
    await a.close();
  }
});

test('csv: a replaced file is reloaded; a removed one makes the source unavailable; a new one brings it back', async () => {
  using t = tempDir();
  const file = join(t.dir, 'hukou.csv');
  writeFileSync(file, `身份证号,姓名,性别,出生日期,地址,备注,更新时间\n${A},张三,1,1990-01-01,旧址,,2024-01-01\n`);
  let now = 1_000_000;
  const a = createAdapter(cfg({ path: file, reloadCheckMs: 5000 }), { fields, baseDir: t.dir, clock: () => now });
  try {
    assert.equal((await a.fetch(A, ['address'])).values.address, '旧址');
    // replaced atomically (write + rename), as a department's export job would
    writeFileSync(`${file}.tmp`, `身份证号,姓名,性别,出生日期,地址,备注,更新时间\n${A},张三,1,1990-01-01,新址,,2024-06-01\n${B},李四,2,1985-12-31,x,,2024-06-01\n`);
    renameSync(`${file}.tmp`, file);
    assert.equal((await a.fetch(A, ['address'])).values.address, '旧址', 'not looked at again within reloadCheckMs');
    now += 5000;
    const r = await a.fetch(A, ['address']);
    assert.equal(r.values.address, '新址');
    assert.equal(r.dataTime, '2024-05-31T16:00:00.000Z');
    assert.equal((await a.fetch(B, ['name'])).values.name, '李四');
    assert.equal(a.health().source.rows, 2);
    assert.equal(a.health().status, 'ok');

    unlinkSync(file);
    now += 5000;
    await assert.rejects(a.fetch(A, ['name']), isCode('E_SOURCE_UNAVAILABLE', /hukou\.csv cannot be read \(ENOENT\)/));
    assert.equal(a.health().status, 'down');
    writeFileSync(file, `身份证号,姓名,性别,出生日期,地址,备注,更新时间\n${A},张三,1,1990-01-01,回来了,,2024-07-01\n`);
    assert.equal((await a.fetch(A, ['address'])).values.address, '回来了', 'a failed check is retried on the next read');
  } finally {
    await a.close();
  }
});

test('csv: a file still being copied into a drop directory is not read until it has stopped changing', async () => {
  using t = tempDir();
  const dir = join(t.dir, 'drop');
  mkdirSync(dir);
  const head = '身份证号,姓名,性别,出生日期,地址,备注,更新时间\n';
  const a = createAdapter(cfg({ directory: dir, pattern: 'hukou_*.csv', reloadCheckMs: 0 }), { fields, baseDir: t.dir });
  try {
    // the first export is half copied: nothing to serve yet, and the error says why
    writeFileSync(join(dir, 'hukou_1.csv'), `${head}${A},张三,1,1990-01-01,旧址`);
    await assert.rejects(a.fetch(A, ['name']), isCode('E_SOURCE_UNAVAILABLE', /hukou_1\.csv is still being written \(changed 0 s ago; read once unchanged for 10 s\)/));
    // complete, and left alone for the settle time (its time set back, as the clock would have moved on)
    writeFileSync(join(dir, 'hukou_1.csv'), `${head}${A},张三,1,1990-01-01,旧址,,2024-01-01\n${B},李四,2,1985-12-31,x,,2024-01-01\n`);
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'hukou_1.csv'), minuteAgo, minuteAgo);
    assert.equal((await a.fetch(A, ['address'])).values.address, '旧址');

    // the next export arrives truncated mid-copy (B's line not there yet): the complete one is still served
    writeFileSync(join(dir, 'hukou_2.csv'), `${head}${A},张三,1,1990-01-01,新址,,2024-06-01\n`);
    assert.equal((await a.fetch(A, ['address'])).values.address, '旧址');
    assert.equal((await a.fetch(B, ['name'])).values.name, '李四', 'not "not found" because of a half-copied file');
    assert.equal(a.health().source.file, 'hukou_1.csv');
    assert.equal(a.health().source.settling, 'hukou_2.csv');
    // copied and settled: it takes over
    writeFileSync(join(dir, 'hukou_2.csv'), `${head}${A},张三,1,1990-01-01,新址,,2024-06-01\n${B},李四,2,1985-12-31,y,,2024-06-01\n`);
    const now = new Date(Date.now() - 30_000);
    utimesSync(join(dir, 'hukou_2.csv'), now, now);
    assert.equal((await a.fetch(B, ['address'])).values.address, 'y');
    assert.equal(a.health().source.file, 'hukou_2.csv');
    assert.equal(a.health().source.settling, undefined);
  } finally {
    await a.close();
  }
  // settleSeconds: 0 reads whatever is there (for drops that are written elsewhere and moved in)
  const eager = createAdapter(cfg({ directory: dir, pattern: 'hukou_*.csv', settleSeconds: 0 }), { fields, baseDir: t.dir });
  writeFileSync(join(dir, 'hukou_3.csv'), `${head}${A},张三,1,1990-01-01,刚放入,,2024-07-01\n`);
  assert.equal((await eager.fetch(A, ['address'])).values.address, '刚放入');
  await eager.close();
});

test('csv: a missing file, a file without the key column, a file outside the allowed roots are E_SOURCE_UNAVAILABLE', async () => {
  using t = tempDir();
  const missing = createAdapter(cfg({ path: 'nope.csv' }), { fields, baseDir: t.dir });
  await assert.rejects(missing.fetch(A, ['name']), isCode('E_SOURCE_UNAVAILABLE', /nope\.csv cannot be read \(ENOENT\)/));
  assert.equal(missing.health().status, 'down');

  writeFileSync(join(t.dir, 'nokey.csv'), '证件号码,姓名\n1,张三\n');
  const nokey = createAdapter(cfg({ path: 'nokey.csv' }), { fields, baseDir: t.dir });
  await assert.rejects(nokey.fetch(A, ['name']), isCode('E_SOURCE_UNAVAILABLE', /nokey\.csv has no column 身份证号 \(key\)/));

  mkdirSync(join(t.dir, 'allowed'));
  writeFileSync(join(t.dir, 'outside.csv'), `身份证号,姓名\n${A},张三\n`);
  const outside = createAdapter(cfg({ path: '../outside.csv' }), { fields, baseDir: join(t.dir, 'allowed'), fileRoots: [join(t.dir, 'allowed')] });
  await assert.rejects(outside.fetch(A, ['name']), isCode('E_SOURCE_UNAVAILABLE', /outside the directories adapters may read/));

  // mapped columns the file lacks are flags, not failures
  writeFileSync(join(t.dir, 'allowed', 'short.csv'), `身份证号,姓名\n${A},张三\n`);
  const short = createAdapter(cfg({ path: 'short.csv', dataTime: undefined }), { fields, baseDir: join(t.dir, 'allowed'), fileRoots: [join(t.dir, 'allowed')] });
  const r = await short.fetch(A, ['name', 'sex']);
  assert.deepEqual(r.values, { name: '张三', sex: null });
  assert.deepEqual(r.quality, ['sex: column 性别 is not in short.csv']);
  assert.ok(Math.abs(Date.parse(r.dataTime) - Date.now()) < 60_000, 'without a mapped time, the file time');
  assert.equal(short.health().status, 'degraded');
});

test('csv: the newest file of a drop directory wins; GBK; tab-separated without a header; several lines per key', async () => {
  using t = tempDir();
  const dir = join(t.dir, 'drop');
  mkdirSync(dir);
  // GBK bytes for 身份证号,姓名 / A,张三 (TextDecoder reads GBK; Node has no GBK encoder, so the bytes are spelled out)
  const gbk = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
  const header = Buffer.concat([gbk('c9ed b7dd d6a4 bac5'), Buffer.from(','), gbk('d0d5 c3fb'), Buffer.from('\n')]);
  writeFileSync(join(dir, 'hukou_20240101.csv'), Buffer.concat([header, Buffer.from(`${A},`), gbk('d5c5 c8fd'), Buffer.from('\n')]));
  writeFileSync(join(dir, 'hukou_20240201.csv'), Buffer.concat([header, Buffer.from(`${A},`), gbk('c0ee cbc4'), Buffer.from('\n')]));
  writeFileSync(join(dir, 'other.csv'), 'x');
  utimesSync(join(dir, 'hukou_20240101.csv'), new Date('2024-01-01'), new Date('2024-01-01'));
  utimesSync(join(dir, 'hukou_20240201.csv'), new Date('2024-02-01'), new Date('2024-02-01'));
  const a = createAdapter(
    { kind: 'csv', directory: dir, pattern: 'hukou_*.csv', encoding: 'gbk', keys: ['身份证号'], fields: { name: '姓名' }, reloadCheckMs: 0 },
    { baseDir: t.dir },
  );
  const r = await a.fetch(A, ['name']);
  assert.equal(r.values.name, '李四');
  assert.equal(r.dataTime, '2024-02-01T00:00:00.000Z');
  assert.equal(a.health().source.file, 'hukou_20240201.csv');
  utimesSync(join(dir, 'hukou_20240101.csv'), new Date('2024-03-01'), new Date('2024-03-01'));
  assert.equal((await a.fetch(A, ['name'])).values.name, '张三', 'a touched older file is now the newest');

  // bytes that are not GBK name their line
  writeFileSync(join(dir, 'hukou_20240401.csv'), Buffer.concat([header, Buffer.from(`${B},`), Buffer.from([0x81, 0x7f]), Buffer.from('\n')]));
  utimesSync(join(dir, 'hukou_20240401.csv'), new Date('2024-04-01'), new Date('2024-04-01'));
  await assert.rejects(a.fetch(B, ['name']), isCode('E_SOURCE_UNAVAILABLE', /line 2 .* is broken \(bytes that are not valid GBK\)/));

  writeFileSync(join(t.dir, 'm.tsv'), `${A}\t2020-01-01\t旧\n${A}\t2023-05-06\t新\n${B}\t2021-01-01\t乙\n`);
  const tsv: AdapterConfig = { kind: 'csv', path: 'm.tsv', delimiter: '\t', header: false, columns: ['id', 'date', 'v'], keys: ['id'], fields: { v: 'v' }, dataTime: 'date' };
  const ambiguous = createAdapter(tsv, { baseDir: t.dir });
  await assert.rejects(ambiguous.fetch(A, ['v']), isCode('E_AMBIGUOUS_SUBJECT', /2 lines of m\.tsv/));
  const latest = createAdapter({ ...tsv, latestBy: 'date' } as AdapterConfig, { baseDir: t.dir });
  const rl = await latest.fetch(A, ['v']);
  assert.equal(rl.values.v, '新');
  assert.equal(rl.dataTime, '2023-05-05T16:00:00.000Z');
});
