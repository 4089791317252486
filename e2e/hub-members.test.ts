// End-to-end: the hub's own console in Chromium, on a hub and region nodes started on 127.0.0.1 port 0.
//  1. The hub speaks of itself as the hub (本枢纽 / "This hub"), not as a node; a node keeps its wording;
//     the hub's sign-in page asks for an operator account.
//  2. The hub operator's 成员管理 page: a visitor is sent to sign in; a wrong password is refused; the
//     named operator (刘建华, an account with the role operator) signs in — nothing kept in the browser's
//     storage — sees a pending join request and an approved member's address change marked; a rejection
//     without a reason is refused in the page; the request is approved, which the page's history, the
//     API and the hub's audit log record under the operator's name; the history's details are said in
//     the page's language (an older text detail as recorded); a decision on a state that changed
//     meanwhile shows the hub's 409; a disabled account's session ends and the page asks to sign in
//     again; desktop and phone, zh-CN and en.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { activeTabInView, noHorizontalOverflow, screenshot, signIn, switchLang, text } from './helpers.js';
import { cleanupAll, startHub, startNode, stopAll, type Started } from '../test/helpers/federation.js';
import { buildJoinRequest } from '../src/federation/documents.js';
import { makeSigner } from '../src/core/signed-document.js';
import { suiteFor } from '../src/core/crypto/index.js';
import { decideMembership } from '../src/hub/membership.js';
import { createUser, disableUser } from '../src/identity/index.js';

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
    // the hub's sign-in is for its operators
    await page.goto(`${hub.server.url}/login`);
    await page.getByTestId('login-form').waitFor();
    assert.match(await text(page, 'login-subtitle'), /^国家枢纽 · 请使用本枢纽分配的运维账号登录/);
    assert.match(await text(page, 'login-form'), /tongban users add,角色 operator/);
    assert.equal(await page.getByTestId('login-user').getAttribute('placeholder'), '例如 hub-operator');
    assert.doesNotMatch(await text(page, 'page-login'), /本节点/);
    await screenshot(page, 'hub-login-zh-CN.png');
    await sectionTitle(`${hub.server.url}/?lang=en`, 'This hub');
    await page.goto(`${hub.server.url}/login?lang=en`);
    await page.getByTestId('login-form').waitFor();
    assert.match(await text(page, 'login-subtitle'), /^National hub · use the operator account this hub issued to you/);
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

const OPERATOR = { id: 'hub-liu', name: '刘建华', department: '国家政务服务平台运维中心', password: 'Hub-Operator-2026' };
const OPERATOR_SHOWN = '刘建华(国家政务服务平台运维中心)';
const OPERATOR_PATTERN = OPERATOR_SHOWN.replace(/[()]/g, '\\$&');

