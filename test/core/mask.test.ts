// Personal data in free text (log lines, error details) is masked wherever it stands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskIdNumber, maskName, maskPersonalData } from '../../src/core/mask.js';

const ID = '110101199003074518';
const MASKED = '1101**********4518';

test('maskPersonalData: an ID number is masked whatever stands before or after it', () => {
  const cases: Array<[string, string]> = [
    [ID, MASKED],
    [`身份证:${ID}`, `身份证:${MASKED}`],
    // percent-encoded URLs, as the request log sees them: a hex digit or letter stands before the ID
    [`/api/directory/search?q=%E8%AF%81%3A${ID}`, `/api/directory/search?q=%E8%AF%81%3A${MASKED}`],
    [`q=%B8%89${ID}&page=2`, `q=%B8%89${MASKED}&page=2`],
    [`q=ID%20${ID}`, `q=ID%20${MASKED}`],
    [`ID${ID}`, `ID${MASKED}`],
    [`x_${ID}_y`, `x_${MASKED}_y`],
    ['11010119900307451X', '1101**********451X'],
    [`${ID}abc`, `${MASKED}abc`],
    [`two: ${ID},${ID.slice(0, 17)}9`, `two: ${MASKED},1101**********4519`],
    ['call 13812345678 now', 'call 138****5678 now'],
    ['tel=13812345678&x', 'tel=138****5678&x'],
  ];
  for (const [input, expected] of cases) assert.equal(maskPersonalData(input), expected, input);
});

test('maskPersonalData: longer digit runs are not taken for an ID number or a phone number', () => {
  for (const s of ['order 1101011990030745181', 'seq 12345678901234567890', 'n=213812345678']) assert.equal(maskPersonalData(s), s);
});

test('maskPersonalData: digits inside a digest or key id (32+ hex characters) are not personal data', () => {
  const digest = `ab${ID}cdef0123456789abcdef0123456789abcdef0123456789ab`; // 70 hex characters holding ID-like digits
  const withPhone = `9f${'e'.repeat(10)}13812345678${'c'.repeat(20)}`; // a phone-like run inside 43 hex characters
  for (const s of [digest, `sha256:${digest}`, withPhone, `keyId sm2-sm3:${withPhone.slice(0, 32)}`]) assert.equal(maskPersonalData(s), s, s);
  // shorter hex runs around an ID are still masked: a percent escape, a word before it
  assert.equal(maskPersonalData(`%3A${ID}`), `%3A${MASKED}`);
  assert.equal(maskPersonalData(`abcdef${ID}abcd`), `abcdef${MASKED}abcd`);
});

test('maskIdNumber and maskName keep what DESIGN.md shows', () => {
  assert.equal(maskIdNumber(ID), MASKED);
  assert.equal(maskIdNumber('123'), '***');
  assert.equal(maskName('张三丰'), '张**');
  assert.equal(maskName('李'), '*');
});
