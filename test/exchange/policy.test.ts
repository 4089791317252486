import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAccess, type AccessRule } from '../../src/policy/access.js';
import type { ResourceDef } from '../../src/adapters/index.js';

const hukou: ResourceDef = {
  id: 'hukou.person', name: { zh: '户籍', en: 'Hukou' }, department: '安徽省公安厅', sourceSystem: '人口信息管理系统',
  subjectType: 'citizen', sharing: 'conditional',
  fields: [
    { name: 'name', label: { zh: '姓名', en: 'Name' }, type: 'string', sensitivity: 'general' },
    { name: 'sex', label: { zh: '性别', en: 'Sex' }, type: 'code', sensitivity: 'general' },
    { name: 'registeredAddress', label: { zh: '户籍地址', en: 'Address' }, type: 'string', sensitivity: 'sensitive' },
  ],
};
const req = (over: Partial<Parameters<typeof evaluateAccess>[0]> = {}) => ({
  from: '310000', resource: 'hukou.person', fields: ['name', 'sex'], subject: { type: 'citizen' as const }, ...over,
});

test('deny by default: no rules, no access', () => {
  assert.deepEqual(evaluateAccess(req(), hukou, []), { allow: false, code: 'E_NO_AGREEMENT', detail: 'no rule lets 310000 read hukou.person' });
});

test('a rule for the region and resource allows the granted fields only', () => {
  const rules: AccessRule[] = [{ from: ['310000'], resources: ['hukou.person'], fields: ['name'] }];
  assert.equal(evaluateAccess(req({ fields: ['name'] }), hukou, rules).allow, true);
  const d = evaluateAccess(req(), hukou, rules);
  assert.deepEqual(d, { allow: false, code: 'E_FIELD_NOT_ALLOWED', detail: 'not granted to 310000: sex', fields: ['sex'] });
  assert.equal(evaluateAccess(req({ from: '320000', fields: ['name'] }), hukou, rules).allow, false);
});

test('sensitive fields need the subject’s authorisation unless the rule is statutory', () => {
  const open: AccessRule[] = [{ from: '*', resources: '*' }];
  const r = req({ fields: ['name', 'registeredAddress'] });
  assert.equal((evaluateAccess(r, hukou, open) as { code: string }).code, 'E_NEEDS_AUTHORISATION');
  assert.equal(evaluateAccess({ ...r, authorisation: { type: 'citizen-consent', reference: 'SQ-1' } }, hukou, open).allow, true);
  assert.equal(evaluateAccess(r, hukou, [{ from: '*', resources: '*', statutory: true }]).allow, true);
});

test('unknown resources and fields, wrong subject types, unshared resources', () => {
  const open: AccessRule[] = [{ from: '*', resources: '*' }];
  assert.deepEqual(evaluateAccess(req({ resource: 'x.y' }), undefined, open), { allow: false, code: 'E_INVALID_REQUEST', detail: 'unknown resource "x.y"' });
  assert.equal((evaluateAccess(req({ fields: ['name', 'nope'] }), hukou, open) as { detail: string }).detail, 'hukou.person has no field "nope"');
  assert.equal((evaluateAccess(req({ subject: { type: 'enterprise' } }), hukou, open) as { code: string }).code, 'E_INVALID_REQUEST');
  assert.equal((evaluateAccess(req(), { ...hukou, sharing: 'none' }, open) as { code: string }).code, 'E_NO_AGREEMENT');
});
