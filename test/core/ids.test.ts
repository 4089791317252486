import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  certificateCheckChar,
  countiesOf,
  idCheckDigit,
  idNumberProblemText,
  isWithin,
  lookupDivision,
  makeCertificateId,
  makeIdNumber,
  makeUscc,
  orgCheckChar,
  prefecturesOf,
  provinceOf,
  provinces,
  usccCheckChar,
  validateCertificateId,
  validateDivisionCode,
  validateIdNumber,
  validateOrgCode,
  validateUscc,
} from '../../src/core/ids/index.js';

const TODAY = new Date('2025-06-01T04:00:00Z');

// ---------------------------------------------------------------- GB 11643 ID numbers

test('GB 11643: the published example 11010519491231002X is valid and parsed', () => {
  const v = validateIdNumber('11010519491231002X', { today: TODAY });
  assert.equal(v.valid, true, v.reason);
  assert.equal(v.reason, undefined);
  assert.equal(v.addressCode, '110105');
  assert.equal(v.provinceCode, '110000');
  assert.equal(v.birthDate, '1949-12-31');
  assert.equal(v.sex, 'F'); // sequence 002 is even
  assert.equal(v.sequence, '002');
  assert.equal(v.division?.fullName, '北京市朝阳区');
  assert.equal(idCheckDigit('11010519491231002'), 'X');
});

test('GB 11643: the standard\'s own example 440524188001010014 has a correct check digit but is outside our rules', () => {
  // The standard illustrates the algorithm with a person born in 1880 in 潮阳县 (440524, abolished):
  // the check digit is right; the birth year is before 1900 and the county no longer exists.
  assert.equal(idCheckDigit('44052418800101001'), '4');
  const v = validateIdNumber('440524188001010014', { today: TODAY });
  assert.equal(v.valid, false);
  assert.equal(v.reason, 'birth date 1880-01-01 is before 1900-01-01');
  assert.equal(v.sex, 'M');
  const moved = validateIdNumber(makeIdNumber('440524', '1980-01-01', 1), { today: TODAY });
  assert.equal(moved.valid, false);
  assert.equal(moved.reason, 'address code 440524 is not a current GB/T 2260 division');
  assert.equal(validateIdNumber(makeIdNumber('440524', '1980-01-01', 1), { today: TODAY, checkAddress: false }).valid, true);
});

test('GB 11643: a wrong check digit is rejected with the expected one named', () => {
  const v = validateIdNumber('110105194912310021', { today: TODAY });
  assert.equal(v.valid, false);
  assert.equal(v.reason, 'check digit is 1, expected X');
  assert.equal(v.reasonZh, '校验码为1,应为X');
  const w = validateIdNumber('11010519491231002Y', { today: TODAY });
  assert.equal(w.valid, false);
  assert.match(w.reason ?? '', /check character is "Y"; it must be a digit or X/);
});

test('GB 11643: lower-case x is accepted and normalised to X', () => {
  const v = validateIdNumber('11010519491231002x', { today: TODAY });
  assert.equal(v.valid, true);
  assert.equal(v.normalized, '11010519491231002X');
});

test('GB 11643: impossible and out-of-range birth dates', () => {
  const feb30 = validateIdNumber(makeIdNumber('340104', '19990230', 123), { today: TODAY });
  assert.equal(feb30.valid, false);
  assert.equal(feb30.reason, 'birth date 19990230 does not exist');
  assert.equal(feb30.birthDate, undefined);
  assert.equal(validateIdNumber(makeIdNumber('340104', '19000229', 123), { today: TODAY }).reason, 'birth date 19000229 does not exist');
  assert.equal(validateIdNumber(makeIdNumber('340104', '20000229', 123), { today: TODAY }).valid, true); // 2000 is a leap year
  assert.equal(validateIdNumber(makeIdNumber('340104', '19991301', 123), { today: TODAY }).reason, 'birth date 19991301 does not exist');
  assert.equal(validateIdNumber(makeIdNumber('340104', '19990100', 123), { today: TODAY }).reason, 'birth date 19990100 does not exist');
  assert.equal(validateIdNumber(makeIdNumber('340104', '18991231', 123), { today: TODAY }).reason, 'birth date 1899-12-31 is before 1900-01-01');
  assert.equal(validateIdNumber(makeIdNumber('340104', '19000101', 123), { today: TODAY }).valid, true);
});

