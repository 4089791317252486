import { test } from 'node:test';
import assert from 'node:assert/strict';
import { draftOfInput, draftOfView, focusForError, readDraft, readFormState } from '../../src/web/exchange/draft.js';

const input = {
  target: '340000',
  resource: 'hukou.person',
  subject: { type: 'citizen' as const, idNumber: '34010419010101007X' },
  fields: ['name', 'registeredAddress'],
  purpose: { serviceItem: '户口迁移', caseId: 'SH-1', agreementId: 'AG-1' },
  authorisation: { type: 'citizen-consent' as const, reference: 'SQ-1' },
};

test('a request sent from the form comes back whole: region, resource, fields, ID number, purpose, authorisation', () => {
  const draft = draftOfInput(input);
  assert.deepEqual(draft, {
    target: '340000',
    resource: 'hukou.person',
    fields: ['name', 'registeredAddress'],
    idNumber: '34010419010101007X',
    purpose: { serviceItem: '户口迁移', caseId: 'SH-1', agreementId: 'AG-1' },
    authorisation: { type: 'citizen-consent', reference: 'SQ-1' },
  });
  // through history state (structured clone) and back
  assert.deepEqual(readDraft(structuredClone(draft)), draft);
  assert.deepEqual(readFormState({ draft, focus: 'idNumber' }), { draft, focus: 'idNumber' });
  assert.deepEqual(readFormState({ draft, focus: 'nonsense' }), { draft });
});

test('a request sent on a legal basis (法定依据) comes back with it', () => {
  const law = '《中华人民共和国民事诉讼法》第六十七条';
  const draft = draftOfInput({ ...input, authorisation: { type: 'statutory' as const, reference: law } });
  assert.deepEqual(draft.authorisation, { type: 'statutory', reference: law });
  assert.deepEqual(readDraft(structuredClone(draft)), draft);
  assert.deepEqual(readFormState(structuredClone({ draft, focus: 'consent' })), { draft, focus: 'consent' });
  // without its reference it is not taken for one
  assert.equal(readDraft({ ...draft, authorisation: { type: 'statutory' } })?.authorisation, undefined);
});

test('a stored exchange gives back all but the ID number (kept masked) and the authorisation', () => {
  const view = {
    messageId: 'm1',
    status: 'failed',
    target: { regionCode: '340000', name: '安徽' },
    resource: 'hukou.person',
    fields: ['name'],
    subjectMasked: '340104********007X',
    purpose: { serviceItem: '户口迁移', caseId: 'SH-1' },
  };
  assert.deepEqual(draftOfView(view), { target: '340000', resource: 'hukou.person', fields: ['name'], purpose: { serviceItem: '户口迁移', caseId: 'SH-1' } });
});

test('history state of another shape is not taken for a request', () => {
  for (const v of [null, undefined, 'x', {}, { exchange: {} }, { target: '340000', resource: 'r', fields: 'name', purpose: { serviceItem: 'a', caseId: 'b' } }, { target: '340000', resource: 'r', fields: [], purpose: { serviceItem: 'a' } }]) {
    assert.equal(readDraft(v), undefined, JSON.stringify(v));
  }
  assert.equal(readFormState({ draft: { target: 1 } }), undefined);
  // an authorisation of an unknown kind is dropped, the rest kept
  const d = readDraft({ target: '340000', resource: 'r', fields: [], purpose: { serviceItem: 'a', caseId: 'b' }, authorisation: { type: 'other', reference: 'x' } });
  assert.deepEqual(d, { target: '340000', resource: 'r', fields: [], purpose: { serviceItem: 'a', caseId: 'b' } });
});

test('a refusal points at the part of the request to change', () => {
  assert.equal(focusForError('E_SUBJECT_NOT_FOUND'), 'idNumber');
  assert.equal(focusForError('E_NEEDS_AUTHORISATION'), 'consent');
  assert.equal(focusForError('E_FIELD_NOT_ALLOWED'), 'fields');
  assert.equal(focusForError('E_NO_AGREEMENT'), 'serviceItem');
  assert.equal(focusForError('E_TIMEOUT'), undefined);
  assert.equal(focusForError(undefined), undefined);
});
