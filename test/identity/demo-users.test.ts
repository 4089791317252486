// The demo's staff accounts: made once with random passwords in an owner-only file, reused later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { demoUsersPath, ensureDemoUsers, listUsers, signIn, type AdminActionEvent } from '../../src/identity/index.js';

test('demo users: a clerk, an admin, an approver and an auditor per node, an operator on the hub, passwords kept owner-only and reused; a lost file makes new ones that work; an older file gains the approver', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-demo-users-'));
  const store = await openDatabase<TongbanDB>(`sqlite:${join(dir, 'node.db')}`);
  const events: AdminActionEvent[] = [];
  try {
    await migrateToLatest(store);
    const region = { role: 'node' as const, code: '310000', name: '上海' };
    const first = await ensureDemoUsers(store.db, dir, region, (e) => void events.push(e));
    assert.deepEqual(first.map((u) => [u.id, u.name, u.department, u.roles.join()]), [
      ['sh-clerk', '王芳', '上海市浦东新区行政服务中心', 'clerk'],
      ['sh-admin', '陈志强', '上海市大数据中心', 'admin'],
      ['sh-approver', '赵敏', '上海市大数据中心', 'approver'],
      ['sh-auditor', '钱蕾', '上海市人民政府办公厅督查处', 'auditor'],
    ]);
    const path = demoUsersPath(dir);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(events.map((e) => [e.action, e.actor, e.target]), [
      ['user.created', 'demo', 'sh-clerk'],
      ['user.created', 'demo', 'sh-admin'],
      ['user.created', 'demo', 'sh-approver'],
      ['user.created', 'demo', 'sh-auditor'],
    ]);
    for (const u of first) assert.equal((await signIn(store.db, u.id, u.password)).ok, true);

    const second = await ensureDemoUsers(store.db, dir, region);
    assert.deepEqual(second, first, 'a later start reuses the file');
    assert.equal((await listUsers(store.db)).length, 4);

    unlinkSync(path);
    const third = await ensureDemoUsers(store.db, dir, region);
    assert.notEqual(third[0]!.password, first[0]!.password);
    assert.equal((await signIn(store.db, 'sh-clerk', third[0]!.password)).ok, true, 'the new file is true');
    assert.equal((await signIn(store.db, 'sh-clerk', first[0]!.password)).ok, false);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).users[0].password, third[0]!.password);

    const ah = await ensureDemoUsers(store.db, join(dir, 'ah'), { role: 'node', code: '340000', name: '安徽' });
    assert.deepEqual(ah.map((u) => u.id), ['ah-clerk', 'ah-admin', 'ah-approver', 'ah-auditor']);
    assert.equal(ah[0]!.department, '安徽省合肥市政务服务中心');
    assert.equal(ah[2]!.department, '安徽省数据资源管理局');

    // directories made before approvers were presets: their files list the clerk and the admin only
    const older = await openDatabase<TongbanDB>(`sqlite:${join(dir, 'old.db')}`);
    try {
      await migrateToLatest(older);
      const dropApprover = (nodeDir: string) => {
        const p = demoUsersPath(nodeDir);
        const file = JSON.parse(readFileSync(p, 'utf8'));
        file.users = file.users.filter((u: { id: string }) => u.id !== 'sh-approver');
        writeFileSync(p, JSON.stringify(file), { mode: 0o600 });
      };
      // (a) a node without the approver's account: it is created, the others keep their passwords
      const oldDir = join(dir, 'old');
      const made = await ensureDemoUsers(older.db, oldDir, region);
      dropApprover(oldDir);
      await older.db.deleteFrom('app_user').where('id', '=', 'sh-approver').execute();
      const upgradeEvents: AdminActionEvent[] = [];
      const upgraded = await ensureDemoUsers(older.db, oldDir, region, (e) => void upgradeEvents.push(e));
      assert.deepEqual(upgraded.map((u) => u.id), ['sh-clerk', 'sh-admin', 'sh-approver', 'sh-auditor']);
      assert.equal(upgraded[0]!.password, made[0]!.password, 'the clerk keeps its password');
      assert.equal(upgraded[1]!.password, made[1]!.password, 'the admin keeps its password');
      assert.notEqual(upgraded[2]!.password, made[2]!.password, 'the approver gets a new one');
      assert.equal(upgraded[3]!.password, made[3]!.password, 'the auditor keeps its password');
      assert.deepEqual(upgradeEvents.map((e) => [e.action, e.target]), [['user.created', 'sh-approver']], 'only the approver is created');
      const oldPath = demoUsersPath(oldDir);
      assert.equal(statSync(oldPath).mode & 0o777, 0o600);
      assert.deepEqual(JSON.parse(readFileSync(oldPath, 'utf8')).users, upgraded, 'the file is rewritten with the approver');
      for (const u of upgraded) assert.equal((await signIn(older.db, u.id, u.password)).ok, true, `${u.id} signs in`);
      assert.deepEqual(await ensureDemoUsers(older.db, oldDir, region), upgraded, 'and reused afterwards');

      // (b) the account exists (made by hand) but the file does not list it: it gets the file's new password
      dropApprover(oldDir);
      const resetEvents: AdminActionEvent[] = [];
      const again = await ensureDemoUsers(older.db, oldDir, region, (e) => void resetEvents.push(e));
      assert.deepEqual(resetEvents.map((e) => [e.action, e.target]), [['user.password-reset', 'sh-approver']]);
      assert.equal((await signIn(older.db, 'sh-approver', again[2]!.password)).ok, true, 'the file is true');
      assert.equal((await signIn(older.db, 'sh-clerk', made[0]!.password)).ok, true);
    } finally {
      await older.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("demo users on the hub: its operator and its auditor, in the hub's demo-users.json, reused later", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-demo-hub-users-'));
  const store = await openDatabase<TongbanDB>(`sqlite:${join(dir, 'hub.db')}`);
  try {
    await migrateToLatest(store);
    const hub = { role: 'hub' as const, code: '000000', name: '国家枢纽' };
    const made = await ensureDemoUsers(store.db, dir, hub);
    assert.deepEqual(made.map((u) => [u.id, u.name, u.department, u.roles.join()]), [
      ['hub-operator', '刘建华', '国家政务服务平台运维中心', 'operator'],
      ['hub-auditor', '周静', '国务院办公厅电子政务办公室', 'auditor'],
    ]);
    const file = JSON.parse(readFileSync(demoUsersPath(dir), 'utf8')) as { regionCode: string; note: string; users: unknown[] };
    assert.deepEqual([file.regionCode, file.users], ['000000', made]);
    assert.match(file.note, /Demo accounts of this hub/);
    assert.equal(statSync(demoUsersPath(dir)).mode & 0o777, 0o600);
    const signedIn = await signIn(store.db, 'hub-operator', made[0]!.password);
    assert.ok(signedIn.ok && signedIn.user.roles.includes('operator'));
    assert.deepEqual(await ensureDemoUsers(store.db, dir, hub), made, 'a later start reuses the file');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