test('GB 11643: birth dates in the future are rejected; "today" is the date in China', () => {
  const future = validateIdNumber(makeIdNumber('340104', '2025-06-02', 124), { today: TODAY });
  assert.equal(future.valid, false);
  assert.equal(future.reason, 'birth date 2025-06-02 is in the future (today is 2025-06-01)');
  assert.equal(validateIdNumber(makeIdNumber('340104', '2025-06-01', 124), { today: TODAY }).valid, true);
  // 2025-06-01T20:00Z is already 2 June in Beijing
  assert.equal(validateIdNumber(makeIdNumber('340104', '2025-06-02', 124), { today: new Date('2025-06-01T20:00:00Z') }).valid, true);
  // without `today`, the clock decides: a date far ahead is always in the future
  assert.match(validateIdNumber(makeIdNumber('340104', '2999-01-01', 124)).reason ?? '', /is in the future/);
});

test('GB 11643: the address code must be a current county or prefecture', () => {
  const unknown = validateIdNumber(makeIdNumber('110103', '19800101', 11), { today: TODAY }); // 崇文区, abolished 2010
  assert.equal(unknown.valid, false);
  assert.equal(unknown.reason, 'address code 110103 is not a current GB/T 2260 division');
  assert.equal(validateIdNumber(makeIdNumber('999999', '19800101', 11), { today: TODAY }).valid, false);
  assert.equal(validateIdNumber(makeIdNumber('340176', '19800101', 11), { today: TODAY }).valid, false); // 合肥高新区: statistical only
  const province = validateIdNumber(makeIdNumber('310000', '19800101', 11), { today: TODAY });
  assert.equal(province.valid, false);
  assert.match(province.reason ?? '', /is a province/);
  assert.equal(validateIdNumber(makeIdNumber('441900', '19800101', 11), { today: TODAY }).valid, true); // 东莞: no counties
  assert.equal(validateIdNumber(makeIdNumber('340100', '19800101', 11), { today: TODAY }).valid, true); // prefecture code
  const ok = validateIdNumber(makeIdNumber('522732', '19800101', 11), { today: TODAY });
  assert.equal(ok.valid, true);
  assert.equal(ok.division?.fullName, '贵州省黔南布依族苗族自治州三都水族自治县');
  assert.equal(ok.sex, 'M');
});

test('GB 11643: wrong lengths, characters and types never throw', () => {
  for (const s of ['', '11010519491231002', '11010519491231002XX', '1101051949123100 2X', '１１０１０５１９４９１２３１００２Ｘ']) {
    const v = validateIdNumber(s, { today: TODAY });
    assert.equal(v.valid, false, s);
    assert.ok(v.reason && v.reasonZh, s);
  }
  assert.equal(validateIdNumber('11010519491231002', { today: TODAY }).reason, 'an ID number has 18 characters, got "11010519491231002" (17 characters)');
  assert.equal(validateIdNumber('1101A5194912310021').reason, 'character 5 is "A"; the first 17 characters must be digits');
  for (const s of [undefined, null, 110105194912310020, {}, ['11010519491231002X']]) {
    assert.equal(validateIdNumber(s).valid, false);
  }
  assert.match(validateIdNumber('9'.repeat(10_000)).reason ?? '', /10000 characters/);
});

test('GB 11643: makeIdNumber and idCheckDigit reject malformed parts', () => {
  assert.throws(() => makeIdNumber('34010', '19800101', 1), RangeError);
  assert.throws(() => makeIdNumber('340104', '1980-1-1', 1), RangeError);
  assert.throws(() => makeIdNumber('340104', '19800101', 1000), RangeError);
  assert.throws(() => idCheckDigit('1234'), RangeError);
  assert.equal(makeIdNumber('110105', '1949-12-31', 2), '11010519491231002X');
});

// ---------------------------------------------------------------- GB 32100 / GB 11714

