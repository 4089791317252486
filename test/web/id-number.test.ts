// The browser's GB 11643 check agrees with the server's (src/core/ids) on valid and broken numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIdNumber, idCheckChar, normaliseIdNumber } from '../../src/web/exchange/idNumber.js';
import { makeIdNumber, validateIdNumber } from '../../src/core/ids/index.js';

test('the UI ID-number check: format, region, birth date, check character; agrees with core/ids', () => {
  assert.deepEqual(checkIdNumber('11010519491231002X'), { ok: true, value: '11010519491231002X', birthDate: '1949-12-31' });
  assert.equal(checkIdNumber('11010519491231002x').ok, true, 'lower-case x accepted');
  assert.equal(normaliseIdNumber(' 3401 0419 9001 0112 34 '), '340104199001011234');
  assert.deepEqual(checkIdNumber(''), { ok: false, problem: 'empty', value: '' });
  assert.equal((checkIdNumber('3401041990') as { problem: string }).problem, 'length');
  assert.equal((checkIdNumber('34010419900101123A') as { problem: string }).problem, 'characters');
  assert.equal((checkIdNumber('99010519491231002X') as { problem: string }).problem, 'region');
  assert.equal((checkIdNumber(makeIdNumber('340104', '19900230', 1).slice(0, 17) + '0') as { problem: string }).problem, 'birthDate');
  assert.equal((checkIdNumber('340104209901011230', new Date('2026-01-01')) as { problem: string }).problem, 'birthDate', 'born in the future');
  const good = makeIdNumber('340104', '19900101', 123);
  const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  const bad = checkIdNumber(wrong);
  assert.deepEqual(bad, { ok: false, problem: 'checkDigit', value: wrong, expected: good[17] });

  // the same verdict as the server on many generated numbers and their one-digit corruptions
  for (let i = 0; i < 300; i++) {
    const id = makeIdNumber(['310104', '340102', '520102', '320106'][i % 4]!, `19${50 + (i % 50)}0${1 + (i % 9)}1${i % 10}`, i + 1);
    assert.equal(checkIdNumber(id).ok, validateIdNumber(id).valid, id);
    assert.equal(idCheckChar(id.slice(0, 17)), id[17]);
    const pos = i % 17;
    const corrupt = id.slice(0, pos) + String((Number(id[pos]) + 1) % 10) + id.slice(pos + 1);
    assert.equal(checkIdNumber(corrupt).ok, validateIdNumber(corrupt).valid, corrupt);
  }
});
