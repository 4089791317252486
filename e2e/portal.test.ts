// End-to-end: the data portal and the catalogue console on the demo federation, in Chromium.
//  1. A visitor on 上海's portal searches 户口 and finds entries of several regions (the federation's
//     directory), filters by region, opens the 办事指南 of 上海's 户口迁移(夫妻投靠) — the demo's 实施清单
//     (src/sim/demo-items.ts) — and sees 免提交 materials with the region and department that supply
//     them, then that resource's catalogue card; then a 贵州 item whose material 浙江 supplies; on a
//     390 px phone too.
//  2. 上海's data administrator creates a resource with an invalid field (the catalogue's problem is shown
//     next to that field), fixes it and submits it; checks a broken 实施清单 (line-numbered problems),
//     fixes and imports it.
//  3. The demo's reviewer (审核人) reviews the new resource (diff, history) and approves it; returns the
//     imported item with a reason. The resource appears in the portal.
//  4. The hub stops: the portal says its directory is this node's cache.
// A visitor's pages — the portal, the sign-in page, and the hub's pages — load without a failed request
// or a console error.
// Screenshots in test-results/ (portal-*, catalog-*), 1280 and 390 px, zh-CN and en.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { apiSignIn, noHorizontalOverflow, recordFailures, screenshot, signIn, text } from './helpers.js';
import { startDemo, type RunningDemo } from '../src/sim/demo.js';
import { DEMO_GUIDE_NOTE, nationalCodeOf } from '../src/sim/demo-items.js';

/** 上海's implementation of a national item in the demo's 实施清单: two of its materials come from 安徽's registries (免提交). */
const ITEM_CODE = nationalCodeOf('户口迁移(夫妻投靠)');
/** 贵州's 失业登记 for migrant workers back from 浙江: their employment record comes from 浙江's registries. */
const GZ_ITEM_CODE = nationalCodeOf('失业登记');

const CSV_HEADER = '实施编码,事项名称,实施部门,通办模式,时限,办理流程,申请材料';
const BROKEN_CSV = [
  CSV_HEADER,
  'SH-RS-E2E-01,失业登记,上海市人力资源和社会保障局,全程网办,5,"网上申请, 窗口核验",身份证明=resource:hukou.person(name)',
  'SH-RS-E2E-02,企业职工基本养老保险关系转移接续,上海市社会保险事业管理中心,异地代收代办,400,,参保缴费凭证=resource:340000:social.pension',
].join('\n');
const GOOD_CSV = BROKEN_CSV.replace(',400,', ',15,');

