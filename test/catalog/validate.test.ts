// The catalogue's validation rules (pure): every problem with its field path, in English and Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  codeKindOf,
  formatProblems,
  validateCertificateType,
  validateElement,
  validateItem,
  validateResource,
  type Problem,
  type ValidationContext,
} from '../../src/catalog/validate.js';
import { makeUscc } from '../../src/core/ids/index.js';
import { MOHURD, goodResource } from './fixtures.js';

const ctx: ValidationContext = {
  regionCode: '310000',
  customElements: new Map([
    ['SH.HOUSING.FUND_NO', { published: true, sensitivity: 'general' as const }],
    ['SH.DRAFT.ONLY', { published: false, sensitivity: 'general' as const }],
  ]),
  resources: new Map([
    ['hukou.person', { published: true, fields: ['name', 'birthDate'] }],
    ['draft.thing', { published: false, fields: ['a'] }],
  ]),
};

function goodItem(over: Record<string, unknown> = {}) {
  return {
    code: 'SH-0001',
    name: '购房提取住房公积金',
    department: '上海市公积金管理中心',
    modes: ['online'],
    timeLimitDays: 5,
    guide: { legalBasis: '《住房公积金管理条例》' },
    materials: [
      { name: '身份证明', required: true, satisfiedBy: { kind: 'resource', resource: 'hukou.person', fields: ['name'] } },
      { name: '购房合同', required: true, satisfiedBy: null },
    ],
    ...over,
  };
}

const paths = (ps: Problem[]) => ps.map((p) => p.path);
function only(r: { ok: boolean; problems: Problem[] }): Problem {
  assert.equal(r.ok, false);
  assert.equal(r.problems.length, 1, formatProblems(r.problems));
  return r.problems[0]!;
}

test('a good resource validates and comes back normalised (USCC upper case)', () => {
  const r = validateResource(goodResource({ department: { name: '中心', code: MOHURD.toLowerCase() } }), ctx);
  assert.equal(r.ok, true, formatProblems(r.problems));
  assert.equal(r.ok && r.value.department.code, MOHURD);
});

test('resource: id, unknown element, conditional without condition, none without basis, no methods, bad department code — all at once', () => {
  const r = validateResource(
    goodResource({
      id: 'Housing Fund',
      department: { name: '中心', code: '91350100M000100Y44' },
      fields: [{ name: 'x', element: 'TB.NOPE', label: { zh: 'x', en: 'x' }, sensitivity: 'general' }],
      sharing: { type: 'conditional', methods: [] },
    }),
    ctx,
  );
  assert.equal(r.ok, false);
  assert.deepEqual(paths(r.problems), ['id', 'department.code', 'fields[0].element', 'sharing.condition', 'sharing.methods']);
  const by = Object.fromEntries(r.problems.map((p) => [p.path, p]));
  assert.equal(by['id']!.message, 'must be 2–64 characters: a lower-case letter, then lower-case letters, digits, "_", "." or "-"');
  assert.equal(by['fields[0].element']!.message, 'unknown element code "TB.NOPE"');
  assert.equal(by['fields[0].element']!.messageZh, '未知的数据元代码"TB.NOPE"');
  assert.equal(by['sharing.condition']!.message, 'a conditional resource needs its sharing condition');
  assert.equal(by['sharing.condition']!.messageZh, '有条件共享的资源须写明共享条件');
  assert.equal(by['sharing.methods']!.message, 'must list at least one sharing method');
  assert.equal(by['department.code']!.message, 'not a valid unified social credit code (GB 32100): check character is 4, expected 3');
  assert.equal(by['department.code']!.messageZh, '不是有效的统一社会信用代码(GB 32100):校验码为4,应为3');

  const none = only(validateResource(goodResource({ sharing: { type: 'none', methods: ['download'] } }), ctx));
  assert.deepEqual(none, {
    path: 'sharing.condition',
    message: 'a resource that is not shared needs its legal basis (a law, regulation or policy)',
    messageZh: '不予共享的资源须写明依据(法律、法规或政策)',
  });
});

