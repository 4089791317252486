// End-to-end: the 数据源状态 (source status) console page in Chromium.
//  1. The demo federation: 安徽's data administrator signs in and sees the node's five registry resources
//     (正常 / 未读取, nothing read since the start); a 上海 clerk fetches a household record from 安徽
//     and the page, refreshing itself, shows the read (正常, one read, a last success); English on request.
//     安徽's clerk has no navigation entry and gets the administrators-only message on the URL (403).
//  2. A small federation whose 安徽 node has a CSV source with broken lines, an HTTP source that is down
//     (breaker open) and a published resource whose adapter is not configured: problems first, the
//     counts, the last error, the breaker, the quality problems and the source details; 1280 and 390 px.
// Screenshots in test-results/ (sources-*).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { noHorizontalOverflow, screenshot, text } from './helpers.js';
import { startDemo, type RunningDemo } from '../src/sim/demo.js';
import { sampleMigrants } from '../src/sim/registries/index.js';
import { makeIdNumber } from '../src/core/ids/index.js';
import { createUser } from '../src/identity/index.js';
import type { CatalogActor } from '../src/catalog/store.js';
import { exchangeFixture, purpose, type ExchangeFixture } from '../test/helpers/exchange.js';
import { goodResource } from '../test/catalog/fixtures.js';

const REGISTRY_RESOURCES = ['hukou.person', 'marriage.record', 'market.entity', 'medical.insurance', 'social.pension'];
/** the order the page lists states in: problems first */
const STATE_ORDER = ['down', 'unconfigured', 'degraded', 'unknown', 'ok'];

async function signIn(page: Page, base: string, next: string, user: string, password: string): Promise<void> {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

async function rowStates(page: Page): Promise<Array<{ id: string; state: string }>> {
  return (await page.evaluate(
    `[...document.querySelectorAll('[data-testid^="source-row-"]')].map((r) => ({ id: r.getAttribute('data-testid').slice('source-row-'.length), state: r.getAttribute('data-state') }))`,
  )) as Array<{ id: string; state: string }>;
}

async function counts(page: Page): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of STATE_ORDER) out[s] = Number(await page.getByTestId(`sources-count-${s}`).getAttribute('data-count'));
  return out;
}

function assertProblemsFirst(rows: Array<{ state: string }>): void {
  const ranks = rows.map((r) => STATE_ORDER.indexOf(r.state));
  assert.ok(ranks.every((r) => r >= 0), JSON.stringify(rows));
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `problems first: ${JSON.stringify(rows)}`);
}