test('data portal: search the federation, an item guide with 免提交 materials; catalogue console: create, fix, submit, import, review, approve, see it published', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-e2e-portal-'));
  let demo: RunningDemo | undefined;
  let browser: Browser | undefined;
  try {
    demo = await startDemo({ dataDir: dir, basePort: 0, citizens: 1000, suite: 'ed25519', seed: 'e2e-portal', probeSeconds: 0 });
    const sh = demo.nodes.find((n) => n.config.region.code === '310000')!;
    const base = sh.url;
    const admin = demo.users['310000']!.find((u) => u.roles.includes('admin'))!;
    // the demo's reviewer: the four eyes of the catalogue (an administrator drafts, a reviewer approves)
    const approver = demo.users['310000']!.find((u) => u.roles.includes('approver'))!;
    assert.deepEqual([approver.id, approver.department], ['sh-approver', '上海市大数据中心']);
    const adminCookie = await apiSignIn(base, admin.id, admin.password);

    // the demo published its 实施清单 on start; the published items reach the hub, and 上海's copy of the
    // directory (上海's own item, and 贵州's)
    for (const [region, q, code] of [['310000', '夫妻投靠', ITEM_CODE], ['520000', '失业登记', GZ_ITEM_CODE]] as const) {
      for (let i = 0; ; i++) {
        const r = (await (await fetch(`${base}/api/directory/search?q=${encodeURIComponent(q)}&region=${region}`)).json()) as { hits: Array<{ id: string }> };
        if (r.hits.some((h) => h.id === code)) break;
        assert.ok(i < 100, `the ${region} item ${code} reaches the directory`);
        await sh.directory!.sync.syncNow().catch(() => undefined);
        await new Promise((ok) => setTimeout(ok, 200));
      }
    }

    browser = await launchChromium();
    const errors: string[] = [];
    const watch = (p: Page) => p.on('pageerror', (e) => errors.push(e.message));

    // ---- 1. a visitor on the portal ------------------------------------------------------------------
    const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    // not being signed in is no error: the portal and the sign-in page ask who is there (GET /api/session,
    // answered with user: null) without a failed request or an error in the browser's console
    const quiet = await visitor.newPage();
    const failures = recordFailures(quiet);
    await quiet.goto(`${base}/portal`);
    await quiet.getByTestId('directory-source').waitFor();
    await quiet.getByTestId('sign-in-link').waitFor();
    await quiet.waitForLoadState('networkidle');
    await quiet.goto(`${base}/login`);
    await quiet.getByTestId('login-form').waitFor();
    await quiet.waitForLoadState('networkidle');
    assert.deepEqual(failures, [], 'the portal and the sign-in page load without failures');
    await quiet.close();

    // the hub's pages ask only for what the hub serves (who is signed in: its operators; not the state of
    // a node's copy of the directory, /api/directory/status): no 404, nothing failed
    const atHub = await visitor.newPage();
    const hubFailures = recordFailures(atHub);
    const hubUrl = demo.hub.url;
    const hubPages: Array<[string, string]> = [
      ['/', 'page-overview'],
      ['/federation', 'members-table'],
      [`/portal?q=${encodeURIComponent('户口')}`, 'hits'],
      [`/portal/items/310000/${ITEM_CODE}`, 'materials'],
      ['/login', 'login-form'],
    ];
    for (const [path, testId] of hubPages) {
      await atHub.goto(`${hubUrl}${path}`);
      await atHub.getByTestId(testId).waitFor();
      await atHub.waitForLoadState('networkidle');
    }
    await atHub.goto(`${hubUrl}/portal`);
    await atHub.waitForFunction(`document.querySelector('[data-testid="directory-source"]')?.getAttribute('data-source') === 'hub'`);
    await atHub.waitForLoadState('networkidle');
    assert.deepEqual(hubFailures, [], "the hub's pages load without failures");
    await atHub.close();

    const page = await visitor.newPage();
    watch(page);
    await page.goto(`${base}/`);
    await page.getByTestId('nav-portal').click();
    await page.getByTestId('page-portal').waitFor();
    await page.getByTestId('portal-search-input').fill('户口');
    await page.getByTestId('portal-search-submit').click();
    await page.waitForURL(/\/portal\?q=%E6%88%B7%E5%8F%A3$/);
    await page.getByTestId('hits').waitFor();
    const total = Number(await page.getByTestId('result-count').getAttribute('data-total'));
    assert.ok(total >= 10, `户口 finds entries (${total})`);
    const regions = new Set(await page.locator('[data-testid="hits"] > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-region'))));
    assert.ok(regions.size >= 3, `results come from several regions: ${[...regions].join(', ')}`);
    assert.equal(await page.getByTestId('directory-source').getAttribute('data-source'), 'cache');
    assert.notEqual(await page.getByTestId('directory-source').getAttribute('data-hub'), 'down');
    assert.equal(await page.locator('[data-testid="hits"] mark').first().innerText(), '户口', 'matches are highlighted');
    // facet counts for every region of the federation
    for (const code of ['310000', '320000', '330000', '340000', '520000']) await page.getByTestId(`facet-region-${code}`).waitFor();
    await screenshot(page, 'portal-search-zh-CN.png');

    // filter by region: 上海 only
    await page.getByTestId('facet-region-310000').click();
    await page.waitForURL(/region=310000/);
    await page.waitForFunction(`[...document.querySelectorAll('[data-testid="hits"] > li')].every((e) => e.getAttribute('data-region') === '310000')`);
    await page.getByTestId('active-filter-region-310000').waitFor();
    assert.ok(Number(await page.getByTestId('result-count').getAttribute('data-total')) < total);
    await screenshot(page, 'portal-filtered-zh-CN.png');

    // the item's guide: a 免提交 material, supplied by 安徽's public security department
    await page.getByTestId(`hit-item-310000-${ITEM_CODE}`).getByTestId('hit-link').click();
    await page.getByTestId('page-portal-item').waitFor();
    await page.getByTestId('materials').waitFor();
    assert.equal(await page.getByTestId('material-0').getAttribute('data-exempt'), 'false');
    const exempt = page.getByTestId('material-1');
    assert.equal(await exempt.getAttribute('data-exempt'), 'true');
    assert.match(await exempt.getByTestId('material-exempt').innerText(), /免提交/);
    const supply = exempt.getByTestId('material-supply');
    assert.equal(await supply.getAttribute('data-region'), '340000');
    assert.equal((await supply.getByTestId('supply-region').innerText()).trim(), '安徽');
    await page.waitForFunction(`document.querySelector('[data-testid="material-1"] [data-testid="supply-department"]')?.textContent === '安徽省公安厅'`);
    assert.equal(await supply.getByTestId('supply-link').getAttribute('href'), '/portal/resources/340000/hukou.person');
    assert.match(await text(page, 'item-time-limit'), /20 个工作日/);
    assert.match(await text(page, 'item-modes'), /多地联办/);
    // a confirmed national item, as 上海 implements it: the origin stays national, the guide says it is demo data
    assert.equal(await page.getByTestId('item-origin').getAttribute('data-origin'), 'national-confirmed');
    assert.ok((await text(page, 'item-origin')).includes('公安部'));
    assert.equal(await text(page, 'item-department'), '上海市公安局');
    assert.ok((await text(page, 'guide-conditions')).includes(DEMO_GUIDE_NOTE));
    assert.equal(await page.getByTestId('item-pending').count(), 0, 'nothing pending any more');
    await page.waitForFunction(`document.querySelector('[data-testid="material-2"] [data-testid="supply-department"]')?.textContent === '安徽省民政厅'`);
    await screenshot(page, 'portal-item-zh-CN.png');

    // … and the catalogue card of the resource that supplies it
    await supply.getByTestId('supply-link').click();
    await page.getByTestId('page-portal-resource').waitFor();
    await page.getByTestId('resource-fields').waitFor();
    assert.equal(await text(page, 'resource-department'), '安徽省公安厅');
    assert.equal(await page.getByTestId('resource-sharing').getAttribute('data-sharing'), 'conditional');
    assert.match(await text(page, 'resource-field-registeredAddress'), /TB\.PERSON\.ADDRESS[\s\S]*敏感个人信息/);
    assert.match(await text(page, 'resource-source-system'), /人口信息管理系统/);
    await screenshot(page, 'portal-resource-zh-CN.png');
    await page.getByTestId('back-to-portal').click();
    await page.getByTestId('page-portal-item').waitFor();

    // another region's item on 上海's portal: 贵州's 失业登记, whose employment record 浙江 supplies
    await page.goto(`${base}/portal?q=${encodeURIComponent('失业登记')}`);
    await page.getByTestId('facet-region-520000').click();
    await page.waitForURL(/region=520000/);
    await page.getByTestId(`hit-item-520000-${GZ_ITEM_CODE}`).getByTestId('hit-link').click();
    await page.getByTestId('page-portal-item').waitFor();
    await page.getByTestId('materials').waitFor();
    assert.equal(await text(page, 'item-department'), '贵州省人力资源和社会保障厅');
    assert.equal(await page.getByTestId('material-0').getAttribute('data-exempt'), 'false', 'the ID card is shown at the window');
    const fromZj = page.getByTestId('material-1');
    assert.equal(await fromZj.getAttribute('data-exempt'), 'true');
    const zjSupply = fromZj.getByTestId('material-supply');
    assert.equal(await zjSupply.getAttribute('data-region'), '330000');
    assert.equal(await zjSupply.getAttribute('data-resource'), 'social.pension');
    assert.equal((await zjSupply.getByTestId('supply-region').innerText()).trim(), '浙江');
    await page.waitForFunction(`document.querySelector('[data-testid="material-1"] [data-testid="supply-department"]')?.textContent === '浙江省人力资源和社会保障厅'`);
    assert.match(await zjSupply.innerText(), /参保单位/, 'the fields it supplies, by their labels');
    assert.match(await text(page, 'item-modes'), /全程网办/);
    await screenshot(page, 'portal-item-gz-zh-CN.png');
    await page.goto(`${base}/portal/items/310000/${ITEM_CODE}`);
    await page.getByTestId('materials').waitFor();

    // English
    await page.getByTestId('lang-option-en').click();
    await page.waitForFunction("document.documentElement.lang === 'en'");
    assert.match(await page.getByTestId('material-1').getByTestId('material-exempt').innerText(), /No need to bring/);
    assert.match(await text(page, 'item-time-limit'), /20 working days/);
    await screenshot(page, 'portal-item-en.png');
    await page.goto(`${base}/portal?q=${encodeURIComponent('户口')}`);
    await page.getByTestId('hits').waitFor();
    assert.match(await text(page, 'result-count'), /results for “户口”/);
    await screenshot(page, 'portal-search-en.png');

    // a citizen's phone, 390 px: the guide and the search with its filters folded away
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', deviceScaleFactor: 1 });
    const mobile = await phone.newPage();
    watch(mobile);
    await mobile.goto(`${base}/portal/items/310000/${ITEM_CODE}`);
    await mobile.getByTestId('materials').waitFor();
    await mobile.waitForFunction(`document.querySelector('[data-testid="material-1"] [data-testid="supply-department"]')?.textContent === '安徽省公安厅'`);
    await noHorizontalOverflow(mobile);
    await screenshot(mobile, 'portal-item-390-zh-CN.png');
    await mobile.goto(`${base}/portal?q=${encodeURIComponent('户口')}`);
    await mobile.getByTestId('hits').waitFor();
    assert.equal(await mobile.getByTestId('portal-filters').isVisible(), false, 'filters are folded on a phone');
    await mobile.getByTestId('filters-toggle').click();
    await mobile.getByTestId('facet-region-340000').click();
    await mobile.waitForURL(/region=340000/);
    await mobile.waitForFunction(`[...document.querySelectorAll('[data-testid="hits"] > li')].every((e) => e.getAttribute('data-region') === '340000')`);
    await noHorizontalOverflow(mobile);
    await screenshot(mobile, 'portal-search-390-zh-CN.png');
    await mobile.goto(`${base}/portal/items/310000/${ITEM_CODE}?lang=en`);
    await mobile.getByTestId('materials').waitFor();
    await noHorizontalOverflow(mobile);
    await screenshot(mobile, 'portal-item-390-en.png');
    await mobile.goto(`${base}/portal/resources/340000/hukou.person?lang=zh-CN`);
    await mobile.getByTestId('resource-fields').waitFor();
    await noHorizontalOverflow(mobile);
    await screenshot(mobile, 'portal-resource-390-zh-CN.png');

    // ---- 2. the data administrator ----------------------------------------------------------------------
    const adminCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const ap = await signIn(adminCtx, base, '/catalog', admin.id, admin.password);
    watch(ap);
    await ap.getByTestId('page-catalog').waitFor();
    await ap.getByTestId('catalog-row-hukou.person').waitFor();
    assert.equal(await ap.getByTestId('catalog-row-hukou.person').getAttribute('data-status'), 'published');
    await screenshot(ap, 'catalog-list-zh-CN.png');

    await ap.getByTestId('new-resource').click();
    await ap.getByTestId('page-resource-edit').waitFor();
    await ap.getByTestId('res-id').fill('housing.fund');
    await ap.getByTestId('res-name-zh').fill('住房公积金缴存信息');
    await ap.getByTestId('res-name-en').fill('Housing provident fund contributions');
    await ap.getByTestId('res-summary').fill('职工住房公积金缴存状态与缴存地,供异地购房提取、贷款等事项核验。');
    await ap.getByTestId('res-department').fill('上海市住房公积金管理中心');
    // the first field's name is not a valid field name (it must start with a letter)
    await ap.getByTestId('field-0-name').fill('身份证号');
    await ap.getByTestId('field-0-element').selectOption('TB.PERSON.ID_NUMBER');
    assert.equal(await ap.getByTestId('field-0-label-zh').inputValue(), '公民身份号码', 'the element brings its name');
    assert.equal(await ap.getByTestId('field-0-sensitivity').inputValue(), 'sensitive', 'and its sensitivity');
    await ap.getByTestId('add-field').click();
    await ap.getByTestId('field-1-name').fill('name');
    await ap.getByTestId('field-1-element').selectOption('TB.PERSON.NAME');
    await ap.getByTestId('res-condition').fill('仅用于办理住房公积金跨省通办事项,须经申请人授权。');
    await ap.getByTestId('method-system-interface').check();
    await ap.getByTestId('res-category').fill('人口');
    await ap.getByTestId('grade-important').click();
    await ap.getByTestId('res-update-cycle').selectOption('monthly');
    await ap.getByTestId('res-source-system').fill('住房公积金业务系统');
    await ap.getByTestId('res-source-adapter').fill('housing.fund_account');
    await ap.getByTestId('save-submit').click();
    // the catalogue refuses it, naming the field; the problem is shown next to that field
    await ap.getByTestId('form-problems').waitFor();
    assert.equal(await ap.getByTestId('form-problems').getAttribute('data-code'), 'E_INVALID_REQUEST');
    const problem = ap.getByTestId('problem-fields[0].name');
    await problem.waitFor();
    assert.match(await problem.innerText(), /字母开头/);
    assert.ok(await ap.getByTestId('field-row-0').getByTestId('problem-fields[0].name').isVisible(), 'in the field\'s own row');
    assert.equal(await ap.getByTestId('field-0-name').getAttribute('aria-invalid'), 'true');
    assert.equal(await ap.getByTestId('page-resource-edit').getAttribute('data-mode'), 'create');
    // the list above the form names the field as the form labels it, not by its path
    assert.match(await ap.getByTestId('form-problems').innerText(), /第 1 个字段 · 字段名/);
    assert.doesNotMatch(await ap.getByTestId('form-problems').innerText(), /fields\[0\]/);
    await screenshot(ap, 'catalog-edit-problem-zh-CN.png');
    // nothing was created
    assert.equal((await fetch(`${base}/api/catalog/resources/housing.fund`, { headers: { cookie: adminCookie } })).status, 404);

    await ap.getByTestId('field-0-name').fill('idNumber');
    await ap.getByTestId('save-submit').click();
    await ap.getByTestId('page-catalog-entry').waitFor();
    assert.equal(await ap.getByTestId('step-done').getAttribute('data-step'), 'submit');
    assert.equal(await ap.getByTestId('entry-status').getAttribute('data-status'), 'in-review');
    await ap.getByTestId('in-review-banner').waitFor();
    assert.equal(await ap.getByTestId('step-approve').count(), 0, 'an administrator does not approve');
    await ap.getByTestId('history-submitted').waitFor();
    await screenshot(ap, 'catalog-submitted-zh-CN.png');

    // a new version of a published resource: it stays in force while the change is reviewed
    await ap.goto(`${base}/catalog/resources/hukou.person`);
    await ap.getByTestId('step-edit').click();
    await ap.getByTestId('page-resource-edit').waitFor();
    await ap.waitForFunction(`document.querySelector('[data-testid="res-id"]')?.value === 'hukou.person'`);
    assert.equal(await ap.getByTestId('res-id').isDisabled(), true, 'an id never changes');
    await ap.getByTestId('res-update-cycle').selectOption('realtime');
    await ap.getByTestId('save-submit').click();
    await ap.getByTestId('page-catalog-entry').waitFor();
    assert.equal(await ap.getByTestId('entry-status').getAttribute('data-status'), 'in-review');
    // the list says the new version waits for review (待审), as the entry does, not that it is being edited
    await ap.goto(`${base}/catalog`);
    const working = ap.getByTestId('catalog-row-hukou.person').getByTestId('version-working');
    await working.waitFor();
    assert.equal(await working.getAttribute('data-status'), 'in-review');
    assert.match(await working.innerText(), /^待审 v\d+$/);
    assert.equal(await ap.getByTestId('catalog-row-housing.fund').getByTestId('version-working').getAttribute('data-status'), 'in-review');

    // a 实施清单 with a broken line: nothing imported, the line and column named
    await ap.goto(`${base}/catalog/import`);
    await ap.getByTestId('page-import').waitFor();
    // the file is chosen with a button in the page's language (the browser's own input says "Choose File")
    assert.equal(await ap.getByTestId('import-file').isVisible(), false);
    assert.match(await ap.getByTestId('import-file-button').innerText(), /选择文件/);
    assert.equal(await ap.getByTestId('import-file-name').innerText(), '未选择文件');
    await ap.getByTestId('import-file').setInputFiles({ name: '上海市实施清单(测试).csv', mimeType: 'text/csv', buffer: Buffer.from(BROKEN_CSV) });
    await ap.waitForFunction(`document.querySelector('[data-testid="import-file-name"]')?.textContent === '上海市实施清单(测试).csv'`);
    assert.equal(await ap.getByTestId('import-content').inputValue(), BROKEN_CSV);
    await screenshot(ap, 'catalog-import-file-zh-CN.png');
    await ap.getByTestId('import-content').fill(BROKEN_CSV);
    await ap.getByTestId('import-source').fill('上海市实施清单(测试).csv');
    assert.equal(await ap.getByTestId('import-run').isDisabled(), true, 'import comes after a check');
    await ap.getByTestId('import-check').click();
    await ap.getByTestId('import-problems').waitFor();
    const row = ap.locator('[data-testid^="import-problem-"][data-line="3"]');
    assert.equal(await row.count(), 1);
    assert.equal(await row.getAttribute('data-column'), '时限');
    assert.match(await row.innerText(), /365/);
    assert.equal(await ap.getByTestId('import-run').isDisabled(), true);
    await screenshot(ap, 'catalog-import-problems-zh-CN.png');
    await ap.getByTestId('import-content').fill(GOOD_CSV);
    await ap.getByTestId('import-check').click();
    await ap.getByTestId('import-dry-ok').waitFor();
    assert.equal(await ap.getByTestId('import-dry-ok').getAttribute('data-count'), '2');
    await ap.getByTestId('import-run').click();
    await ap.getByTestId('import-done').waitFor();
    assert.equal(await ap.getByTestId('import-done').getAttribute('data-count'), '2');
    await screenshot(ap, 'catalog-import-done-zh-CN.png');

    // ---- 3. the approver -------------------------------------------------------------------------------
    const approverCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const rp = await signIn(approverCtx, base, '/catalog', approver.id, approver.password);
    watch(rp);
    await rp.getByTestId('page-catalog').waitFor();
    await rp.getByTestId('awaiting-review').waitFor();
    await rp.getByTestId('status-filter-in-review').click();
    await rp.getByTestId('catalog-row-housing.fund').getByTestId('catalog-row-link').click();
    await rp.getByTestId('page-catalog-entry').waitFor();
    // a new entry: nothing to compare with, the whole proposed version is shown
    await rp.getByTestId('review-new').waitFor();
    await rp.getByTestId('resource-field-idNumber').waitFor();
    await rp.getByTestId('history-submitted').waitFor();
    await screenshot(rp, 'catalog-review-new-zh-CN.png');
    await rp.getByTestId('step-approve').click();
    await rp.getByTestId('step-done').waitFor();
    assert.equal(await rp.getByTestId('step-done').getAttribute('data-step'), 'approve');
    assert.equal(await rp.getByTestId('entry-status').getAttribute('data-status'), 'published');
    await rp.getByTestId('history-approved').waitFor();

    // a change to a published resource: the diff between the version in force and the proposed one
    await rp.goto(`${base}/catalog/resources/hukou.person`);
    await rp.getByTestId('review-diff').waitFor();
    assert.equal(await rp.locator('[data-testid^="diff-"][data-change]').count(), 1, 'only what changed');
    const changed = rp.getByTestId('diff-updateCycle');
    assert.equal(await changed.getAttribute('data-change'), 'changed');
    assert.match(await changed.innerText(), /更新周期[\s\S]*每日[\s\S]*实时/);
    await screenshot(rp, 'catalog-review-diff-zh-CN.png');
    await rp.getByTestId('show-published').click();
    assert.equal(await rp.getByTestId('version-view').getAttribute('data-version'), '1');
    await rp.getByTestId('step-approve').click();
    await rp.getByTestId('step-done').waitFor();
    assert.equal(await rp.getByTestId('entry-status').getAttribute('data-status'), 'published');

    // the imported item goes back to its authors, with the reason
    await rp.goto(`${base}/catalog/items/SH-RS-E2E-02`);
    await rp.getByTestId('step-return').click();
    await rp.getByTestId('return-form-confirm').click();
    await rp.getByText('请填写理由').waitFor();
    await rp.getByTestId('return-form-reason').fill('时限与本市承诺不一致,请核对后重新提交。');
    await rp.getByTestId('return-form-confirm').click();
    await rp.getByTestId('step-done').waitFor();
    assert.equal(await rp.getByTestId('entry-status').getAttribute('data-status'), 'draft');
    await rp.getByTestId('returned-banner').waitFor();
    assert.match(await text(rp, 'returned-banner'), /时限与本市承诺不一致/);
    await rp.getByTestId('history-returned').waitFor();
    await rp.getByTestId('lang-option-en').click();
    await rp.waitForFunction("document.documentElement.lang === 'en'");
    await screenshot(rp, 'catalog-returned-en.png');

    // the published resource on the portal (the node refreshes its directory once the hub has it)
    await page.goto(`${base}/portal?q=${encodeURIComponent('公积金')}&lang=zh-CN`);
    const hit = page.getByTestId('hit-resource-310000-housing.fund');
    for (let i = 0; !(await hit.isVisible()); i++) {
      assert.ok(i < 60, 'the approved resource reaches the portal');
      await page.waitForTimeout(500);
      await page.reload();
      await page.getByTestId('result-count').waitFor();
    }
    await hit.getByTestId('hit-link').click();
    await page.getByTestId('page-portal-resource').waitFor();
    await page.getByTestId('resource-field-idNumber').waitFor();
    assert.match(await text(page, 'resource-field-idNumber'), /TB\.PERSON\.ID_NUMBER[\s\S]*敏感个人信息/);
    assert.equal(await text(page, 'resource-department'), '上海市住房公积金管理中心');
    assert.equal(await page.getByTestId('resource-grade').getAttribute('data-grade'), 'important');
    assert.match(await text(page, 'resource-update-cycle'), /每月/);
    await screenshot(page, 'portal-new-resource-zh-CN.png');

    // ---- 4. the hub stops: the portal works from the node's copy and says so -------------------------------
    await demo.hub.close();
    await sh.directory!.sync.syncNow();
    await page.goto(`${base}/portal?q=${encodeURIComponent('户口')}&lang=zh-CN`);
    await page.waitForFunction(`document.querySelector('[data-testid="directory-source"]')?.getAttribute('data-hub') === 'down'`);
    assert.ok(Number(await page.getByTestId('result-count').getAttribute('data-total')) >= 10, 'the cached directory still answers');
    await screenshot(page, 'portal-hub-down-zh-CN.png');

    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
