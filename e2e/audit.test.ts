// End-to-end: the 审计与存证 / Audit anchoring console page in Chromium, on a hub and a node (江苏) started on
// 127.0.0.1 port 0. The node's log is anchored (green); its database is then restored from an older
// backup (the node stopped, the audit rows after a checkpoint deleted, the node started again) and the
// hub refuses its next checkpoint (red: anchoring held). The auditor sees that, with no form, also on a
// phone; the administrator reads it in English too, declares the restore with a reason (refused
// without one), and the page turns green and lists the declaration with who declared it and both its
// signatures verified, as it does for the auditor. Suspended by the hub, the node is red for that
// (refused, with what to do); with the hub down it turns yellow (retried). A clerk has no entry and is
// turned away. Screenshots in test-results/ (audit-*).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { activeTabInView, noHorizontalOverflow, recordFailures, screenshot, signIn, switchLang, text } from './helpers.js';
import { approveNode, cleanupAll, startHub, startNode, stopAll, type Started } from '../test/helpers/federation.js';
import { restoreFromBackup, servedEvent as event } from '../test/helpers/audit.js';
import { createUser, type UserRole } from '../src/identity/index.js';
import { decideMembership } from '../src/hub/membership.js';

const PASSWORD = 'correct-horse-battery-42';

async function pageState(page: Page, state: string): Promise<void> {
  await page.waitForFunction(`document.querySelector('[data-testid="page-audit"]')?.getAttribute('data-state') === '${state}'`, null, { timeout: 20_000 });
}

