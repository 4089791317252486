// End-to-end: the 审计日志 / Audit log console page in Chromium, on a hub, 上海 and 安徽 started on
// 127.0.0.1 port 0 (test/helpers/exchange.ts). 上海's clerk fetches an 安徽 citizen's record, and asks
// for a citizen 安徽 does not know (refused), through the API; the hub anchors 上海's log so far.
// 上海's auditor then opens 审计日志, finds the exchange by the citizen's ID number with the clerk's
// name (anchored), opens it in place (message id, hashes, fields), follows it to the exchange's result
// page (the record, the evidence package, none of the clerk's steps), downloads the evidence package and
// comes back to the same results; searching again lists the earlier search (audit.subject-searched) and
// the export. Narrowed by outcome (the refusal, its code explained), paged with a page size of 20
// (加载更早的记录 … 没有更早的记录); a mistyped ID number or a reversed date range is stopped in the
// browser (nothing sent), a credit code the server refuses shows its refusal; in English; on a phone,
// without sideways scrolling. A clerk has no entry and is turned away, and still reads her exchange.
// Screenshots in test-results/ (audit-log-*).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { activeTabInView, noHorizontalOverflow, recordFailures, screenshot, signIn, switchLang, text } from './helpers.js';
import { exchangeFixture, purpose, type ExchangeFixture } from '../test/helpers/exchange.js';
import { createUser } from '../src/identity/index.js';
import { makeIdNumber } from '../src/core/ids/index.js';

const PASSWORD = 'correct-horse-battery-42';
const SEARCH_PATH = '/api/audit/search';

/** Waits until the page has settled on an answer (not searching, not loading more). */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(`document.querySelector('[data-testid="page-audit-log"]')?.getAttribute('data-status') === 'idle'`, null, { timeout: 20_000 });
}

/** The rows shown, as their seq, action and outcome. */
async function rows(page: Page): Promise<Array<{ seq: number; action: string; outcome: string }>> {
  return page.getByTestId('audit-row').evaluateAll((els) =>
    els.map((e) => ({ seq: Number(e.getAttribute('data-seq')), action: e.getAttribute('data-action') ?? '', outcome: e.getAttribute('data-outcome') ?? '' })),
  );
}

/** Submits the form and waits for its answer. */
async function search(page: Page): Promise<void> {
  await page.getByTestId('search-submit').click();
  await settled(page);
}