/** Signs in on the sign-in page the console sent the visitor to, and waits for the member list. */
async function signInAsOperator(page: Page): Promise<void> {
  await page.getByTestId('login-form').waitFor();
  await page.getByTestId('login-user').fill(OPERATOR.id);
  await page.getByTestId('login-password').fill(OPERATOR.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('hub-members-table').waitFor();
}

test("the hub operator's membership page: a named operator signs in, sees what awaits a decision, cannot reject without a reason, approves a join request under their name; details in the page's language; both languages, desktop and phone", async () => {
  let hub: Started | undefined;
  let node: Started | undefined;
  let browser: Browser | undefined;
  try {
    hub = await startHub('sqlite');
    const hubUrl = hub.server.url;
    const db = hub.server.store.db;
    await createUser(db, { server: 'hub', id: OPERATOR.id, name: OPERATOR.name, department: OPERATOR.department, regionCode: '000000', roles: ['operator'], password: OPERATOR.password }, { actor: 'test' });
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
    // an event recorded before details were kept structured, by the token through the page of then
    await db.insertInto('hub_member_event').values({ region_code: '330000', at: '2026-01-05T02:00:00.000Z', action: 'suspended', actor: 'operator-api', detail: '例行检查' }).execute();

    // the bootstrap token, for the checks a script would make
    const token = hub.server.newOperatorToken!;
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

    // the hub's navigation leads the operator to the page, which sends a visitor to sign in and back
    await page.goto(`${hubUrl}/`);
    await page.getByTestId('nav-members').click();
    await page.waitForURL(/\/login\?next=%2Fmembers$/);
    await page.getByTestId('login-form').waitFor();
    assert.equal(await text(page, 'nav-members'), '成员管理');

    // a wrong password: refused, said in the page's language
    await page.getByTestId('login-user').fill(OPERATOR.id);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    assert.equal(await page.getByTestId('login-error').getAttribute('data-code'), 'E_UNAUTHENTICATED');
    assert.match(await text(page, 'login-error'), /用户名或密码错误/);
    await screenshot(page, 'hub-members-sign-in-error-zh-CN.png');
    await switchLang(page, 'en');
    assert.match(await text(page, 'login-error'), /Wrong user ID or password/);
    await switchLang(page, 'zh-CN');

    // the operator's own account: back at the page, named; nothing kept in the browser's storage
    await signInAsOperator(page);
    await page.waitForURL(/\/members$/);
    await activeTabInView(page, 'members');
    assert.equal(await text(page, 'operator-name'), OPERATOR_SHOWN);
    assert.match(await text(page, 'operator-bar'), /每项决定都以您的姓名记入决定记录和枢纽审计日志/);
    assert.equal(await text(page, 'user-name'), OPERATOR.name);
    assert.equal(await page.evaluate('sessionStorage.length + localStorage.length - (localStorage.getItem("tongban.lang") ? 1 : 0)'), 0, 'the session is an HttpOnly cookie, nothing else');

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

    // approved: confirmed, recorded under the operator's name, and the list shows it
    await page.getByTestId('decide-approve').click();
    await page.getByTestId('confirm-approve-reason').fill('协议 2026-017');
    await page.getByTestId('confirm-approve-confirm').click();
    await page.getByTestId('decision-done').waitFor();
    assert.ok((await text(page, 'decision-done')).startsWith('已批准上海(310000)的入网申请'));
    await page.waitForFunction(`document.querySelector('[data-testid="hub-member-row-310000"]')?.getAttribute('data-status') === 'approved'`);
    assert.equal(await page.getByTestId('member-detail').getAttribute('data-status'), 'approved');
    assert.equal(await page.getByTestId('decisions').getAttribute('data-offered'), 'suspend revoke');
    const approvedEvent = page.getByTestId('history-approved');
    await approvedEvent.waitFor();
    assert.equal(await approvedEvent.getAttribute('data-actor'), 'user:hub-liu');
    assert.match(await approvedEvent.innerText(), new RegExp(`批准入网[\\s\\S]*${OPERATOR_PATTERN}[\\s\\S]*理由:协议 2026-017`));
    assert.match(await text(page, 'member-details'), new RegExp(`决定人\\s*${OPERATOR_PATTERN}`));
    assert.deepEqual(await attention.getAttribute('data-requests'), '0');
    assert.deepEqual(decisionsPosted, ['/api/hub/members/310000/approve']);
    await screenshot(page, 'hub-members-approved-zh-CN.png');
    const after = (await op('/api/hub/members/310000')) as { member: { status: string; decidedBy: string; reason: string }; history: Array<Record<string, unknown>> };
    assert.deepEqual([after.member.status, after.member.decidedBy, after.member.reason], ['approved', 'user:hub-liu', '协议 2026-017']);
    const last = after.history.at(-1)!;
    assert.deepEqual(last, { at: last.at, action: 'approved', actor: 'user:hub-liu', actorName: OPERATOR.name, actorDepartment: OPERATOR.department, detail: '协议 2026-017', data: { kind: 'reason', reason: '协议 2026-017' } });
    await hub.server.audit.drain?.();
    const audited = await db.selectFrom('audit_entry').select(['action', 'outcome', 'actor_type', 'actor_id', 'actor_department']).where('category', '=', 'membership').where('counterparty', '=', '310000').orderBy('seq').execute();
    assert.deepEqual(audited.map((a) => [a.action, a.outcome, a.actor_type, a.actor_id]), [['member.requested', 'ok', 'node', node.server.identity.keyId], ['member.approved', 'ok', 'user', 'hub-liu']]);
    assert.equal(audited[1]!.actor_department, OPERATOR.department);
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
    assert.match(await text(page, 'history-change-requested'), /Address: http:\/\/127\.0\.0\.1:9 → http:\/\/127\.0\.0\.1:10/);
    // the older event: its text as recorded, its actor the token of then
    assert.match(await text(page, 'history-suspended'), /Operator token \(web page or operator API, before operator accounts\)[\s\S]*例行检查/);
    await screenshot(page, 'hub-members-change-en.png');
    await page.getByTestId('decide-approve-change').click();
    await decideMembership(db, '330000', 'reject-change', 'cli:someone-else', 'not confirmed');
    await page.getByTestId('confirm-approve-change-confirm').click();
    await page.getByTestId('decision-error').waitFor();
    assert.equal(await page.getByTestId('decision-error').getAttribute('data-status'), '409');
    assert.equal(await page.getByTestId('decision-error').getAttribute('data-code'), 'E_CONFLICT');
    assert.match(await text(page, 'decision-error'), /conflicts with the current state[\s\S]*The page has been refreshed/);
    await page.waitForFunction(`document.querySelector('[data-testid="decisions"]')?.getAttribute('data-offered') === 'suspend revoke'`);
    const rejected = page.getByTestId('history-change-rejected');
    await rejected.waitFor();
    assert.match(await rejected.innerText(), /Operator \(command line, someone-else\)[\s\S]*Address: http:\/\/127\.0\.0\.1:9 → http:\/\/127\.0\.0\.1:10\s*Reason: not confirmed/);
    await screenshot(page, 'hub-members-conflict-en.png');
    // the same details in Chinese: translated, the operator's reason as typed
    await switchLang(page, 'zh-CN');
    assert.match(await rejected.innerText(), /拒绝变更[\s\S]*运维人员\(命令行,someone-else\)[\s\S]*接入地址:http:\/\/127\.0\.0\.1:9 → http:\/\/127\.0\.0\.1:10\s*理由:not confirmed/);
    assert.match(await text(page, 'history-change-requested'), /申请变更接入信息[\s\S]*节点\(密钥 ed25519:[0-9a-f]+\)[\s\S]*接入地址:http:\/\/127\.0\.0\.1:9 → http:\/\/127\.0\.0\.1:10/);
    assert.match(await text(page, 'history-suspended'), /运维令牌\(网页或运维 API,启用运维账号之前\)[\s\S]*例行检查/);
    await screenshot(page, 'hub-members-history-zh-CN.png');

    // on a phone, in a new browser: sent to sign in, then the member it asked for
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const p = await signIn(phone, hubUrl, '/members/330000', OPERATOR.id, OPERATOR.password);
    p.on('pageerror', (e) => errors.push(e.message));
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

    // signing out on the desktop ends that session: the page asks to sign in again
    await page.getByTestId('sign-out').click();
    // to the sign-in page; with ?next= when the page's auto-refresh met the ended session first
    await page.waitForURL(/\/login(\?next=%2Fmembers[^&]*)?$/).catch((e: Error) => {
      // once in a clean-clone run this waited 30 s; say where the page was instead, for whoever meets it next
      throw new Error(`after 退出 the page stayed at ${page.url()}: ${e.message}`);
    });
    await page.goto(`${hubUrl}/members`);
    await page.getByTestId('login-form').waitFor();
    // the account is disabled (tongban users disable): its other sessions end, the phone's page asks to sign in again
    await disableUser(db, OPERATOR.id, { actor: 'test' });
    await p.getByTestId('refresh').click();
    await p.getByTestId('session-ended').waitFor();
    await p.waitForURL(/\/login\?next=%2Fmembers%2F310000$/);
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await stopAll(node, hub);
    await cleanupAll(node, hub);
  }
});
