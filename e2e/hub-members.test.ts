// End-to-end: the hub's own console in Chromium, on a hub and region nodes started on 127.0.0.1 port 0.
//  1. The hub speaks of itself as the hub (本枢纽 / "This hub"), not as a node; a node keeps its wording.
//  2. The hub operator's 成员管理 page: a wrong token is refused, the right one (from the hub's data
//     directory) signs in for this tab only; a pending join request and an approved member's address
//     change are marked; a rejection without a reason is refused in the page; the request is approved,
//     which the API, the member's history and the hub's audit log record; a decision on a state that
//     changed meanwhile shows the hub's 409 in the page's language; a rotated token is refused and
//     asked for again; desktop and phone, zh-CN and en.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { activeTabInView, noHorizontalOverflow, screenshot, switchLang, text } from './helpers.js';
import { cleanupAll, startHub, startNode, stopAll, type Started } from '../test/helpers/federation.js';
import { buildJoinRequest } from '../src/federation/documents.js';
import { makeSigner } from '../src/core/signed-document.js';
import { suiteFor } from '../src/core/crypto/index.js';
import { decideMembership } from '../src/hub/membership.js';
import { rotateOperatorToken } from '../src/server/start.js';

test("the hub's console speaks of the hub, a node's of the node, in Chinese and in English", async () => {
  let hub: Started | undefined;
  let node: Started | undefined;
  let browser: Browser | undefined;
  try {
    hub = await startHub('sqlite');
    node = await startNode('sqlite', { url: hub.server.url, keyId: hub.server.identity.keyId }, { code: '310000', name: '上海' });
    await node.server.federation!.waitFor((s) => s.membership === 'pending');
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
    assert.match(await text(page, 'identity-card'), /^枢纽身份/);
    // 上海's join request waits; the overview says where it is decided
    await page.getByTestId('go-to-members').waitFor();
    assert.match(await text(page, 'join-requests-card'), /上海[\s\S]*成员管理/);
    await screenshot(page, 'hub-overview-zh-CN.png');
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

async function signInAsOperator(page: Page, token: string): Promise<void> {
  await page.getByTestId('operator-token').fill(token);
  await page.getByTestId('operator-submit').click();
  await page.getByTestId('hub-members-table').waitFor();
}

test("the hub operator's membership page: sign in with the operator token, see what awaits a decision, refuse a reasonless rejection, approve a join request; both languages, desktop and phone", async () => {
  let hub: Started | undefined;
  let node: Started | undefined;
  let browser: Browser | undefined;
  try {
    hub = await startHub('sqlite');
    const hubUrl = hub.server.url;
    const db = hub.server.store.db;
    // 上海 asks to join and waits (no join policy approves by itself: the operator decides)
    node = await startNode('sqlite', { url: hubUrl, keyId: hub.server.identity.keyId }, { code: '310000', name: '上海' });
    await node.server.federation!.waitFor((s) => s.membership === 'pending');
    // 浙江, approved, then asks for a new address: a change waiting for the operator
    const zj = makeSigner(suiteFor('ed25519'), suiteFor('ed25519').generateKeyPair().privateKeyPem);
    const askToJoin = async (endpoint: string, nonce: string) => {
      const res = await fetch(`${hubUrl}/api/hub/members/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(buildJoinRequest(zj, { regionCode: '330000', name: '浙江', endpoint, nonce })) });
      assert.ok(res.status === 200 || res.status === 202, `浙江 joins: ${res.status}`);
    };
    await askToJoin('http://127.0.0.1:9', 'zj-e2e-0001');
    await decideMembership(db, '330000', 'approve', 'test');
    await askToJoin('http://127.0.0.1:10', 'zj-e2e-0002');

    const token = readFileSync(join(hub.dataDir, 'operator.token'), 'utf8').trim();
    const op = async (path: string) => (await fetch(`${hubUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();

    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const decisionsPosted: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname.startsWith('/api/hub/members/')) decisionsPosted.push(new URL(r.url()).pathname);
    });

    // the hub's navigation leads the operator to the page; the staff sign-in page points there too
    await page.goto(`${hubUrl}/login`);
    await page.getByTestId('operator-link').click();
    await page.getByTestId('operator-sign-in').waitFor();
    assert.equal(await text(page, 'nav-members'), '成员管理');
    await activeTabInView(page, 'members');

    // no token, then a wrong one: refused, said in the page's language
    await page.getByTestId('operator-submit').click();
    assert.match(await page.locator('#operator-token-error').innerText(), /请粘贴运维令牌/);
    await page.getByTestId('operator-token').fill('tbop_not-the-token');
    await page.getByTestId('operator-submit').click();
    await page.getByTestId('operator-error').waitFor();
    assert.equal(await page.getByTestId('operator-error').getAttribute('data-status'), '401');
    assert.equal(await page.getByTestId('operator-error').getAttribute('data-code'), 'E_UNAUTHENTICATED');
    assert.match(await text(page, 'operator-error'), /运维令牌不正确/);
    await screenshot(page, 'hub-members-sign-in-error-zh-CN.png');
    await switchLang(page, 'en');
    assert.match(await text(page, 'operator-error'), /Wrong operator token/);
    await switchLang(page, 'zh-CN');
    assert.equal(await page.evaluate('sessionStorage.length + localStorage.length - (localStorage.getItem("tongban.lang") ? 1 : 0)'), 0, 'a refused token is not kept');

    // the right token: kept in this tab only
    await signInAsOperator(page, token);
    assert.equal(await page.evaluate('sessionStorage.getItem("tongban.hub.operatorToken")'), token);
    assert.equal(await page.evaluate(`Object.keys(localStorage).filter((k) => localStorage.getItem(k) === ${JSON.stringify(token)}).length`), 0, 'never in localStorage');

    // what awaits a decision comes first and is marked: 上海's join request, 浙江's new address
    const attention = page.getByTestId('attention');
    assert.deepEqual([await attention.getAttribute('data-requests'), await attention.getAttribute('data-changes')], ['1', '1']);
    const rows = await page.locator('[data-testid^="hub-member-row-"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-status'), e.classList.contains('is-attention')]));
    assert.deepEqual(rows, [
      ['hub-member-row-310000', 'pending', true],
      ['hub-member-row-330000', 'approved', true],
    ]);
    assert.match(await text(page, 'hub-member-row-310000'), /待审批/);
    assert.match(await text(page, 'hub-member-row-330000'), /已批准[\s\S]*变更待审/);
    assert.match(await text(page, 'hub-member-row-330000'), /→ http:\/\/127\.0\.0\.1:10/);
    assert.match(await text(page, 'hub-member-row-310000'), new RegExp(node.server.url.replace(/[.:/]/g, '\\$&')));
    await screenshot(page, 'hub-members-list-zh-CN.png');
    await page.setViewportSize({ width: 390, height: 844 });
    await noHorizontalOverflow(page);
    await screenshot(page, 'hub-members-list-attention-phone-zh-CN.png');
    await page.setViewportSize({ width: 1280, height: 800 });

    // 上海's request: its key, its history, and the two decisions a pending request allows
    await page.getByTestId('open-member-310000').click();
    await page.waitForURL(/\/members\/310000$/);
    await page.getByTestId('member-detail').waitFor();
    assert.equal(await page.getByTestId('decisions').getAttribute('data-offered'), 'approve reject');
    assert.match(await text(page, 'member-keys'), new RegExp(node.server.identity.keyId));
    await page.getByTestId('history-requested').waitFor();
    assert.match(await text(page, 'pending-request'), /入网申请待审批/);
    await activeTabInView(page, 'members');

    // a rejection needs a reason: refused in the page, nothing sent
    await page.getByTestId('decide-reject').click();
    assert.match(await text(page, 'decision-consequence'), /新密钥/);
    await page.getByTestId('confirm-reject-confirm').click();
    const noReason = page.locator('#confirm-reject-error');
    await noReason.waitFor();
    assert.match(await noReason.innerText(), /请填写理由/);
    await screenshot(page, 'hub-members-reject-no-reason-zh-CN.png');
    await switchLang(page, 'en');
    assert.match(await noReason.innerText(), /A reason is required/);
    await switchLang(page, 'zh-CN');
    assert.deepEqual(decisionsPosted, [], 'no decision was sent');
    assert.equal(((await op('/api/hub/members/310000')) as { member: { status: string } }).member.status, 'pending');
    await page.getByTestId('confirm-reject-cancel').click();

    // approved: confirmed, recorded, and the list shows it
    await page.getByTestId('decide-approve').click();
    await page.getByTestId('confirm-approve-reason').fill('协议 2026-017');
    await page.getByTestId('confirm-approve-confirm').click();
    await page.getByTestId('decision-done').waitFor();
    assert.ok((await text(page, 'decision-done')).startsWith('已批准上海(310000)的入网申请'));
    await page.waitForFunction(`document.querySelector('[data-testid="hub-member-row-310000"]')?.getAttribute('data-status') === 'approved'`);
    assert.equal(await page.getByTestId('member-detail').getAttribute('data-status'), 'approved');
    assert.equal(await page.getByTestId('decisions').getAttribute('data-offered'), 'suspend revoke');
    await page.getByTestId('history-approved').waitFor();
    assert.equal(await page.getByTestId('history-approved').getAttribute('data-actor'), 'operator-api');
    assert.deepEqual(await attention.getAttribute('data-requests'), '0');
    assert.deepEqual(decisionsPosted, ['/api/hub/members/310000/approve']);
    await screenshot(page, 'hub-members-approved-zh-CN.png');
    const after = (await op('/api/hub/members/310000')) as { member: { status: string; decidedBy: string; reason: string }; history: Array<{ at: string; action: string; actor: string; detail: string | null }> };
    assert.deepEqual([after.member.status, after.member.decidedBy, after.member.reason], ['approved', 'operator-api', '协议 2026-017']);
    assert.deepEqual(after.history.at(-1), { at: after.history.at(-1)!.at, action: 'approved', actor: 'operator-api', detail: '协议 2026-017' });
    await hub.server.audit.drain?.();
    const audited = await db.selectFrom('audit_entry').select(['action', 'outcome', 'counterparty']).where('category', '=', 'membership').where('counterparty', '=', '310000').orderBy('seq').execute();
    assert.deepEqual(audited.map((a) => [a.action, a.outcome]), [['member.requested', 'ok'], ['member.approved', 'ok']]);
    // and the node learns it
    await node.server.federation!.syncNow();
    assert.equal(node.server.federation!.current.membership, 'approved');

    // 浙江's address change, in English; meanwhile someone else decides on it: the hub's 409, in English
    await page.getByTestId('open-member-330000').click();
    await page.waitForFunction(`document.querySelector('[data-testid="member-detail"]')?.getAttribute('data-code') === '330000'`);
    await switchLang(page, 'en');
    assert.match(await text(page, 'pending-change'), /Address change awaiting a decision/);
    assert.equal(await text(page, 'change-endpoint'), 'http://127.0.0.1:10');
    assert.equal(await page.getByTestId('decisions').getAttribute('data-offered'), 'suspend revoke approve-change reject-change');
    await screenshot(page, 'hub-members-change-en.png');
    await page.getByTestId('decide-approve-change').click();
    await decideMembership(db, '330000', 'reject-change', 'cli:someone-else', 'not confirmed');
    await page.getByTestId('confirm-approve-change-confirm').click();
    await page.getByTestId('decision-error').waitFor();
    assert.equal(await page.getByTestId('decision-error').getAttribute('data-status'), '409');
    assert.equal(await page.getByTestId('decision-error').getAttribute('data-code'), 'E_CONFLICT');
    assert.match(await text(page, 'decision-error'), /conflicts with the current state[\s\S]*The page has been refreshed/);
    await page.waitForFunction(`document.querySelector('[data-testid="decisions"]')?.getAttribute('data-offered') === 'suspend revoke'`);
    await page.getByTestId('history-change-rejected').waitFor();
    assert.match(await text(page, 'history-change-rejected'), /Operator \(command line, someone-else\)/);
    await screenshot(page, 'hub-members-conflict-en.png');

    // on a phone, in a new tab: the token is asked for again (it lives in one tab only)
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`${hubUrl}/members/330000`);
    await p.getByTestId('operator-sign-in').waitFor();
    await noHorizontalOverflow(p);
    await screenshot(p, 'hub-members-sign-in-phone-zh-CN.png');
    await signInAsOperator(p, token);
    await p.getByTestId('member-detail').waitFor();
    await activeTabInView(p, 'members');
    await noHorizontalOverflow(p);
    await screenshot(p, 'hub-members-detail-phone-zh-CN.png');
    await p.getByTestId('back-to-members').click();
    await p.waitForURL(/\/members$/);
    await noHorizontalOverflow(p);
    await screenshot(p, 'hub-members-list-phone-zh-CN.png');
    await switchLang(p, 'en');
    await p.getByTestId('open-member-310000').click();
    await p.getByTestId('member-detail').waitFor();
    await p.getByTestId('decide-suspend').click();
    await noHorizontalOverflow(p);
    await screenshot(p, 'hub-members-suspend-phone-en.png');

    // the token is rotated (tongban operator-token): the page says the one it holds no longer works
    await rotateOperatorToken(db, hub.config);
    await p.getByTestId('refresh').click();
    await p.getByTestId('operator-refused').waitFor();
    assert.match(await text(p, 'operator-refused'), /no longer works/);
    assert.equal(await p.evaluate('sessionStorage.getItem("tongban.hub.operatorToken")'), null);
    await signInAsOperator(p, readFileSync(join(hub.dataDir, 'operator.token'), 'utf8').trim());
    // signing out forgets the token
    await p.getByTestId('operator-sign-out').click();
    await p.getByTestId('operator-sign-in').waitFor();
    assert.equal(await p.evaluate('sessionStorage.getItem("tongban.hub.operatorToken")'), null);
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await stopAll(node, hub);
    await cleanupAll(node, hub);
  }
});
