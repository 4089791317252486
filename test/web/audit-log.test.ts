// The 审计日志 page's pure parts: Beijing calendar days as the UTC bounds the server compares, the form
// as the server's filters (an ID number checked as the exchange form checks it, a credit code left to
// the server), and a wording in both languages for every action the page knows and every error code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { actionWording, beijingDayRange, beijingDayStart, EMPTY_SEARCH_FORM, filtersOfForm, knownActions } from '../../src/web/audit/searchForm.js';
import { flattenKeys } from '../../src/web/i18n/keys.js';
import { makeIdNumber } from '../../src/core/ids/index.js';
import { ERRORS } from '../../src/core/errors.js';

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../src/web/i18n/${name}.json`, import.meta.url), 'utf8'));

test('a Beijing calendar day starts at 16:00 UTC the day before; a range runs to the start of the day after its last', () => {
  assert.equal(beijingDayStart('2026-11-25'), '2026-11-24T16:00:00.000Z');
  assert.equal(beijingDayStart('2026-01-01'), '2025-12-31T16:00:00.000Z', 'across a year');
  assert.equal(beijingDayStart('2028-02-29'), '2028-02-28T16:00:00.000Z', 'a leap day');
  for (const bad of ['2026-02-30', '2027-02-29', '2026-13-01', '2026-11-5', '', '2026/11/25']) assert.equal(beijingDayStart(bad), undefined, bad);

  assert.deepEqual(beijingDayRange('2026-11-24', '2026-11-25'), { from: '2026-11-23T16:00:00.000Z', to: '2026-11-25T16:00:00.000Z' });
  assert.deepEqual(beijingDayRange('2026-11-24', '2026-11-24'), { from: '2026-11-23T16:00:00.000Z', to: '2026-11-24T16:00:00.000Z' }, 'one day');
  assert.deepEqual(beijingDayRange('2026-12-31', '2026-12-31'), { from: '2026-12-30T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' }, 'the last day of a year');
  assert.deepEqual(beijingDayRange('', '2026-02-28'), { to: '2026-02-28T16:00:00.000Z' }, 'open start');
  assert.deepEqual(beijingDayRange('2026-11-24', ''), { from: '2026-11-23T16:00:00.000Z' }, 'open end');
  assert.deepEqual(beijingDayRange('', ''), {});
  assert.deepEqual(beijingDayRange('2026-11-25', '2026-11-24'), { problem: 'fromAfterTo' });
  assert.deepEqual(beijingDayRange('2026-02-30', ''), { problem: 'fromInvalid' });
  assert.deepEqual(beijingDayRange('', '2026-02-30'), { problem: 'toInvalid' });
});

test('the form as filters: only what is filled in; an ID number checked before anything is sent, a credit code sent for the server to check', () => {
  assert.deepEqual(filtersOfForm(EMPTY_SEARCH_FORM), { filters: { limit: 50 } });
  const id = makeIdNumber('340104', '19900307', 12);
  const full = filtersOfForm({
    subject: ` ${id.slice(0, 6)} ${id.slice(6)} `.toLowerCase(),
    category: 'exchange',
    outcome: 'refused',
    action: 'exchange.request.sent',
    actor: ' sh-clerk ',
    counterparty: '340000',
    dateFrom: '2026-11-24',
    dateTo: '2026-11-24',
    messageId: ' 0b7c1f3e-0000-4000-8000-000000000001 ',
    pageSize: 20,
  });
  assert.deepEqual(full, {
    filters: {
      limit: 20,
      subject: id,
      category: 'exchange',
      outcome: 'refused',
      action: 'exchange.request.sent',
      actor: 'sh-clerk',
      counterparty: '340000',
      from: '2026-11-23T16:00:00.000Z',
      to: '2026-11-24T16:00:00.000Z',
      messageId: '0b7c1f3e-0000-4000-8000-000000000001',
    },
  });

  const wrongDigit = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
  const refused = filtersOfForm({ ...EMPTY_SEARCH_FORM, subject: wrongDigit, dateFrom: '2026-11-25', dateTo: '2026-11-24', counterparty: '3400' });
  assert.ok('problems' in refused);
  assert.equal(refused.problems.subject?.problem, 'checkDigit');
  assert.equal(refused.problems.subject?.expected, id[17]);
  assert.equal(refused.problems.dates, 'fromAfterTo');
  assert.equal(refused.problems.counterparty, true);
  const short = filtersOfForm({ ...EMPTY_SEARCH_FORM, subject: '3401041990' });
  assert.equal('problems' in short && short.problems.subject?.problem, 'length');

  // a 统一社会信用代码 (letters): the browser has no check for it, the server checks it
  assert.deepEqual(filtersOfForm({ ...EMPTY_SEARCH_FORM, subject: '91340100ma2n0c8q3x' }), { filters: { limit: 50, subject: '91340100MA2N0C8Q3X' } });
});

test('every action the page knows has its wording in both languages; others are shown as their code', () => {
  const zh = new Set(flattenKeys(load('zh-CN')));
  const en = new Set(flattenKeys(load('en')));
  const actions = knownActions();
  assert.ok(actions.includes('exchange.request.served') && actions.includes('catalog.resource.submitted') && actions.includes('member.key-rotated'));
  for (const action of actions) {
    const w = actionWording(action);
    assert.ok(w, action);
    for (const key of [w.key, ...(w.values ? [w.values.kind, w.values.step] : [])]) {
      assert.ok(zh.has(key) && en.has(key), `${action}: ${key}`);
    }
  }
  assert.deepEqual(actionWording('exchange.request.sent'), { key: 'auditLog.actions.exchange.request.sent' });
  assert.deepEqual(actionWording('catalog.item.approved'), { key: 'auditLog.catalogAction', values: { kind: 'auditLog.catalogKind.item', step: 'auditLog.catalogStep.approved' } });
  for (const unknown of ['exchange.request.teleported', 'catalog.resource.painted', 'catalog.planet.created', 'member', '']) assert.equal(actionWording(unknown), undefined, unknown);
});

test('every error code of the vocabulary (src/core/errors.ts) has its meaning in both catalogs', () => {
  for (const lang of ['zh-CN', 'en']) {
    assert.deepEqual(Object.keys(load(lang).errorCode).sort(), Object.keys(ERRORS).sort(), lang);
  }
});
