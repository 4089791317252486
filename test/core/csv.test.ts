// The CSV writer behind exports: RFC 4180 quoting, CRLF, a BOM for spreadsheets, and no formulas —
// a cell a spreadsheet would run (=, +, -, @, tab, CR first) is written as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, toCsv } from '../../src/core/csv.js';

test('csvCell quotes what needs quoting and defuses formulas; toCsv writes a BOM, CRLF rows and empty cells for null', () => {
  assert.equal(csvCell('王芳'), '王芳');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(undefined), '');
  assert.equal(csvCell(42), '42');
  assert.equal(csvCell(-3), '-3', 'a number is a number, not a formula');
  assert.equal(csvCell(true), 'true');
  for (const formula of ['=HYPERLINK("http://x","y")', '+cmd', '-2+3', '@SUM(A1)', '\t=1']) {
    const cell = csvCell(formula);
    assert.ok(cell.startsWith("'") || cell.startsWith(`"'`), `${formula} → ${cell}`);
  }
  assert.equal(csvCell('=1,2'), `"'=1,2"`);
  assert.equal(toCsv(['序号', 'name'], [[1, '王芳'], [2, null]]), '\uFEFF序号,name\r\n1,王芳\r\n2,\r\n');
});
