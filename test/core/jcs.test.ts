import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalize } from '../../src/core/jcs.js';

test('RFC 8785 §3.2.2 example: numbers, literals and string escapes', () => {
  const input = JSON.parse(
    '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
      '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
  );
  assert.equal(
    canonicalize(input),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
  );
});

test('RFC 8785 §3.2.3 sorts keys by UTF-16 code units', () => {
  const input = {
    '\u20ac': 'Euro Sign',
    '\r': 'Carriage Return',
    '\ufb33': 'Hebrew Letter Dalet With Dagesh',
    '1': 'One',
    '\ud83d\ude00': 'Emoji: Grinning Face',
    '\u0080': 'Control',
    '\u00f6': 'Latin Small Letter O With Diaeresis',
  };
  const keys = Object.keys(JSON.parse(canonicalize(input)) as object);
  // JSON.parse reorders integer-like keys, so compare the canonical text instead
  assert.equal(
    canonicalize(input),
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
  assert.equal(keys.length, 7);
});

test('RFC 8785 number serialisation samples (Appendix B)', () => {
  const cases: Array<[number, string]> = [
    [0, '0'], [-0, '0'], [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'],
    [9007199254740992, '9007199254740992'], [295147905179352830000, '295147905179352830000'],
    [1e21, '1e+21'], [0.000001, '0.000001'], [1e-7, '1e-7'], [-1.5, '-1.5'],
  ];
  for (const [n, s] of cases) assert.equal(canonicalize(n), s);
});

test('JCS rejects what cannot be canonicalised', () => {
  assert.throws(() => canonicalize(NaN));
  assert.throws(() => canonicalize(Infinity));
  assert.throws(() => canonicalize('\ud800'));
  assert.throws(() => canonicalize(() => 1));
  assert.equal(canonicalize({ b: undefined, a: [undefined, 1] }), '{"a":[null,1]}');
  assert.equal(canonicalize({ 中: '文', a: { z: 1, y: [] } }), '{"a":{"y":[],"z":1},"中":"文"}');
});