const REAL_USCC = [
  '91350100M000100Y43',
  '11100000000013338W',
  '11420503087246977F',
  '11370800MB28559184',
  '12441500196720244T',
  '11220000013544541J',
  '11330105002500287C',
];

test('GB 32100: every published credit code is valid', () => {
  for (const s of REAL_USCC) {
    const v = validateUscc(s);
    assert.equal(v.valid, true, `${s}: ${v.reason}`);
    assert.equal(usccCheckChar(s.slice(0, 17)), s[17]);
  }
  const v = validateUscc('91350100M000100Y43');
  assert.deepEqual(v.department, { code: '9', zh: '工商', en: 'market regulation' });
  assert.deepEqual(v.category, { code: '1', zh: '企业', en: 'enterprise' });
  assert.equal(v.divisionCode, '350100');
  assert.equal(v.division?.fullName, '福建省福州市');
  assert.equal(v.orgCode, 'M000100Y4');
  // 住建部: a central organ, division 100000 (not a GB/T 2260 code, accepted for national authorities)
  const central = validateUscc('11100000000013338W');
  assert.equal(central.divisionCode, '100000');
  assert.equal(central.division, undefined);
  assert.equal(central.category?.zh, '机关');
  // a province-level authority: 吉林省住建厅
  assert.equal(validateUscc('11220000013544541J').division?.level, 'province');
});

test('GB 32100: a wrong check character names the expected one', () => {
  const v = validateUscc('91350100M000100Y44');
  assert.equal(v.valid, false);
  assert.equal(v.reason, 'check character is 4, expected 3');
});

test('GB 32100: characters outside the alphabet are named by position', () => {
  for (const bad of ['I', 'O', 'S', 'V', 'Z']) {
    const s = `91350100M0001${bad}0Y43`;
    const v = validateUscc(s);
    assert.equal(v.valid, false);
    assert.equal(v.reason, `character 14 is "${bad}", not in the GB 32100 alphabet (0-9, A-Z without I, O, S, V, Z)`);
  }
  assert.match(validateUscc('91350100M000100Y4-').reason ?? '', /character 18/);
});

test('GB 32100: lengths and non-strings', () => {
  assert.equal(validateUscc('91350100M000100Y4').reason, 'a unified social credit code has 18 characters, got "91350100M000100Y4" (17 characters)');
  assert.equal(validateUscc('91350100M000100Y433').valid, false);
  assert.equal(validateUscc('').valid, false);
  assert.equal(validateUscc(null).valid, false);
  assert.equal(validateUscc(91350100).valid, false);
});

test('GB 32100: lower case is accepted and normalised', () => {
  const v = validateUscc('91350100m000100y43');
  assert.equal(v.valid, true);
  assert.equal(v.normalized, '91350100M000100Y43');
});

test('GB 32100: department, category, division and embedded organisation code are each checked', () => {
  const dept = validateUscc(makeUscc('B1', '340104', 'MA2N0001'));
  assert.equal(dept.valid, false);
  assert.match(dept.reason ?? '', /registration department code B is not in GB 32100/);
  const cat = validateUscc(makeUscc('94', '340104', 'MA2N0001'));
  assert.equal(cat.valid, false);
  assert.equal(cat.reason, 'institution category 4 is not defined for department 9 (market regulation); allowed: 1, 2, 3');
  assert.equal(validateUscc(makeUscc('59', '340104', 'MA2N0001')).valid, true); // 民政 其他
  assert.equal(validateUscc(makeUscc('N2', '340104', 'MA2N0001')).category?.zh, '村级集体经济组织');
  const div = validateUscc(makeUscc('91', '999999', 'MA2N0001'));
  assert.equal(div.reason, 'characters 3–8 (999999) are not a current GB/T 2260 division');
  assert.equal(validateUscc(makeUscc('91', '340176', 'MA2N0001')).valid, false); // statistical unit
  assert.equal(validateUscc(makeUscc('91', '110000', 'MA2N0001')).valid, true); // province-level authority
  assert.equal(validateUscc(makeUscc('91', '310100', 'MA2N0001')).valid, true); // 上海市 市辖区 level
  const withLetter = `9134A104MA2N0001${orgCheckChar('MA2N0001')}`;
  const letters = validateUscc(withLetter + usccCheckChar(withLetter));
  assert.equal(letters.reason, 'characters 3–8 (34A104) must be a 6-digit division code');
  // embedded organisation code with a wrong check character, but a correct USCC check character
  const first17 = '91340104MA2N00019';
  assert.notEqual(orgCheckChar('MA2N0001'), '9');
  const s = first17 + usccCheckChar(first17);
  const org = validateUscc(s);
  assert.equal(org.valid, false);
  assert.equal(org.reason, `embedded organisation code MA2N00019: check character is 9, expected ${orgCheckChar('MA2N0001')}`);
});

