// End-to-end: the hub's own console in Chromium, on a hub and a region node started on 127.0.0.1 port 0.
//  1. The hub speaks of itself as the hub (本枢纽 / "This hub"), not as a node; a node keeps its wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.js';
import { screenshot, text } from './helpers.js';
import { cleanupAll, startHub, startNode, stopAll, type Started } from '../test/helpers/federation.js';

test("the hub's console speaks of the hub, a node's of the node, in Chinese and in English", async () => {
  let hub: Started | undefined;
  let node: Started | undefined;
  let browser: Browser | undefined;
  try {
    hub = await startHub('sqlite');
    node = await startNode('sqlite', { url: hub.server.url, keyId: hub.server.identity.keyId }, { code: '310000', name: '上海' });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const sectionTitle = async (url: string, expected: string) => {
      await page.goto(url);
      await page.waitForFunction(`document.querySelector('[data-testid="node-identity"]')?.hasAttribute('data-role')`);
      assert.equal(await text(page, 'nav-section-node'), expected, url);
    };

    await sectionTitle(`${hub.server.url}/`, '本枢纽');
    await page.getByTestId('page-overview').waitFor();
    assert.match(await page.locator('.page-head__subtitle').innerText(), /本枢纽/);
    await page.goto(`${hub.server.url}/login`);
    await page.getByTestId('no-accounts').waitFor();
    assert.match(await text(page, 'login-subtitle'), /^国家枢纽/);
    assert.doesNotMatch(await text(page, 'page-login'), /本节点/);
    await screenshot(page, 'hub-login-zh-CN.png');
    await sectionTitle(`${hub.server.url}/?lang=en`, 'This hub');
    await page.goto(`${hub.server.url}/login?lang=en`);
    await page.getByTestId('no-accounts').waitFor();
    assert.match(await text(page, 'login-subtitle'), /^National hub/);
    assert.doesNotMatch(await text(page, 'page-login'), /this node/i);

    // a node keeps speaking of itself as this node
    await sectionTitle(`${node.server.url}/?lang=zh-CN`, '本节点');
    await page.goto(`${node.server.url}/login`);
    await page.getByTestId('login-form').waitFor();
    assert.match(await text(page, 'login-subtitle'), /请使用本节点分配的账号登录/);
    await sectionTitle(`${node.server.url}/?lang=en`, 'This node');
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await stopAll(node, hub);
    await cleanupAll(node, hub);
  }
});