test('resource: custom elements count when not retired; a sensitive element cannot back a general field; unknown members are named', () => {
  assert.equal(validateResource(goodResource(), ctx).ok, true);
  const sens = only(
    validateResource(goodResource({ fields: [{ name: 'addr', element: 'TB.PERSON.ADDRESS', label: { zh: '住址', en: 'Address' }, sensitivity: 'general' }] }), ctx),
  );
  assert.equal(sens.path, 'fields[0].sensitivity');
  assert.match(sens.message, /TB\.PERSON\.ADDRESS is personal sensitive information/);
  const extra = only(validateResource({ ...goodResource(), colour: 'red' }, ctx));
  assert.deepEqual(extra, { path: 'colour', message: 'is not a known field', messageZh: '不是可识别的字段' });
  const dup = validateResource(goodResource({ fields: [goodResource().fields[1], goodResource().fields[1]] }), ctx);
  assert.deepEqual(paths(dup.problems), ['fields[1].name']);
  // for publication, a draft custom element is not enough
  const draftEl = goodResource({ fields: [{ name: 'a', element: 'SH.DRAFT.ONLY', label: { zh: 'a', en: 'a' }, sensitivity: 'general' }] });
  assert.equal(validateResource(draftEl, ctx).ok, true);
  assert.equal(only(validateResource(draftEl, { ...ctx, forPublication: true })).message, 'element "SH.DRAFT.ONLY" is not published yet');
  assert.equal(only(validateResource('nope', ctx)).message, 'must be an object');
  const enumProblem = only(validateResource(goodResource({ updateCycle: 'hourly' }), ctx));
  assert.equal(enumProblem.message, 'must be one of realtime, daily, weekly, monthly, quarterly, yearly, irregular (got "hourly")');
});