test('数据源状态 on the demo: 安徽\'s administrator sees the five registry resources, a 上海 clerk\'s exchange moves the read count (auto-refresh); a clerk gets the administrators-only message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-e2e-sources-'));
  let demo: RunningDemo | undefined;
  let browser: Browser | undefined;
  try {
    demo = await startDemo({ dataDir: dir, basePort: 0, citizens: 1000, suite: 'ed25519', seed: 'e2e-sources', probeSeconds: 0 });
    const ah = demo.nodes.find((n) => n.config.region.code === '340000')!;
    const sh = demo.nodes.find((n) => n.config.region.code === '310000')!;
    const admin = demo.users['340000']!.find((u) => u.roles.includes('admin'))!;
    const ahClerk = demo.users['340000']!.find((u) => u.roles.includes('clerk'))!;
    const shClerk = demo.users['310000']!.find((u) => u.roles.includes('clerk'))!;

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // a visitor is sent to sign in, and back to the page afterwards
    await page.goto(`${ah.url}/sources`);
    await page.getByTestId('login-form').waitFor();
    assert.match(page.url(), /\/login\?next=%2Fsources$/);
    await page.getByTestId('login-user').fill(admin.id);
    await page.getByTestId('login-password').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('sources-table').waitFor();
    assert.equal(await text(page, 'nav-sources'), '数据源状态');
    assert.match((await page.getByTestId('nav-sources').getAttribute('class')) ?? '', /is-active/);
    assert.equal(await page.locator('h1').first().innerText(), '数据源状态');

    // the five registry resources, served by their sql adapters, nothing read yet
    const before = await rowStates(page);
    assert.deepEqual(before.map((r) => r.id).sort(), [...REGISTRY_RESOURCES].sort());
    for (const r of before) {
      assert.ok(r.state === 'ok' || r.state === 'unknown', `${r.id}: ${r.state}`);
      const row = page.getByTestId(`source-row-${r.id}`);
      assert.match(await row.getByTestId('source-status').innerText(), r.state === 'ok' ? /正常/ : /未读取/);
      assert.equal(await row.getAttribute('data-served'), 'true');
      assert.equal((await row.getByTestId('source-kind').innerText()).trim(), '数据库表');
    }
    assertProblemsFirst(before);
    const hukou = page.getByTestId('source-row-hukou.person');
    assert.equal(await hukou.getAttribute('data-reads-ok'), '0');
    assert.equal((await hukou.getByTestId('source-adapter').innerText()).trim(), 'registries.hukou_person');
    assert.equal((await hukou.getByTestId('source-owner').innerText()).trim(), '安徽省公安厅 · 人口信息管理系统');
    assert.match(await hukou.getByTestId('last-success').innerText(), /^成功\s+—$/);
    assert.match(await hukou.getByTestId('breaker').innerText(), /熔断器\s*未熔断/);
    assert.deepEqual(await counts(page), { down: 0, unconfigured: 0, degraded: 0, unknown: 5, ok: 0 });

    // the details: what the adapter reads
    await hukou.getByTestId('source-toggle').click();
    const details = page.getByTestId('source-details');
    await details.waitFor();
    assert.match(await details.innerText(), /表或视图\s+hukou_person/);
    assert.match(await details.innerText(), /连接\s+registries/);
    assert.match(await details.innerText(), /未发现数据源层面的质量问题/);
    await screenshot(page, 'sources-demo-zh-CN.png');

    // the name leads to the resource's catalogue entry
    assert.equal(await hukou.getByTestId('source-link').getAttribute('href'), '/catalog/resources/hukou.person');

    // a 上海 clerk fetches the household record of a 居住证 holder whose hukou is in 安徽
    const [migrant] = await sampleMigrants(`sqlite:${join(dir, '310000', 'registries.db')}`, { hukouProvince: '340000', limit: 1 });
    assert.ok(migrant);
    const login = await fetch(`${sh.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: shClerk.id, password: shClerk.password }) });
    assert.equal(login.status, 200);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const exchanged = await fetch(`${sh.url}/api/exchange/requests`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: migrant.idNumber }, fields: ['name', 'registeredDivision'], purpose: { serviceItem: '户口迁移(工作调动)', caseId: 'SH-E2E-SRC-1' } }),
    });
    const body = (await exchanged.json()) as { exchange: { status: string } };
    assert.equal(body.exchange.status, 'completed', JSON.stringify(body));

    // the page refreshes itself (every 15 s): one read, 正常, a last success
    await page.waitForFunction(`document.querySelector('[data-testid="source-row-hukou.person"]')?.getAttribute('data-reads-ok') === '1'`, null, { timeout: 25_000 });
    assert.equal(await hukou.getAttribute('data-state'), 'ok');
    assert.match(await hukou.getByTestId('source-status').innerText(), /正常/);
    assert.equal(await hukou.getByTestId('reads-ok').getAttribute('data-count'), '1');
    assert.match(await hukou.getByTestId('last-success').innerText(), /^成功\s+刚刚\s+\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.match(await hukou.getByTestId('last-error-at').innerText(), /^失败\s+—$/);
    assert.deepEqual(await counts(page), { down: 0, unconfigured: 0, degraded: 0, unknown: 4, ok: 1 });
    const after = await rowStates(page);
    assertProblemsFirst(after);
    assert.equal(after.at(-1)?.id, 'hukou.person', 'the healthy source is listed after those not read yet');
    assert.equal(await page.getByTestId('source-details').count(), 1, 'the open details stay open across refreshes');
    await screenshot(page, 'sources-demo-read-zh-CN.png');

    // English on request
    await page.getByTestId('lang-option-en').click();
    await page.waitForFunction("document.documentElement.lang === 'en'");
    assert.equal(await text(page, 'nav-sources'), 'Source status');
    assert.match(await hukou.getByTestId('source-status').innerText(), /OK/);
    assert.match(await page.getByTestId('source-row-marriage.record').getByTestId('source-status').innerText(), /Not read yet/);
    assert.match(await page.getByTestId('source-details').innerText(), /Table or view\s+hukou_person/);
    assert.equal(await hukou.getByTestId('source-link').innerText(), 'Household registration: person', 'resource names in English too');
    await screenshot(page, 'sources-demo-en.png');
    await page.getByTestId('lang-option-zh-CN').click();

    // 安徽's clerk: no navigation entry, and the URL says administrators only (the server's 403)
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-form').waitFor();
    await signIn(page, ah.url, '/sources', ahClerk.id, ahClerk.password);
    await page.getByTestId('sources-forbidden').waitFor();
    assert.equal(await page.getByTestId('nav-sources').count(), 0);
    assert.equal(await page.getByTestId('nav-exchange').count(), 1);
    assert.match(await text(page, 'sources-forbidden'), /仅限数据管理员/);
    assert.match(await text(page, 'sources-forbidden'), /只向本节点的数据管理员开放/);
    assert.equal(await page.getByTestId('sources-table').count(), 0);
    assert.equal(await page.getByTestId('refresh').count(), 0);
    assert.equal(await page.evaluate("fetch('/api/exchange/sources').then((r) => r.status)"), 403);
    await screenshot(page, 'sources-forbidden-zh-CN.png');
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const CITIZEN = makeIdNumber('340104', '19900101', 123);
const OTHER = makeIdNumber('340104', '19850505', 77);
const writer: CatalogActor = { type: 'user', id: 'ah-admin' };
const approver: CatalogActor = { type: 'user', id: 'ah-approver' };

function resource(id: string, zh: string, department: string, system: string, adapter: string) {
  return goodResource({
    id,
    name: { zh, en: id },
    summary: zh,
    department: { name: department },
    fields: [
      { name: 'name', element: 'TB.PERSON.NAME', label: { zh: '姓名', en: 'Name' }, sensitivity: 'general' },
      { name: 'division', element: 'TB.INSURED.DIVISION', label: { zh: '所在地', en: 'Division' }, sensitivity: 'general' },
    ],
    source: { adapter, system },
  });
}

test('数据源状态 with problems: a source that is down (breaker open), an adapter not configured and a CSV file with broken lines come first, with the last error, breaker, quality and source details', async () => {
  const drops = mkdtempSync(join(tmpdir(), 'tongban-e2e-sources-drops-'));
  // line 3 has a field too few, line 4 an empty key
  writeFileSync(join(drops, 'fund.csv'), `身份证号,姓名,缴存地,更新时间\n${CITIZEN},张三,安徽省合肥市,2026-10-31\n${OTHER},李四\n,王五,安徽省芜湖市,2026-10-31\n`);
  let f: ExchangeFixture | undefined;
  let browser: Browser | undefined;
  try {
    f = await exchangeFixture('sqlite', {
      ahSettings: {
        adapters: {
          fileRoots: [drops],
          sources: {
            'fund.accounts': { kind: 'csv', path: join(drops, 'fund.csv'), keys: ['身份证号'], fields: { name: '姓名', division: '缴存地' }, dataTime: '更新时间', reloadCheckMs: 0 },
            // nothing listens on port 9: the connection is refused at once
            'tax.api': { kind: 'http', url: 'http://127.0.0.1:9/api/taxpayer/{subject}', retries: 0, timeoutMs: 2000, breaker: { failures: 1, coolDownMs: 600_000 }, fields: { name: 'name', division: 'division' } },
          },
        },
      },
    });
    const ah = f.ah.server;
    const catalog = ah.catalog!;
    for (const r of [
      resource('housing.fund', '住房公积金缴存信息', '安徽省住房公积金管理中心', '公积金业务系统', 'fund.accounts'),
      resource('tax.record', '个人纳税信息', '国家税务总局安徽省税务局', '金税三期', 'tax.api'),
      resource('housing.loan', '住房公积金贷款信息', '安徽省住房公积金管理中心', '公积金贷款系统', 'fund.loans'),
    ]) {
      await catalog.create('resource', r, writer);
      await catalog.submit('resource', r.id, writer);
      await catalog.approve('resource', r.id, approver);
    }
    const ask = async (res: string) =>
      (await f!.clerk('/api/exchange/requests', { body: { target: '340000', resource: res, subject: { type: 'citizen', idNumber: CITIZEN }, fields: ['name', 'division'], purpose } })).body.exchange;
    assert.equal((await ask('housing.fund')).status, 'completed');
    const refused = await ask('tax.record');
    assert.equal(refused.status, 'failed');
    assert.equal(refused.error.code, 'E_SOURCE_UNAVAILABLE');

    await createUser(ah.store.db, { server: 'node', id: 'ah-admin', name: '吴海峰', department: '安徽省数据资源管理局', regionCode: '340000', roles: ['admin'], password: 'correct-horse-43' }, { actor: 'e2e' });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, ah.url, '/sources', 'ah-admin', 'correct-horse-43');
    await page.getByTestId('sources-table').waitFor();

    // problems first: down, not configured, quality problems, then the registries not read yet
    const rows = await rowStates(page);
    assert.deepEqual(rows.slice(0, 3), [
      { id: 'tax.record', state: 'down' },
      { id: 'housing.loan', state: 'unconfigured' },
      { id: 'housing.fund', state: 'degraded' },
    ]);
    assertProblemsFirst(rows);
    assert.deepEqual(await counts(page), { down: 1, unconfigured: 1, degraded: 1, unknown: 5, ok: 0 });

    // down: the last error, one failure in a row, the breaker open until a time, the read counts
    const tax = page.getByTestId('source-row-tax.record');
    assert.match(await tax.getByTestId('source-status').innerText(), /中断/);
    assert.match(await tax.getByTestId('consecutive-failures').innerText(), /连续失败 1 次/);
    assert.equal(await tax.getByTestId('breaker').getAttribute('data-state'), 'open');
    assert.match(await tax.getByTestId('breaker').innerText(), /^熔断器 已熔断\s+至 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \(10分钟后\)$/);
    assert.equal(await tax.getByTestId('reads-failed').getAttribute('data-count'), '1');
    assert.equal((await tax.getByTestId('source-kind').innerText()).trim(), 'HTTP 接口');
    assert.match(await tax.getByTestId('last-error-at').innerText(), /^失败\s+刚刚\s+\d{4}\//);
    const lastError = await text(page, 'source-error-tax.record');
    assert.match(lastError, /最近错误/);
    assert.ok(!lastError.includes(CITIZEN), 'no personal data in the error');

    // not configured: no health, the reason in the details
    const loan = page.getByTestId('source-row-housing.loan');
    assert.match(await loan.getByTestId('source-status').innerText(), /未配置适配器/);
    assert.equal(await loan.getAttribute('data-served'), 'false');
    assert.equal((await loan.getByTestId('source-adapter').innerText()).trim(), 'fund.loans');
    await loan.getByTestId('source-toggle').click();
    assert.match(await page.locator('#source-details-housing\\.loan').innerText(), /fund\.loans.*adapters\.sources/s);

    // quality problems: the broken lines, the file and its row count
    const fund = page.getByTestId('source-row-housing.fund');
    assert.match(await fund.getByTestId('source-status').innerText(), /质量问题/);
    assert.equal(await fund.getByTestId('reads-ok').getAttribute('data-count'), '1');
    await fund.getByTestId('source-toggle').click();
    const fundDetails = page.locator('#source-details-housing\\.fund');
    await fundDetails.waitFor();
    const items = await fundDetails.getByTestId('quality-item').allInnerTexts();
    assert.deepEqual(items.map((i) => i.replace(/:.*/, '')), ['fund.csv line 3', 'fund.csv line 4']);
    assert.match(await fundDetails.innerText(), /文件\s+fund\.csv/);
    assert.match(await fundDetails.innerText(), /有效行数\s+1/);
    assert.match(await fundDetails.innerText(), /损坏行数\s+2/);
    await noHorizontalOverflow(page);
    await screenshot(page, 'sources-problems-zh-CN.png');

    await page.getByTestId('lang-option-en').click();
    await page.waitForFunction("document.documentElement.lang === 'en'");
    assert.match(await tax.getByTestId('breaker').innerText(), /^Breaker open\s+until \w{3} \d{2}, \d{4}, \d{2}:\d{2}:\d{2} \(in 10 minutes\)$/);
    assert.match(await loan.getByTestId('source-status').innerText(), /Adapter not configured/);
    await noHorizontalOverflow(page);
    await screenshot(page, 'sources-problems-en.png');

    // a phone: one card per source, nothing wider than the screen
    await page.setViewportSize({ width: 390, height: 844 });
    await noHorizontalOverflow(page);
    await screenshot(page, 'sources-problems-390-en.png');
    await page.getByTestId('lang-option-zh-CN').click();
    await page.waitForFunction("document.documentElement.lang === 'zh-CN'");
    await noHorizontalOverflow(page);
    await screenshot(page, 'sources-problems-390-zh-CN.png');
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await f?.close();
    rmSync(drops, { recursive: true, force: true });
  }
});