test('审计日志: an auditor finds an exchange by the citizen\'s ID number with the clerk\'s name, opens it, follows it to its result and evidence package and back; the search itself is listed; narrowed by outcome, paged; bad input stopped or refused as the server says; zh-CN and en, desktop and phone; a clerk has no entry', async () => {
  let f: ExchangeFixture | undefined;
  let browser: Browser | undefined;
  try {
    f = await exchangeFixture('sqlite');
    const sent = await f.clerk('/api/exchange/requests', {
      body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name'], purpose },
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.equal(sent.body.exchange.status, 'completed');
    const messageId = sent.body.exchange.messageId as string;
    // a valid ID number 安徽 has no record of: refused by the provider, and so recorded on 上海's side
    const stranger = makeIdNumber('340104', '19900307', 997);
    const missing = await f.clerk('/api/exchange/requests', {
      body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: stranger }, fields: ['name'], purpose: { ...purpose, caseId: 'SH-2026-000124' } },
    });
    assert.equal(missing.body.exchange.status, 'failed', JSON.stringify(missing.body));
    const sh = f.sh.server;
    await createUser(sh.store.db, { server: 'node', id: 'sh-auditor', name: '赵敏', department: '上海市大数据中心', regionCode: '310000', roles: ['auditor'], password: PASSWORD }, { actor: 'test' });
    // 25 administrative steps of one kind, for paging through them 20 at a time
    for (let i = 1; i <= 25; i++) {
      await sh.audit.append({ category: 'admin', action: 'user.password-reset', actor: { type: 'user', id: 'sh-admin', regionCode: '310000' }, outcome: 'ok', detail: { user: `clerk-${i}` } });
    }
    // all of it anchored by the hub; what the auditor does from here on is not, yet
    const checkpoint = (await sh.audit.checkpointNow())!;
    assert.equal((await sh.audit.anchorPending()).pending, 0);
    const url = sh.url;
    const masked = `${f.citizen.idNumber.slice(0, 4)}**********${f.citizen.idNumber.slice(14)}`;

    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await signIn(ctx, url, '/audit/log', 'sh-auditor', PASSWORD);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const failures = recordFailures(page);
    const searches: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === SEARCH_PATH) searches.push(r.postData() ?? '');
    });

    // ---- the page: in the navigation beside 审计与存证, the newest entries at once ----------------------
    await page.getByTestId('page-audit-log').waitFor();
    await settled(page);
    assert.equal(await page.locator('h1').first().innerText(), '审计日志');
    assert.equal(await text(page, 'nav-audit-log'), '审计日志');
    assert.equal(await text(page, 'nav-audit'), '审计与存证');
    await activeTabInView(page, 'audit-log');
    const newest = await rows(page);
    assert.deepEqual(newest.slice(0, 25).map((r) => r.action), Array(25).fill('user.password-reset'), 'the last 25 entries first');
    assert.deepEqual(newest.slice(25, 27).map((r) => [r.action, r.outcome]), [['exchange.request.sent', 'refused'], ['exchange.request.sent', 'ok']]);
    assert.ok(newest.every((r, i) => i === 0 || r.seq < newest[i - 1]!.seq), 'newest first');
    assert.equal(await text(page, 'audit-log-summary'), `日志共 ${checkpoint.seq} 条,已存证至第 ${checkpoint.seq} 条`);
    assert.match(await text(page, 'subject-note'), /按证件号码查询本身也会记入审计日志/);

    // ---- by the citizen's ID number: the exchange, with the clerk's name --------------------------------
    await page.getByTestId('filter-subject').fill(f.citizen.idNumber);
    await search(page);
    assert.deepEqual(JSON.parse(searches.at(-1)!), { limit: 50, subject: f.citizen.idNumber });
    const found = await rows(page);
    assert.deepEqual(found.map((r) => [r.action, r.outcome]), [['exchange.request.sent', 'ok']]);
    const row = page.getByTestId('audit-row').first();
    assert.equal((await row.getByTestId('entry-action').innerText()).trim(), '发出调阅请求');
    assert.equal((await row.getByTestId('entry-actor').innerText()).trim(), '王芳 sh-clerk\n上海市浦东新区行政服务中心');
    assert.equal((await row.getByTestId('entry-outcome').innerText()).trim(), '成功');
    assert.equal((await row.getByTestId('entry-counterparty').innerText()).trim(), '安徽 340000');
    assert.equal((await row.getByTestId('entry-subject').innerText()).trim(), masked);
    assert.equal((await row.getByTestId('entry-matter').innerText()).trim(), `${purpose.serviceItem}\n${purpose.caseId}`);
    assert.match(await row.innerText(), /\d{4}\/\d{2}\/\d{2}\s\d{2}:\d{2}:\d{2}/);
    assert.equal(await row.getByTestId('entry-anchored').getAttribute('data-anchored'), 'true');
    assert.equal((await row.getByTestId('entry-anchored').innerText()).trim(), '已存证');
    assert.equal(await text(page, 'audit-log-count'), '已显示 1 条');
    assert.equal(await text(page, 'no-more'), '没有更早的记录');

    // opened in place: everything the entry records
    await row.getByTestId('audit-toggle').click();
    const detail = page.getByTestId(`audit-detail-${found[0]!.seq}`);
    await detail.waitFor();
    assert.equal(await row.getByTestId('audit-toggle').getAttribute('aria-expanded'), 'true');
    assert.equal(await text(page, 'detail-message-id'), messageId);
    assert.match(await text(page, 'detail-hash'), /^[0-9a-f]{64}$/);
    const detailText = await detail.innerText();
    for (const label of ['操作代码', '请求摘要', '响应摘要', '本条哈希', '前一条哈希', '附加信息', '存证状态', '办件编号']) assert.ok(detailText.includes(label), label);
    assert.match(detailText, /exchange\.request\.sent/);
    assert.match(await text(page, 'detail-resource'), /hukou\.person$/);
    assert.match(await text(page, 'detail-kv'), /route\s+direct/);
    await screenshot(page, 'audit-log-subject-zh-CN.png');

    // ---- to the exchange's result page: the record and the evidence package, none of the clerk's steps ----
    await page.getByTestId('open-exchange').click();
    await page.waitForFunction(`document.querySelector('[data-testid="page-exchange-result"]')?.getAttribute('data-status') === 'completed'`);
    assert.equal(new URL(page.url()).pathname, `/exchange/${messageId}`);
    await page.getByTestId('record-table').waitFor();
    assert.equal(await text(page, 'summary-subject'), masked);
    assert.match(await text(page, 'exchange-summary'), /王芳 \(sh-clerk\)/);
    assert.equal(await text(page, 'back-to-audit-log'), '返回审计日志');
    assert.equal(await page.getByTestId('back-to-exchange').count(), 0, 'no way into the clerk\'s workbench');
    assert.equal(await page.getByTestId('nav-exchange').count(), 0);
    await activeTabInView(page, 'audit-log');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-evidence').click()]);
    assert.equal(download.suggestedFilename(), `tongban-evidence-${messageId}.json`);
    const evidence = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { summary: { messageId: string } };
    assert.equal(evidence.summary.messageId, messageId);
    await screenshot(page, 'audit-log-exchange-auditor-zh-CN.png');

    // back: the same results, still open, without searching again
    const searchesBefore = searches.length;
    await page.getByTestId('back-to-audit-log').click();
    await page.getByTestId(`audit-detail-${found[0]!.seq}`).waitFor();
    assert.deepEqual(await rows(page), found);
    assert.equal(await page.getByTestId('filter-subject').inputValue(), f.citizen.idNumber);
    assert.equal(searches.length, searchesBefore, 'nothing asked (and logged) again');

    // searching again: the first search and the auditor's export are in the log too (this search is
    // appended once it has been answered)
    await search(page);
    const again = await rows(page);
    assert.deepEqual(again.map((r) => r.action), ['exchange.evidence.exported', 'audit.subject-searched', 'exchange.request.sent']);
    const searched = page.getByTestId('audit-row').nth(1);
    assert.equal((await searched.getByTestId('entry-action').innerText()).trim(), '按证件号码查询审计日志');
    assert.equal((await searched.getByTestId('entry-actor').innerText()).trim(), '赵敏 sh-auditor\n上海市大数据中心');
    assert.equal((await searched.getByTestId('entry-subject').innerText()).trim(), masked);
    assert.equal((await searched.getByTestId('entry-anchored').innerText()).trim(), '待存证', 'after the checkpoint');
    await searched.getByTestId('audit-toggle').click();
    assert.match(await page.getByTestId(`audit-detail-${again[1]!.seq}`).getByTestId('detail-kv').innerText(), /^matches\s+1$/);
    assert.equal(await page.getByTestId(`audit-detail-${again[1]!.seq}`).getByTestId('open-exchange').count(), 0, 'a search is no exchange');
    assert.equal((await page.getByTestId('audit-row').nth(0).getByTestId('entry-actor').innerText()).trim(), '赵敏 sh-auditor\n上海市大数据中心');

    // ---- by outcome: the refusal, with its code explained -------------------------------------------------
    await page.getByTestId('search-reset').click();
    await settled(page);
    assert.equal(await page.getByTestId('filter-subject').inputValue(), '');
    await page.getByTestId('filter-outcome').selectOption('refused');
    await search(page);
    assert.deepEqual(JSON.parse(searches.at(-1)!), { limit: 50, outcome: 'refused' });
    const refused = await rows(page);
    assert.deepEqual(refused.map((r) => [r.action, r.outcome]), [['exchange.request.sent', 'refused']]);
    assert.equal(await page.getByTestId('entry-error-code').getAttribute('data-code'), 'E_SUBJECT_NOT_FOUND');
    assert.equal((await page.getByTestId('entry-outcome').innerText()).replace(/\s+/g, ' ').trim(), '被拒绝 E_SUBJECT_NOT_FOUND 未找到该数据主体的记录');
    assert.match(await text(page, 'entry-matter'), /SH-2026-000124/);
    await screenshot(page, 'audit-log-refused-zh-CN.png');

    // ---- paged: 20 at a time ----------------------------------------------------------------------------
    await page.getByTestId('search-reset').click();
    await settled(page);
    await page.getByTestId('filter-action').selectOption('user.password-reset');
    await page.getByTestId('filter-page-size').selectOption('20');
    await search(page);
    assert.deepEqual(JSON.parse(searches.at(-1)!), { limit: 20, action: 'user.password-reset' });
    assert.equal((await rows(page)).length, 20);
    assert.equal(await text(page, 'audit-log-count'), '已显示 20 条');
    assert.equal(await text(page, 'load-more'), '加载更早的记录');
    assert.equal(await page.getByTestId('no-more').count(), 0);
    const first20 = await rows(page);
    await page.getByTestId('load-more').click();
    await page.getByTestId('no-more').waitFor();
    await settled(page);
    const all = await rows(page);
    assert.equal(all.length, 25);
    assert.deepEqual(all.slice(0, 20), first20, 'the older page is appended');
    assert.equal(new Set(all.map((r) => r.seq)).size, 25);
    assert.ok(all.every((r, i) => i === 0 || r.seq < all[i - 1]!.seq));
    assert.deepEqual(JSON.parse(searches.at(-1)!), { limit: 20, action: 'user.password-reset', before: first20.at(-1)!.seq });
    assert.equal(await text(page, 'audit-log-count'), '已显示 25 条');
    assert.equal(await text(page, 'no-more'), '没有更早的记录');

    // ---- bad input: a mistyped ID number and a reversed range are stopped here; the server's refusals shown ----
    const asked = searches.length;
    const wrongDigit = f.citizen.idNumber.slice(0, 17) + (f.citizen.idNumber[17] === '0' ? '1' : '0');
    await page.getByTestId('filter-subject').fill(wrongDigit);
    await page.getByTestId('search-submit').click();
    await page.getByTestId('subject-error').waitFor();
    assert.match(await text(page, 'subject-error'), new RegExp(`^校验码不符\\(按前 17 位应为 ${f.citizen.idNumber[17]}\\),请核对号码$`));
    assert.equal(await page.getByTestId('filter-subject').getAttribute('aria-invalid'), 'true');
    await page.getByTestId('filter-subject').fill('');
    assert.equal(await page.getByTestId('subject-error').count(), 0, 'the problem goes with the change');
    await page.getByTestId('filter-from').fill('2026-11-25');
    await page.getByTestId('filter-to').fill('2026-11-24');
    await page.getByTestId('search-submit').click();
    await page.getByText('起始日期不能晚于截止日期').waitFor();
    await screenshot(page, 'audit-log-invalid-zh-CN.png');
    assert.equal(searches.length, asked, 'nothing sent for either');
    // one day, Beijing time, as UTC bounds
    await page.getByTestId('filter-from').fill('2026-11-24');
    await search(page);
    assert.deepEqual(JSON.parse(searches.at(-1)!), { limit: 20, action: 'user.password-reset', from: '2026-11-23T16:00:00.000Z', to: '2026-11-24T16:00:00.000Z' });
    assert.match(await text(page, 'audit-log-results'), /没有符合条件的记录\s+请调整查询条件后重试。/);
    // letters: a credit code, which only the server checks; its refusal is shown as it words it
    await page.getByTestId('search-reset').click();
    await settled(page);
    await page.getByTestId('filter-subject').fill('91310000ABCDEFGH1X');
    await search(page);
    const refusal = page.getByTestId('search-error');
    await refusal.waitFor();
    assert.equal(await refusal.getAttribute('data-code'), 'E_INVALID_REQUEST');
    assert.match(await refusal.innerText(), /查询失败[\s\S]*请求格式或内容无效[\s\S]*E_INVALID_REQUEST[\s\S]*audit search: subject: /);
    assert.equal((await rows(page)).length, 0);

    // ---- English ------------------------------------------------------------------------------------------
    await page.getByTestId('filter-subject').fill(f.citizen.idNumber);
    await search(page);
    await switchLang(page, 'en');
    assert.equal(await page.locator('h1').first().innerText(), 'Audit log');
    assert.equal(await text(page, 'nav-audit-log'), 'Audit log');
    assert.equal(await text(page, 'nav-audit'), 'Audit anchoring');
    const enRows = page.getByTestId('audit-row');
    assert.equal((await enRows.nth(0).getByTestId('entry-action').innerText()).trim(), 'Audit log searched by ID number');
    assert.equal((await enRows.nth(1).getByTestId('entry-action').innerText()).trim(), 'Evidence package exported');
    assert.equal((await enRows.last().getByTestId('entry-action').innerText()).trim(), 'Request sent');
    assert.equal((await enRows.last().getByTestId('entry-counterparty').innerText()).trim(), 'Anhui 340000');
    assert.match(await text(page, 'subject-note'), /A search by ID number is itself recorded in the audit log/);
    assert.match(await text(page, 'audit-log-count'), /^\d+ entries shown$/);
    await enRows.last().getByTestId('audit-toggle').click();
    await page.getByTestId('open-exchange').waitFor();
    assert.equal(await text(page, 'open-exchange'), 'Open the exchange and its evidence package');
    // nothing of the page left in Chinese but what was recorded so (names, departments, the service item)
    assert.doesNotMatch(await text(page, 'audit-log-filters'), /[\u4e00-\u9fff]/);
    await screenshot(page, 'audit-log-en.png');
    await switchLang(page, 'zh-CN');

    // ---- on a phone ---------------------------------------------------------------------------------------
    const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', deviceScaleFactor: 1 });
    const phone = await signIn(phoneCtx, url, '/audit/log', 'sh-auditor', PASSWORD);
    await phone.getByTestId('page-audit-log').waitFor();
    await settled(phone);
    await activeTabInView(phone, 'audit-log');
    await phone.getByTestId('filter-subject').fill(f.citizen.idNumber);
    await search(phone);
    await phone.getByTestId('audit-row').last().getByTestId('audit-toggle').click();
    await phone.getByTestId('open-exchange').waitFor();
    await noHorizontalOverflow(phone);
    await screenshot(phone, 'audit-log-390-zh-CN.png');
    await phone.getByTestId('open-exchange').click();
    await phone.getByTestId('record-table').waitFor();
    await noHorizontalOverflow(phone);
    await activeTabInView(phone, 'audit-log');

    // ---- a clerk: no entry, and the page turned away -------------------------------------------------------
    const clerkCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const clerk = await signIn(clerkCtx, url, '/audit/log', 'sh-clerk', 'correct-horse-42');
    await clerk.getByTestId('forbidden').waitFor();
    assert.equal(await clerk.getByTestId('nav-audit-log').count(), 0);
    assert.equal(await clerk.getByTestId('nav-audit').count(), 0);
    // the clerk's own exchange still opens for her, with her way back to the workbench
    await clerk.goto(`${url}/exchange/${messageId}`);
    await clerk.getByTestId('back-to-exchange').waitFor();
    await activeTabInView(clerk, 'exchange');

    // the one refusal the page met was the server's, meant (the credit code); nothing else failed
    assert.deepEqual(
      failures.filter((x) => !x.startsWith(`400 POST ${SEARCH_PATH}`) && !/status of 400/.test(x)),
      [],
    );
    assert.equal(failures.filter((x) => x.startsWith('400 ')).length, 1);
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await f?.close();
  }
});