test('certificate type: code = defining authority USCC + 3 digits, authority USCC valid, fixed-term needs years', () => {
  const good = {
    code: `${MOHURD}032`,
    name: { zh: '建筑施工特种作业人员操作资格证书', en: 'Special construction operation certificate' },
    definingAuthority: { name: '住房和城乡建设部', uscc: MOHURD },
    elements: [{ element: 'TB.CERT.NUMBER', required: true }, { element: 'TB.CERT.HOLDER', required: true }],
    validity: { kind: 'fixed-term', years: 6 },
  };
  assert.equal(validateCertificateType(good, ctx).ok, true);
  const other = makeUscc('11', '340000', '00300000');
  const r = validateCertificateType(
    { ...good, code: `${other}03`, definingAuthority: { name: 'x', uscc: '11100000000013338X' }, elements: [{ element: 'TB.NOPE', required: true }], validity: { kind: 'fixed-term' } },
    ctx,
  );
  assert.deepEqual(paths(r.problems), ['code', 'definingAuthority.uscc', 'elements[0].element', 'validity.years']);
  assert.match(r.problems[0]!.message, /^must be the defining authority's unified social credit code followed by 3 digits \(21 characters\)/);
  assert.match(r.problems[1]!.message, /^not a valid unified social credit code \(GB 32100\): check character is X, expected W/);
  const mismatch = only(validateCertificateType({ ...good, code: `${other}001` }, ctx));
  assert.deepEqual(mismatch, { path: 'code', message: `must begin with the defining authority's code ${MOHURD}`, messageZh: `应以证照定义机构的统一社会信用代码${MOHURD}开头` });
  assert.equal(only(validateCertificateType({ ...good, validity: { kind: 'permanent', years: 3 } }, ctx)).path, 'validity.years');
});

test('service item: time limit 1–365 working days, modes, materials referencing known resources or certificate types', () => {
  const ok = validateItem(goodItem(), ctx);
  assert.equal(ok.ok, true, formatProblems(ok.problems));
  assert.deepEqual(ok.ok && ok.value.origin, { kind: 'regional', source: '本节点录入 entered on this node' });

  for (const days of [0, 366, 2.5, '5']) {
    const p = only(validateItem(goodItem({ timeLimitDays: days }), ctx));
    assert.equal(p.path, 'timeLimitDays');
    assert.equal(p.message, `must be 1–365 working days (got ${JSON.stringify(days)})`);
    assert.equal(p.messageZh, `应为1至365个工作日(实际为${JSON.stringify(days)})`);
  }
  assert.equal(validateItem(goodItem({ timeLimitDays: 365 }), ctx).ok, true);
  assert.equal(only(validateItem(goodItem({ modes: [] }), ctx)).message, 'must list at least one cross-province mode (online 全程网办, proxy 异地代收代办, joint 多地联办)');
  assert.equal(only(validateItem(goodItem({ modes: ['online', 'online'] }), ctx)).path, 'modes[1]');

  const mat = (satisfiedBy: unknown) => validateItem(goodItem({ materials: [{ name: 'm', required: true, satisfiedBy }] }), ctx);
  assert.equal(mat({ kind: 'resource', resource: 'draft.thing' }).ok, true, 'a draft resource on this node is known');
  assert.equal(mat({ kind: 'resource', resource: '340000:hukou.person', fields: ['name'] }).ok, true, "another region's resource: format only");
  assert.equal(mat({ kind: 'resource', resource: '310000:hukou.person' }).ok, true, 'own region code: checked locally');
  assert.deepEqual(only(mat({ kind: 'resource', resource: 'no.such' })), {
    path: 'materials[0].satisfiedBy.resource',
    message: 'unknown resource "no.such" on this node (310000)',
    messageZh: '本节点(310000)没有数据资源"no.such"',
  });
  assert.equal(only(mat({ kind: 'resource', resource: '310000:no.such' })).message, 'unknown resource "no.such" on this node (310000)');
  assert.match(only(mat({ kind: 'resource', resource: '999999:x.y' })).message, /^region 999999 is not a division code/);
  assert.equal(only(mat({ kind: 'resource', resource: 'Hukou Person' })).message, 'must be a resource id on this node, or "region:resource" for another region (e.g. 340000:hukou.person)');
  assert.equal(only(mat({ kind: 'resource', resource: 'hukou.person', fields: ['shoeSize'] })).message, 'resource "hukou.person" has no field "shoeSize"');
  assert.equal(mat({ kind: 'certificate', certificateType: `${MOHURD}032` }).ok, true);
  assert.equal(only(mat({ kind: 'certificate', certificateType: 'ABC' })).path, 'materials[0].satisfiedBy.certificateType');
  assert.equal(only(validateItem(goodItem({ materials: [{ name: 'm', required: true, satisfiedBy: { kind: 'resource', resource: 'draft.thing' } }] }), { ...ctx, forPublication: true })).message, 'resource "draft.thing" is not published yet');
});

test('service item: national-confirmed is never claimed, and a national item keeps its origin; its modes and time limit may be pending', () => {
  const claim = only(validateItem(goodItem({ origin: { kind: 'national-confirmed', source: 'me' } }), ctx));
  assert.equal(claim.path, 'origin.kind');
  assert.match(claim.message, /^only the confirmed national items Tongban ships/);
  const national = { kind: 'national-confirmed' as const, source: '公安部 2021-05-10' };
  const kept = validateItem(goodItem({ modes: [], timeLimitDays: 0 }), ctx, { existingOrigin: national });
  assert.equal(kept.ok, true, formatProblems(kept.problems));
  assert.deepEqual(kept.ok && kept.value.origin, national);
  assert.equal(only(validateItem(goodItem({ origin: { kind: 'regional', source: 'x' } }), ctx, { existingOrigin: national })).message, 'this is a confirmed national item; its origin cannot change');
});

test('codes: 实施编码 shape vs local codes; custom element codes', () => {
  assert.equal(codeKindOf('11370800MB28559184' + '3370117002011'), 'implementation');
  assert.equal(codeKindOf('TB-NAT-12345678'), 'local');
  assert.equal(codeKindOf('11370800MB28559185' + '3370117002011'), 'local', 'bad USCC check character');
  assert.equal(validateElement({ code: 'SH.HOUSING.FUND_NO', name: { zh: '公积金账号', en: 'Fund account' }, type: 'string', sensitivity: 'general' }).ok, true);
  assert.match(only(validateElement({ code: 'TB.MINE', name: { zh: 'x', en: 'x' }, type: 'string', sensitivity: 'general' })).message, /TB\. prefix is reserved/);
  assert.equal(only(validateElement({ code: 'lower.case', name: { zh: 'x', en: 'x' }, type: 'string', sensitivity: 'general' })).path, 'code');
});