test('审计与存证: anchored (green); restored from an older backup, the hub refuses (red: held); the auditor sees it without the form, the administrator declares the restore with a reason and the page turns green with the declaration listed, its declarer named and its signatures verified; suspended (red: refused); zh-CN and en, desktop and phone', async () => {
  let hub: Started | undefined;
  let node: Started | undefined;
  let browser: Browser | undefined;
  try {
    hub = await startHub('sqlite');
    const hubRef = { url: hub.server.url, keyId: hub.server.identity.keyId };
    node = await startNode('sqlite', hubRef, { code: '320000', name: '江苏' });
    await approveNode(hub, node);
    const users: Array<[string, string, UserRole]> = [
      ['js-admin', '赵敏', 'admin'],
      ['js-auditor', '钱伟', 'auditor'],
      ['js-clerk', '孙丽', 'clerk'],
    ];
    for (const [id, name, role] of users) {
      await createUser(node.server.store.db, { server: 'node', id, name, department: '江苏省大数据管理中心', regionCode: '320000', roles: [role], password: PASSWORD }, { actor: 'test' });
    }
    for (let i = 1; i <= 5; i++) await node.server.audit.append(event(i));
    const backup = (await node.server.audit.checkpointNow())!;
    for (let i = 6; i <= 12; i++) await node.server.audit.append(event(i));
    const lost = (await node.server.audit.checkpointNow())!;
    assert.equal((await node.server.audit.anchorPending()).pending, 0);
    const url = node.server.url;

    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await signIn(ctx, url, '/audit', 'js-admin', PASSWORD);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // ---- green: everything anchored ---------------------------------------------------------------
    await pageState(page, 'anchored');
    assert.equal(await text(page, 'nav-audit'), '审计与存证');
    await activeTabInView(page, 'audit');
    assert.equal(await page.locator('h1').first().innerText(), '审计与存证');
    assert.match(await text(page, 'audit-state'), /^审计日志完整性由枢纽存证[\s\S]*全部 \d+ 个检查点均已由国家枢纽会签,最近一次存证于 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}/);
    const head = await node.server.audit.head();
    assert.match(await text(page, 'tile-entries'), new RegExp(`审计条目\\s+${head.seq}\\s+最新一条 刚刚`));
    const total = (await node.server.audit.checkpoints()).length;
    assert.match(await text(page, 'tile-anchored'), new RegExp(`已存证检查点\\s+${total} / ${total}`));
    assert.match(await text(page, 'tile-pending'), /待存证检查点\s+0\s+无/);
    assert.match(await text(page, 'tile-last-anchored'), new RegExp(`最近存证\\s+刚刚\\s+第 ${lost.seq} 条`));
    assert.match(await text(page, 'audit-restores'), /没有恢复声明/);
    assert.equal(await page.getByTestId('declare-restore').count(), 0);
    await screenshot(page, 'audit-anchored-zh-CN.png');

    // ---- the node's database is restored from the backup taken at `backup`; the hub refuses ----------
    node = await restoreFromBackup('sqlite', hubRef, node, backup);
    assert.equal(node.server.url, url, 'the node comes back at the same address');
    for (let i = 13; i <= 15; i++) await node.server.audit.append(event(i));
    const rewound = (await node.server.audit.checkpointNow())!;
    assert.match((await node.server.audit.anchorPending()).error ?? '', /^E_CONFLICT/);
    const range = `第 ${backup.seq + 1}–${lost.seq} 条`;

    // the auditor: the red state and what to do, but the declaration is the administrators'
    const auditorCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const auditor = await signIn(auditorCtx, url, '/audit', 'js-auditor', PASSWORD);
    await pageState(auditor, 'held');
    const heldText = await text(auditor, 'audit-state');
    assert.match(heldText, /^存证已暂停:枢纽拒绝了本日志的检查点/);
    assert.match(heldText, new RegExp(`国家枢纽已为本节点存证到第 ${lost.seq} 条,但本日志已不再持有其中的${range} —— 通常是数据库从较早的备份恢复了`));
    assert.match(heldText, /由本节点的数据管理员在本页声明从备份恢复/);
    assert.equal(await auditor.getByTestId('audit-state').getAttribute('data-code'), 'E_CONFLICT');
    assert.equal(await auditor.getByTestId('declare-restore').count(), 0, 'an auditor has no form');
    assert.match(await text(auditor, 'tile-pending'), /待存证检查点\s+1\s+被枢纽拒绝,已暂停/);
    assert.match(await text(auditor, 'audit-last-error'), new RegExp(`^E_CONFLICT\\s+hub answered 409 .*up to seq ${lost.seq}; a new head at seq ${rewound.seq} means the log went back`));
    await screenshot(auditor, 'audit-held-auditor-zh-CN.png');

    // the same on a phone
    const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', deviceScaleFactor: 1 });
    const phone = await signIn(phoneCtx, url, '/audit', 'js-auditor', PASSWORD);
    await pageState(phone, 'held');
    await noHorizontalOverflow(phone);
    await activeTabInView(phone, 'audit');
    await screenshot(phone, 'audit-held-390-zh-CN.png');

    // the administrator: red, with the form; in English too
    await page.reload();
    // from here on (the node's restart is behind), nothing the page asks for fails
    const failures = recordFailures(page);
    await pageState(page, 'held');
    assert.match(await text(page, 'audit-state'), /确认后,在下方声明从备份恢复并写明原因/);
    await page.getByTestId('declare-restore').waitFor();
    await switchLang(page, 'en');
    assert.match(await text(page, 'audit-state'), new RegExp(`^Anchoring is held: the hub refused this log's checkpoint[\\s\\S]*anchored this node's log up to seq ${lost.seq}, but this log no longer holds seq ${backup.seq + 1}–${lost.seq} of it`));
    assert.equal(await text(page, 'nav-audit'), 'Audit anchoring');
    assert.match(await text(page, 'tile-pending'), /Checkpoints waiting\s+1\s+refused by the hub: held/);
    await screenshot(page, 'audit-held-en.png');
    await switchLang(page, 'zh-CN');

    // the declaration: a reason is required; the consequence is said before anything is sent
    await page.getByTestId('declare-open').click();
    await page.getByTestId('confirm-restore').waitFor();
    assert.match(await text(page, 'restore-consequence'), new RegExp(`枢纽将把第 ${backup.seq} 条之后的 1 个存证移到一旁 —— 保留并公开列出,不会删除;第 ${backup.seq} 条及之前的存证不变。[\\s\\S]*都会记录声明人和原因`));
    await page.getByTestId('confirm-restore-confirm').click();
    const noReason = page.locator('#confirm-restore-error');
    await noReason.waitFor();
    assert.equal((await noReason.innerText()).trim(), '请填写理由');
    const reason = '11月25日磁盘故障,恢复了11月24日02:00的备份';
    await page.getByTestId('confirm-restore-reason').fill(reason);
    await screenshot(page, 'audit-declare-zh-CN.png');
    await page.getByTestId('confirm-restore-confirm').click();

    // the result: what the hub set aside, anchoring resumed, the page green with the declaration listed
    await page.getByTestId('restore-declared').waitFor();
    assert.match(await text(page, 'restore-declared'), new RegExp(`^已声明恢复:枢纽已将第 ${backup.seq} 条之后的 1 个存证移到一旁[\\s\\S]*存证已恢复:等待的 1 个检查点已由枢纽会签`));
    await pageState(page, 'anchored');
    assert.equal(await page.getByTestId('declare-restore').count(), 0);
    const row = page.getByTestId('restore-row');
    assert.equal(await row.count(), 1);
    assert.equal(await text(page, 'restore-range'), `第 ${lost.seq} 条`, 'the anchor set aside');
    assert.equal(await text(page, 'restore-reason'), reason);
    assert.match(await row.innerText(), /\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}/);
    // who declared it (the node's own log, the account's name), and both signatures checked as audit verify checks them
    assert.equal(await text(page, 'restore-declarer'), '赵敏\n江苏省大数据管理中心');
    assert.equal(await row.getAttribute('data-verified'), 'true');
    assert.equal(await text(page, 'restore-verified'), '已验证\n本地区的签名与枢纽回执均有效');
    await screenshot(page, 'audit-declared-zh-CN.png');
    // recorded in the node's log with who declared it and why
    const declared = (await node.server.audit.tail(20)).find((e) => e.action === 'audit.restore-declared')!;
    assert.deepEqual([declared.actor_id, declared.outcome, JSON.parse(declared.detail!).reason], ['js-admin', 'ok', reason]);

    // the auditor's page turns green and lists it too (on its next refresh)
    await auditor.getByTestId('refresh').click();
    await pageState(auditor, 'anchored');
    assert.equal(await text(auditor, 'restore-reason'), reason);
    assert.equal(await text(auditor, 'restore-declarer'), '赵敏\n江苏省大数据管理中心');
    // a receipt that no longer verifies (the hub's stored copy altered here) is marked, with why
    const hubDb = hub.server.store.db;
    const stored = await hubDb.selectFrom('hub_audit_restore').select(['id', 'receipt']).executeTakeFirstOrThrow();
    const altered = JSON.parse(stored.receipt) as { payload: { superseded: number } };
    altered.payload.superseded = 7;
    await hubDb.updateTable('hub_audit_restore').set({ receipt: JSON.stringify(altered) }).where('id', '=', stored.id).execute();
    await auditor.getByTestId('refresh').click();
    await auditor.waitForFunction(`document.querySelector('[data-testid="restore-row"]')?.getAttribute('data-verified') === 'false'`);
    assert.equal(await text(auditor, 'restore-verified'), '未通过验证\n枢纽回执无法验证\nrestore receipt does not verify');
    assert.equal(await auditor.getByTestId('restore-problem').getAttribute('data-check'), 'receipt');
    await screenshot(auditor, 'audit-not-verified-zh-CN.png');
    await hubDb.updateTable('hub_audit_restore').set({ receipt: stored.receipt }).where('id', '=', stored.id).execute();
    await auditor.getByTestId('refresh').click();
    await auditor.waitForFunction(`document.querySelector('[data-testid="restore-row"]')?.getAttribute('data-verified') === 'true'`);
    await phone.reload();
    await pageState(phone, 'anchored');
    await noHorizontalOverflow(phone);
    await screenshot(phone, 'audit-declared-390-zh-CN.png');
    await switchLang(phone, 'en');
    assert.match(await text(phone, 'audit-state'), /^The hub vouches for this audit log/);
    assert.match(await text(phone, 'audit-restores'), new RegExp(`seq ${lost.seq}[\\s\\S]*1 anchor; kept up to seq ${backup.seq}`));
    assert.match(await text(phone, 'restore-verified'), /^Verified\s+the region's signature and the hub's receipt both verify$/);
    await noHorizontalOverflow(phone);
    await screenshot(phone, 'audit-declared-390-en.png');

    /** A new checkpoint, whose anchoring meets `code`; the auditor's page, refreshed, is in `state` for that code. */
    const nextCheckpointMeets = async (i: number, code: string, state: string) => {
      await node!.server.audit.append(event(i));
      await node!.server.audit.checkpointNow();
      assert.match((await node!.server.audit.anchorPending()).error ?? '', new RegExp(`^${code}`));
      await auditor.getByTestId('refresh').click();
      await pageState(auditor, state);
      assert.equal(await auditor.getByTestId('audit-state').getAttribute('data-code'), code);
    };

    // the hub suspends the node: red again, but not for a restore — the membership, and what to do about it
    await decideMembership(hub.server.store.db, '320000', 'suspend', 'test', '核查中');
    await nextCheckpointMeets(16, 'E_FORBIDDEN', 'refused');
    assert.match(await text(auditor, 'audit-state'), /^存证受阻:枢纽拒绝为本节点存证[\s\S]*本节点的成员资格目前未获批准或已被暂停[\s\S]*1 个检查点在本地等待,每轮重试/);
    assert.match(await text(auditor, 'refused-todo'), /^处理办法: 请联系国家枢纽运维方/);
    assert.match(await text(auditor, 'tile-pending'), /待存证检查点\s+1\s+被枢纽拒绝,待处理/);
    assert.match(await text(auditor, 'audit-last-error'), /^E_FORBIDDEN\s+hub answered 403 E_FORBIDDEN region 320000 is suspended/);
    assert.equal(await auditor.getByTestId('declare-restore').count(), 0);
    await screenshot(auditor, 'audit-refused-zh-CN.png');
    await decideMembership(hub.server.store.db, '320000', 'reinstate', 'test');
    assert.equal((await node.server.audit.anchorPending()).pending, 0);
    await auditor.getByTestId('refresh').click();
    await pageState(auditor, 'anchored');

    // the hub goes down: yellow, the waiting checkpoint is retried, and the declarations cannot be asked for
    await hub.server.close();
    await nextCheckpointMeets(17, 'E_HUB_UNAVAILABLE', 'pending');
    assert.match(await text(auditor, 'audit-state'), /^1 个检查点等待枢纽存证[\s\S]*暂时无法连接国家枢纽\(最近一次尝试:\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\),将自动重试。[\s\S]*无需操作/);
    assert.match(await text(auditor, 'tile-pending'), /待存证检查点\s+1\s+将自动重试/);
    assert.match(await text(auditor, 'restores-unavailable'), /^暂时无法向国家枢纽查询恢复声明:E_HUB_UNAVAILABLE/);
    await screenshot(auditor, 'audit-pending-zh-CN.png');

    // a clerk: no entry in the navigation, and the page turned away
    const clerkCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const clerk = await signIn(clerkCtx, url, '/audit', 'js-clerk', PASSWORD);
    await clerk.getByTestId('forbidden').waitFor();
    assert.equal(await clerk.getByTestId('nav-audit').count(), 0);

    assert.deepEqual(failures, []);
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await stopAll(node, hub);
    await cleanupAll(node, hub);
  }
});
