// POST /api/audit/search: an auditor finds, on both sides of a real exchange, every entry about one
// citizen (by ID number, which the log keeps only as a keyed hash) and narrows by message, action,
// actor, partner, outcome and time, a page at a time; the search by subject is itself appended to the
// log; bad input is refused with E_INVALID_REQUEST and appends nothing; clerks and strangers are kept out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../helpers/engines.js';
import { exchangeFixture, purpose } from '../helpers/exchange.js';
import { staffSession, type Started } from '../helpers/federation.js';
import { makeIdNumber } from '../../src/core/ids/index.js';
import type { AuditEntryView, AuditSearchPage } from '../../src/audit/search.js';

/** POST /api/audit/search on a node as the given session. */
function searcher(node: Started, cookie?: string) {
  return async (body: unknown): Promise<{ status: number; body: AuditSearchPage & { error?: { code: string; detail?: string } } }> => {
    const res = await fetch(`${node.server.url}/api/audit/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as never };
  };
}

const actions = (entries: AuditEntryView[]) => entries.map((e) => e.action);

for (const engine of await engines()) {
  test(`${engine}: POST /api/audit/search — every entry about one citizen on both sides of an exchange, narrowed and paged; the search itself audited; bad input refused unchanged; auditors and administrators only`, async () => {
    const f = await exchangeFixture(engine);
    try {
      const ok = await f.clerk('/api/exchange/requests', {
        body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name'], purpose },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const messageId = ok.body.exchange.messageId as string;
      // a valid ID number 安徽 has no record of: refused by the provider
      const stranger = makeIdNumber('340104', '19900307', 997);
      const missing = await f.clerk('/api/exchange/requests', {
        body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: stranger }, fields: ['name'], purpose: { ...purpose, caseId: 'SH-2026-000124' } },
      });
      assert.equal(missing.body.exchange.status, 'failed', JSON.stringify(missing.body));

      const shAuditor = await staffSession(f.sh, 'sh-auditor', ['auditor'], undefined, { name: '赵敏', department: '上海市大数据中心' });
      const ahAuditor = await staffSession(f.ah, 'ah-auditor', ['auditor']);
      const shAdmin = await staffSession(f.sh, 'sh-admin', ['admin']);
      const shClerk = await staffSession(f.sh, 'sh-clerk-2', ['clerk']);
      const sh = searcher(f.sh, shAuditor);
      const ah = searcher(f.ah, ahAuditor);

      // who may search
      assert.equal((await searcher(f.sh)({})).status, 401);
      assert.equal((await searcher(f.sh, shClerk)({})).status, 403);
      assert.equal((await searcher(f.sh, shAdmin)({ limit: 1 })).status, 200);

      // 上海, the requester: the clerk's request and its answer, with her name; the record is here
      const before = (await f.sh.server.audit.head()).seq;
      const mine = await sh({ subject: f.citizen.idNumber });
      assert.equal(mine.status, 200, JSON.stringify(mine.body));
      // a direct answer: one entry, the request sent with the sealed answer's hash
      assert.deepEqual(actions(mine.body.entries), ['exchange.request.sent']);
      for (const e of mine.body.entries) {
        assert.equal(e.messageId, messageId);
        assert.equal(e.counterparty, '340000');
        assert.deepEqual(e.actor, { type: 'user', id: 'sh-clerk', regionCode: '310000', department: '上海市浦东新区行政服务中心', name: '王芳' });
        assert.deepEqual(e.purpose, purpose);
        assert.equal(e.resource, 'hukou.person');
        assert.equal(e.exchangeRecord, true);
        assert.equal(e.subjectMasked, `${f.citizen.idNumber.slice(0, 4)}**********${f.citizen.idNumber.slice(14)}`);
        assert.match(e.hash, /^[0-9a-f]{64}$/);
      }
      assert.equal(mine.body.nextBefore, null);
      // the search is in the log before its answer: who looked this citizen up, and how many entries it found
      const searched = await sh({ subject: f.citizen.idNumber.toLowerCase() });
      assert.deepEqual(actions(searched.body.entries), ['audit.subject-searched', 'exchange.request.sent']);
      const own = searched.body.entries[0]!;
      assert.equal(own.seq, before + 1);
      assert.equal(own.category, 'security');
      assert.deepEqual(own.actor, { type: 'user', id: 'sh-auditor', regionCode: '310000', department: '上海市大数据中心', name: '赵敏' });
      assert.deepEqual(own.detail, { matches: 1 });
      assert.equal(own.exchangeRecord, false);
      // read before its own entry was appended
      assert.equal(searched.body.head, before + 1);
      // an answer never carries the number itself or its keyed hash
      const text = JSON.stringify([mine.body, searched.body]);
      assert.ok(!text.includes(f.citizen.idNumber) && !text.includes('subject_ref') && !text.includes('subjectRef'), text);

      // 安徽, the provider: what it served, to whom; the clerk is another region's, so no name, and no record here
      const served = await ah({ subject: f.citizen.idNumber });
      const entry = served.body.entries.find((e) => e.action === 'exchange.request.served');
      assert.ok(entry, JSON.stringify(served.body.entries));
      assert.equal(entry.messageId, messageId);
      assert.deepEqual(entry.actor, { type: 'user', id: 'sh-clerk', regionCode: '310000', department: '上海市浦东新区行政服务中心', name: null });
      assert.deepEqual(entry.fields, ['name']);
      assert.equal(entry.exchangeRecord, false);
      assert.equal(entry.outcome, 'ok');

      // narrowing: message, action, outcome, partner, actor, category, time
      assert.deepEqual(actions((await sh({ messageId })).body.entries), ['exchange.request.sent']);
      const refused = (await ah({ outcome: 'refused', category: 'exchange' })).body.entries;
      assert.deepEqual(actions(refused), ['exchange.request.refused']);
      assert.equal(refused[0]!.errorCode, 'E_SUBJECT_NOT_FOUND');
      assert.equal(refused[0]!.purpose?.caseId, 'SH-2026-000124');
      assert.deepEqual(actions((await sh({ action: 'audit.subject-searched' })).body.entries), ['audit.subject-searched', 'audit.subject-searched']);
      assert.equal((await sh({ actor: 'sh-auditor', category: 'exchange' })).body.entries.length, 0);
      assert.equal((await sh({ counterparty: '320000' })).body.entries.length, 0);
      const sent = (await sh({ action: 'exchange.request.sent' })).body.entries;
      assert.equal(sent.length, 2);
      assert.equal((await sh({ action: 'exchange.request.sent', counterparty: '340000', actor: 'sh-clerk' })).body.entries.length, 2);
      const first = sent[1]!.at;
      assert.deepEqual((await sh({ action: 'exchange.request.sent', to: first })).body.entries, []);
      assert.deepEqual(
        (await sh({ action: 'exchange.request.sent', from: first, to: new Date(Date.now() + 60_000).toISOString() })).body.entries.map((e) => e.seq),
        sent.map((e) => e.seq),
      );

      // pages of one: every entry once, newest first, and the last page says there is no more
      const all = (await sh({ limit: 200 })).body;
      assert.equal(all.nextBefore, null);
      const paged: number[] = [];
      let cursor: number | undefined;
      for (let guard = 0; guard < all.entries.length + 1; guard++) {
        const page = (await sh({ limit: 1, ...(cursor ? { before: cursor } : {}) })).body;
        paged.push(...page.entries.map((e) => e.seq));
        if (page.nextBefore === null) break;
        cursor = page.nextBefore;
      }
      assert.deepEqual(paged, all.entries.map((e) => e.seq));
      assert.deepEqual(paged, [...paged].sort((a, b) => b - a));

      // anchored once a checkpoint the hub countersigned covers an entry
      assert.ok(all.entries.every((e) => e.anchored === e.seq <= all.anchoredThrough));
      await f.sh.server.audit.checkpointNow();
      await f.sh.server.audit.anchorPending();
      const later = (await sh({ messageId })).body;
      assert.ok(later.anchoredThrough >= later.entries[0]!.seq);
      assert.ok(later.entries.every((e) => e.anchored));

      // the matches as a CSV file for a report: headers in the reader's language, times in Asia/Shanghai,
      // the subject masked; the export is itself appended, with the subject when it is one person's
      const exportCsv = async (body: unknown, cookie = shAuditor) => {
        const res = await fetch(`${f.sh.server.url}/api/audit/export`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
        // keep the byte-order mark (res.text() drops it)
        return { res, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer()) };
      };
      const csv = await exportCsv({ subject: f.citizen.idNumber });
      assert.equal(csv.res.status, 200, csv.text);
      assert.match(csv.res.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
      assert.match(csv.res.headers.get('content-disposition') ?? '', /^attachment; filename="tongban-audit-310000-\d{8}-\d{6}\.csv"$/);
      assert.ok(csv.text.startsWith('\uFEFF序号,时间(北京时间),类别,操作,'), csv.text.slice(0, 80));
      const lines = csv.text.trim().split('\r\n');
      const bySubject = (await sh({ subject: f.citizen.idNumber })).body.entries;
      // the export's own entry is one more about the citizen, newer than its rows
      assert.equal(lines.length, 1 + bySubject.length - 1);
      assert.match(lines.at(-1)!, new RegExp(`^${sent.find((e) => e.messageId === messageId)!.seq},\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,exchange,exchange\\.request\\.sent,user,sh-clerk,王芳,310000,`));
      assert.ok(!csv.text.includes(f.citizen.idNumber) && csv.text.includes(`${f.citizen.idNumber.slice(0, 4)}**********`));
      const exported = (await sh({ action: 'audit.log.exported' })).body.entries[0]!;
      assert.equal(exported.subjectMasked, `${f.citizen.idNumber.slice(0, 4)}**********${f.citizen.idNumber.slice(14)}`);
      assert.deepEqual(exported.detail, { rows: lines.length - 1, filters: 'subject' });
      const english = await exportCsv({ outcome: 'ok', category: 'exchange', lang: 'en' });
      assert.ok(english.text.startsWith('\uFEFFseq,time (Asia/Shanghai),category,action,'));
      assert.deepEqual((await sh({ action: 'audit.log.exported' })).body.entries[0]!.detail, { rows: english.text.trim().split('\r\n').length - 1, filters: 'category=exchange; outcome=ok' });
      assert.equal((await exportCsv({}, shClerk)).res.status, 403);
      // more than 10,000 matches: refused, the auditor asked to narrow it, nothing recorded
      await Promise.all(Array.from({ length: 10_001 }, (_, i) => f.sh.server.audit.append({ category: 'admin', action: 'test.bulk', actor: { type: 'system', id: 'test' }, outcome: 'ok', detail: { i } })));
      const headBulk = (await f.sh.server.audit.head()).seq;
      const tooMany = await exportCsv({ action: 'test.bulk' });
      assert.equal(tooMany.res.status, 400);
      assert.match((JSON.parse(tooMany.text.replace(/^\uFEFF/, '')) as { error: { detail: string } }).error.detail, /more than 10000 entries match: narrow the search/);
      assert.equal((await f.sh.server.audit.head()).seq, headBulk);
      assert.equal((await exportCsv({ action: 'test.bulk', before: 5 })).res.status, 400, 'an export has no pages');

      // bad input: refused, named, and nothing appended
      const head = (await f.sh.server.audit.head()).seq;
      const wrongDigit = f.citizen.idNumber.slice(0, 17) + (f.citizen.idNumber[17] === '0' ? '1' : '0');
      for (const [body, says] of [
        [{ subject: wrongDigit }, /subject: not a valid GB 11643 ID number/],
        [{ subject: 'not-an-id' }, /subject/],
        [{ subject: '' }, /subject/],
        [{ names: 'x' }, /names|additional/i],
        [{ limit: 0 }, /limit/],
        [{ limit: 201 }, /limit/],
        [{ before: 0 }, /before/],
        [{ outcome: 'maybe' }, /outcome/],
        [{ category: 'gossip' }, /category/],
        [{ counterparty: '31000' }, /counterparty/],
        [{ from: '2026-11-24' }, /from must be a UTC time/],
        [{ to: '2026-02-30T00:00:00Z' }, /to must be a UTC time/],
        [{ from: '2026-11-25T00:00:00Z', to: '2026-11-24T00:00:00Z' }, /from must be before to/],
      ] as const) {
        const res = await sh(body);
        assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status}`);
        assert.equal(res.body.error?.code, 'E_INVALID_REQUEST');
        assert.match(res.body.error?.detail ?? '', says, JSON.stringify(res.body));
        assert.ok(!JSON.stringify(res.body).includes(wrongDigit));
      }
      assert.equal((await f.sh.server.audit.head()).seq, head);
    } finally {
      await f.close();
    }
  });
}