test('GB 32100: makeUscc builds valid codes for 企业, 个体工商户 and 农民专业合作社', () => {
  for (const dc of ['91', '92', '93']) {
    const s = makeUscc(dc, '340104', 'MA2NXY7K');
    assert.equal(validateUscc(s).valid, true, s);
  }
  assert.throws(() => makeUscc('9', '340104', 'MA2NXY7K'), RangeError);
  assert.throws(() => makeUscc('91', '34010', 'MA2NXY7K'), RangeError);
  assert.throws(() => usccCheckChar('91350100M000100YI'), RangeError);
});

test('GB 11714: published organisation codes, the hyphen form, lower case and errors', () => {
  for (const s of ['M000100Y4', '000013338', 'MB2855918', '196720244', '087246977']) {
    assert.equal(validateOrgCode(s).valid, true, s);
    assert.equal(orgCheckChar(s.slice(0, 8)), s[8]);
  }
  const hyphen = validateOrgCode('M000100Y-4');
  assert.equal(hyphen.valid, true);
  assert.equal(hyphen.normalized, 'M000100Y4');
  assert.equal(hyphen.formatted, 'M000100Y-4');
  assert.equal(validateOrgCode('m000100y4').valid, true);
  assert.equal(validateOrgCode('M000100Y5').reason, 'check character is 5, expected 4');
  assert.match(validateOrgCode('M000100Y45').reason ?? '', /XXXXXXXX-X/);
  assert.match(validateOrgCode('M000100Y').reason ?? '', /9 characters/);
  assert.match(validateOrgCode('M00010_Y4').reason ?? '', /body character 7/);
  assert.equal(validateOrgCode(undefined).valid, false);
  // a check value of 10 is written X, 11 is written 0
  const bodies = ['00000001', '00000002', '00000003', '00000004', '00000005', '00000006', '00000007', '00000008', '00000009', '00000010', '00000011'];
  const checks = new Set(bodies.map(orgCheckChar));
  assert.ok([...checks].every((c) => /^[0-9X]$/.test(c)));
});

// ---------------------------------------------------------------- GB/T 36904 certificate identifiers

const REAL_CERT_IDS = [
  '1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0',
  '1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F',
] as const;

test('GB/T 36904: real e-certificate identifiers are valid and parsed', () => {
  for (const s of REAL_CERT_IDS) {
    const v = validateCertificateId(s);
    assert.equal(v.valid, true, `${s}: ${v.reason}`);
  }
  const v = validateCertificateId(REAL_CERT_IDS[1]);
  assert.equal(v.typeCode, '11100000000013338W032');
  assert.equal(v.definingAuthority, '11100000000013338W');
  assert.equal(v.issuer, '11220000013544541J');
  assert.equal(v.serial, '2430599');
  assert.equal(v.version, '001');
  assert.equal(v.check, 'F');
  assert.equal(certificateCheckChar('11100000000013338W03211220000013544541J2430599001'), 'F');
});

