// End-to-end: the demo federation (hub + five province nodes, real servers on 127.0.0.1), and the
// 上海 node's federation page in Debian's Chromium through playwright-core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, SHOTS } from './browser.js';
import { startDemo, DEMO_REGIONS, type RunningDemo } from '../src/sim/demo.js';
import { startServer, type RunningServer } from '../src/server/start.js';


test('the 上海 node shows the five members of the demo federation, in Chinese and in English, and survives a hub outage', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-e2e-'));
  let demo: RunningDemo | undefined;
  let browser: Browser | undefined;
  let moved: RunningServer | undefined;
  try {
    demo = await startDemo({ dataDir: dir, basePort: 0, citizens: 1000, suite: 'sm2-sm3', seed: 'e2e', probeSeconds: 0 });
    const sh = demo.nodes.find((n) => n.config.region.code === '310000')!;
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(`${sh.url}/federation`);
    await page.getByTestId('members-table').waitFor();
    for (const r of DEMO_REGIONS) await page.getByTestId(`member-row-${r.code}`).waitFor();
    assert.equal(await page.locator('[data-testid^="member-row-"]').count(), 5);
    assert.equal(await page.getByTestId('member-row-310000').getAttribute('data-self'), 'true');
    // every other member was probed and is online
    for (const r of DEMO_REGIONS.filter((x) => x.code !== '310000')) {
      assert.equal(await page.getByTestId(`member-row-${r.code}`).getAttribute('data-online'), 'true', r.code);
    }
    assert.equal(await page.getByTestId('source-banner').getAttribute('data-source'), 'hub');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.match(await page.getByTestId('member-row-340000').innerText(), /安徽/);
    assert.match(await page.getByTestId('nav-federation').innerText(), /联邦成员/);
    await page.screenshot({ path: join(SHOTS, 'federation-zh-CN.png'), fullPage: true });

    // English on request
    await page.getByTestId('lang-option-en').click();
    await page.waitForFunction("document.documentElement.lang === 'en'");
    assert.match(await page.getByTestId('nav-federation').innerText(), /Federation/);
    // region names in English too: the members, and this node in the header
    assert.match(await page.getByTestId('member-row-340000').innerText(), /Anhui/);
    assert.doesNotMatch(await page.getByTestId('members-table').innerText(), /安徽|上海|江苏|浙江/);
    assert.match(await page.getByTestId('node-identity').innerText(), /Shanghai · 310000/);
    await page.screenshot({ path: join(SHOTS, 'federation-en.png'), fullPage: true });

    // 江苏 restarted at another address: the move waits for the hub operator, and its overview says so
    const js = demo.nodes.find((n) => n.config.region.code === '320000')!;
    await js.close();
    moved = await startServer({ ...js.config, listen: { ...js.config.listen, port: 0 }, publicUrl: undefined }, { probeSeconds: 0 });
    await moved.federation!.syncNow();
    assert.equal(moved.federation!.current.changePending, true);
    await page.goto(`${moved.url}/?lang=zh-CN`);
    await page.getByTestId('membership-change-pending').waitFor();
    const pendingNote = await page.getByTestId('membership-change-pending').innerText();
    assert.ok(pendingNote.includes(moved.url) && pendingNote.includes('待枢纽管理方审批'), pendingNote);
    await page.getByTestId('membership-card').screenshot({ path: join(SHOTS, 'overview-change-pending-zh-CN.png') });
    await page.goto(`${sh.url}/federation?lang=en`);
    await page.getByTestId('members-table').waitFor();

    // the hub stops: the node keeps serving its cached, signed member list and says so
    await demo.hub.close();
    await sh.federation!.syncNow();
    await page.getByTestId('refresh').click();
    await page.waitForFunction(`document.querySelector('[data-testid="source-banner"]')?.getAttribute('data-source') === 'cache'`);
    assert.equal(await page.locator('[data-testid^="member-row-"]').count(), 5);
    await page.screenshot({ path: join(SHOTS, 'federation-cache-en.png'), fullPage: true });

    // overview page in Chinese via ?lang
    await page.goto(`${sh.url}/?lang=zh-CN`);
    await page.getByTestId('page-overview').waitFor();
    // the identity block shows a placeholder until the node's info has loaded
    await page.waitForFunction(`document.querySelector('[data-testid="node-identity"]')?.getAttribute('data-region') === '310000'`);
    // the readiness checks' details in Chinese, not the server's English words
    await page.getByTestId('check-detail-trustList').waitFor();
    assert.match(await page.getByTestId('check-detail-trustList').innerText(), /^第 \d+ 版 · (枢纽实时|本地缓存)$/);
    assert.match(await page.getByTestId('check-detail-membership').innerText(), /^(已批准|待审批|已拒绝|未知)$/);
    await page.screenshot({ path: join(SHOTS, 'overview-zh-CN.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await moved?.close();
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
