// The CSV reader and the 实施清单 row mapping (pure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../src/catalog/csv.js';
import { parseItemsCsv, parseMaterials, formatImportProblem } from '../../src/catalog/import.js';

test('CSV: quoted fields with commas, doubled quotes and line breaks; CRLF; BOM; records keep their first line', () => {
  const text = '\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",z\n\n3,,"end"';
  const r = parseCsv(text);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.records, [
    { line: 1, cells: ['a', 'b', 'c'] },
    { line: 2, cells: ['1', 'x, y', 'say "hi"'] },
    { line: 3, cells: ['2', 'two\nlines', 'z'] },
    { line: 6, cells: ['3', '', 'end'] },
  ]);
  assert.deepEqual(parseCsv('a,b\n').records, [{ line: 1, cells: ['a', 'b'] }]);
  assert.deepEqual(parseCsv('a,"b"\n"",c,').records, [{ line: 1, cells: ['a', 'b'] }, { line: 2, cells: ['', 'c', ''] }]);
  // a quote inside an unquoted field is text
  assert.deepEqual(parseCsv('他说"好",x').records[0]!.cells, ['他说"好"', 'x']);
});

test('CSV: an unterminated quote names the line it starts on; text after a closing quote is reported', () => {
  const r = parseCsv('a,b\n1,"open\n2,3\n');
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.line, 2);
  assert.match(r.problems[0]!.message, /line 2: a quoted field is never closed/);
  const junk = parseCsv('a,b\n"x"y,2\n');
  assert.match(junk.problems[0]!.message, /^line 2: text after a closing quote/);
});

test('materials cell: names, optional ones, resources with fields, other regions, certificates; a bad spec is named', () => {
  const { materials, problems } = parseMaterials('居民身份证=resource:hukou.person(name,birthDate)\n结婚证=resource:340000:marriage.record；房产证明(选填)；资格证书=certificate:11100000000013338W032');
  assert.deepEqual(problems, []);
  assert.deepEqual(materials, [
    { name: '居民身份证', required: true, satisfiedBy: { kind: 'resource', resource: 'hukou.person', fields: ['name', 'birthDate'] } },
    { name: '结婚证', required: true, satisfiedBy: { kind: 'resource', resource: '340000:marriage.record' } },
    { name: '房产证明', required: false, satisfiedBy: null },
    { name: '资格证书', required: true, satisfiedBy: { kind: 'certificate', certificateType: '11100000000013338W032' } },
  ]);
  const bad = parseMaterials('a; b=somewhere');
  assert.equal(bad.materials.length, 1);
  assert.match(bad.problems[0]!.message, /^material 2 \(b\): after "=" write resource:ID/);
});

test('item rows: Chinese or English headers, modes by name, "5个工作日"; unknown and missing columns refused', () => {
  const csv = '实施编码,事项名称,实施部门,通办模式,时限,申请材料\nSH-1,失业登记,上海市人社局,"全程网办、异地代收代办",5个工作日,身份证明=resource:hukou.person\n';
  const r = parseItemsCsv(csv, 'list.csv');
  assert.deepEqual(r.problems, []);
  assert.equal(r.rows.length, 1);
  assert.equal(r.rows[0]!.line, 2);
  assert.deepEqual(r.rows[0]!.input.modes, ['online', 'proxy']);
  assert.equal(r.rows[0]!.input.timeLimitDays, 5);
  assert.deepEqual(r.rows[0]!.input.origin, { kind: 'regional', source: 'list.csv' });
  assert.equal(r.rows[0]!.columnOf('timeLimitDays'), '时限');
  assert.equal(r.rows[0]!.columnOf('materials[0].satisfiedBy.resource'), '申请材料');

  const en = parseItemsCsv('code,name,department,modes,timeLimitDays\nX1,n,d,online,3\n', 'x');
  assert.deepEqual(en.problems, []);
  assert.equal(en.rows[0]!.columnOf('timeLimitDays'), 'timeLimitDays');

  const bad = parseItemsCsv('实施编码,事项名称,颜色\nA,b,c\n', 'x');
  const msgs = bad.problems.map((p) => formatImportProblem(p).en);
  assert.deepEqual(msgs, [
    'line 1, column 颜色: unknown column; the columns are 实施编码, 基本编码, 事项名称, 实施部门, 通办模式, 时限, 设定依据, 受理条件, 办理流程, 收费标准, 咨询方式, 办理地点, 申请材料, 来源',
    'line 1, column 实施部门: required column is missing from the header',
    'line 1, column 通办模式: required column is missing from the header',
    'line 1, column 时限: required column is missing from the header',
  ]);
  const ragged = parseItemsCsv('code,name,department,modes,timeLimitDays\nX1,n,d,online\n', 'x');
  assert.equal(formatImportProblem(ragged.problems[0]!).en, 'line 2: has 4 columns, the header has 5 (a field with a comma or line break must be in double quotes)');
});