test('GB/T 36904: wrong check, root, field count, parts', () => {
  const wrong = validateCertificateId(REAL_CERT_IDS[1].replace(/F$/, 'G'));
  assert.equal(wrong.valid, false);
  assert.equal(wrong.reason, 'check character is G, expected F');
  const root = validateCertificateId(REAL_CERT_IDS[1].replace('1.2.156.3005.2', '1.2.156.3003.2'));
  assert.equal(root.valid, false);
  assert.match(root.reason ?? '', /must start with 1\.2\.156\.3005\.2/);
  assert.match(validateCertificateId('1.2.156.3005.2.11100000000013338W032.11220000013544541J.001.F').reason ?? '', /5 dot-separated fields/);
  assert.match(validateCertificateId(REAL_CERT_IDS[1].replace('.001.', '.01.')).reason ?? '', /version must be 3 digits/);
  assert.match(validateCertificateId(REAL_CERT_IDS[1].replace('11220000013544541J', '11220000013544541K')).reason ?? '', /^issuer: check character/);
  assert.match(validateCertificateId(REAL_CERT_IDS[1].replace('13338W032', '13338X032')).reason ?? '', /^type code: defining authority/);
  assert.match(validateCertificateId(REAL_CERT_IDS[1].replace('.2430599.', '.2430_599.')).reason ?? '', /serial/);
  assert.equal(validateCertificateId(42).valid, false);
  assert.equal(validateCertificateId('x'.repeat(5000)).valid, false);
});

test('GB/T 36904: lower case is normalised; makeCertificateId round-trips', () => {
  const v = validateCertificateId(REAL_CERT_IDS[1].toLowerCase());
  assert.equal(v.valid, true);
  assert.equal(v.normalized, REAL_CERT_IDS[1]);
  const id = makeCertificateId({ typeCode: '11100000000013338W032', issuer: '11220000013544541J', serial: '2430599', version: '001' });
  assert.equal(id, REAL_CERT_IDS[1]);
  const issuer = makeUscc('11', '340100', '00299701');
  const mine = makeCertificateId({ typeCode: '11100000000013338W009', issuer, serial: 'A2024000001', version: '001' });
  assert.equal(validateCertificateId(mine).valid, true);
  assert.throws(() => makeCertificateId({ typeCode: '11100000000013338W09', issuer, serial: '1', version: '001' }), RangeError);
  assert.throws(() => makeCertificateId({ typeCode: '11100000000013338W009', issuer, serial: '', version: '001' }), RangeError);
});

// ---------------------------------------------------------------- GB/T 2260 divisions

test('GB/T 2260: lookups across levels', () => {
  const sh = lookupDivision('310000');
  assert.equal(sh?.name, '上海市');
  assert.equal(sh?.level, 'province');
  assert.equal(sh?.prefectureCode, undefined);
  const pudong = lookupDivision('310115');
  assert.deepEqual(
    { ...pudong },
    { code: '310115', name: '浦东新区', level: 'county', provinceCode: '310000', prefectureCode: '310100', fullName: '上海市浦东新区' },
  );
  const shushan = lookupDivision('340104');
  assert.equal(shushan?.fullName, '安徽省合肥市蜀山区');
  assert.equal(shushan?.prefectureCode, '340100');
  assert.equal(lookupDivision('520000')?.name, '贵州省');
  const qiannan = lookupDivision('522700');
  assert.equal(qiannan?.level, 'prefecture');
  assert.equal(qiannan?.name, '黔南布依族苗族自治州');
  const shixiaqu = lookupDivision('310100');
  assert.equal(shixiaqu?.name, '市辖区');
  assert.equal(shixiaqu?.placeholder, true);
  assert.equal(lookupDivision('500235')?.fullName, '重庆市云阳县'); // under the 县 placeholder 500200
  assert.equal(lookupDivision('429004')?.fullName, '湖北省仙桃市'); // under 省直辖县级行政区划
  assert.equal(lookupDivision('441900')?.countyless, true);
  assert.equal(lookupDivision('340176'), undefined);
  assert.equal(lookupDivision('3401'), undefined);
  assert.equal(lookupDivision(undefined as unknown as string), undefined);
  assert.throws(() => {
    (lookupDivision('340104') as { name: string }).name = 'x';
  }, TypeError);
});

test('GB/T 2260: validateDivisionCode explains rejections', () => {
  assert.equal(validateDivisionCode('340104').valid, true);
  assert.equal(validateDivisionCode('340176').reason, '340176 is an NBS statistical unit (合肥高新技术产业开发区), not a GB/T 2260 administrative division');
  assert.equal(validateDivisionCode('349999').reason, '349999 is not a current GB/T 2260 division');
  assert.equal(validateDivisionCode('990101').reason, '990101 is not a division code: no province 990000');
  assert.match(validateDivisionCode('34010').reason ?? '', /6 digits/);
  assert.equal(validateDivisionCode(340104).valid, false);
  const level = validateDivisionCode('340100', { level: 'county' });
  assert.equal(level.valid, false);
  assert.equal(level.reason, '340100 (安徽省合肥市) is a prefecture, expected a county');
  assert.equal(validateDivisionCode('340000', { level: 'province' }).valid, true);
});

test('GB/T 2260: hierarchy helpers', () => {
  assert.equal(provinces().length, 31);
  const shCounties = countiesOf('310000');
  assert.equal(shCounties.length, 16);
  assert.ok(shCounties.some((d) => d.code === '310115'));
  assert.ok(shCounties.every((d) => d.level === 'county' && d.provinceCode === '310000'));
  const qiannan = countiesOf('522700');
  assert.ok(qiannan.some((d) => d.code === '522732' && d.name === '三都水族自治县'));
  assert.ok(qiannan.every((d) => d.code.startsWith('5227')));
  assert.ok(countiesOf('440000').some((d) => d.code === '441900')); // 东莞 stands in for its county level
  assert.deepEqual(countiesOf('441900').map((d) => d.code), ['441900']);
  assert.deepEqual(countiesOf('340104').map((d) => d.code), ['340104']);
  assert.deepEqual(countiesOf('999999'), []);
  assert.ok(!countiesOf('340000').some((d) => d.code === '340176'));
  for (const p of ['310000', '320000', '330000', '340000', '520000']) assert.ok(countiesOf(p).length >= 16, p);
  assert.equal(provinceOf('340104')?.name, '安徽省');
  assert.equal(provinceOf('34')?.code, '340000');
  assert.equal(provinceOf('110103')?.name, '北京市'); // by prefix, even for an abolished county
  assert.equal(provinceOf('99'), undefined);
  assert.ok(prefecturesOf('520000').some((d) => d.code === '522700'));
  assert.deepEqual(prefecturesOf('340104'), []);
  assert.equal(isWithin('340104', '340000'), true);
  assert.equal(isWithin('340104', '340100'), true);
  assert.equal(isWithin('340104', '340104'), true);
  assert.equal(isWithin('340104', '310000'), false);
  assert.equal(isWithin('340104', '999999'), false);
});

test('GB 11643: every refusal names its rule, and the rule text quotes no part of the number', () => {
  const TODAY_ = new Date('2025-06-01T00:00:00+08:00');
  const cases: Array<[unknown, string]> = [
    [12345, 'not-a-string'],
    ['34010419900101123', 'length'],
    ['3401041990010A1234', 'characters'],
    ['34010419900101123Y', 'check-character'],
    [`${makeIdNumber('340104', '19900101', 123).slice(0, 17)}${makeIdNumber('340104', '19900101', 123)[17] === '0' ? '1' : '0'}`, 'check-digit'],
    [makeIdNumber('340104', '19990230', 123), 'birth-date'],
    [makeIdNumber('340104', '18991231', 123), 'birth-date-too-early'],
    [makeIdNumber('340104', '20250602', 123), 'birth-date-future'],
    [makeIdNumber('999999', '19900101', 123), 'address-code'],
    [makeIdNumber('340000', '19900101', 123), 'address-code-province'],
  ];
  for (const [input, problem] of cases) {
    const v = validateIdNumber(input, { today: TODAY_ });
    assert.equal(v.valid, false);
    assert.equal(v.problem, problem, String(input));
    const text = idNumberProblemText(v);
    for (const s of [text.en, text.zh]) {
      assert.ok(!/\d{4}/.test(s.replace('1900-01-01', '').replace('2260', '').replace('11643', '')), `${problem}: "${s}" quotes no digits of the number`);
    }
  }
  assert.equal(validateIdNumber(makeIdNumber('340104', '19900101', 123)).problem, undefined);
});
