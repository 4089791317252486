// The demo's staff accounts: made once with random passwords in an owner-only file, reused later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { demoUsersPath, ensureDemoUsers, listUsers, signIn, type AdminActionEvent } from '../../src/identity/index.js';

test('demo users: a clerk and an admin per node, passwords kept owner-only and reused; a lost file makes new ones that work', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-demo-users-'));
  const store = await openDatabase<TongbanDB>(`sqlite:${join(dir, 'node.db')}`);
  const events: AdminActionEvent[] = [];
  try {
    await migrateToLatest(store);
    const region = { code: '310000', name: '上海' };
    const first = await ensureDemoUsers(store.db, dir, region, (e) => void events.push(e));
    assert.deepEqual(first.map((u) => [u.id, u.name, u.department, u.roles.join()]), [
      ['sh-clerk', '王芳', '上海市浦东新区行政服务中心', 'clerk'],
      ['sh-admin', '陈志强', '上海市大数据中心', 'admin'],
    ]);
    const path = demoUsersPath(dir);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(events.map((e) => [e.action, e.actor, e.target]), [['user.created', 'demo', 'sh-clerk'], ['user.created', 'demo', 'sh-admin']]);
    for (const u of first) assert.equal((await signIn(store.db, u.id, u.password)).ok, true);

    const second = await ensureDemoUsers(store.db, dir, region);
    assert.deepEqual(second, first, 'a later start reuses the file');
    assert.equal((await listUsers(store.db)).length, 2);

    unlinkSync(path);
    const third = await ensureDemoUsers(store.db, dir, region);
    assert.notEqual(third[0]!.password, first[0]!.password);
    assert.equal((await signIn(store.db, 'sh-clerk', third[0]!.password)).ok, true, 'the new file is true');
    assert.equal((await signIn(store.db, 'sh-clerk', first[0]!.password)).ok, false);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).users[0].password, third[0]!.password);

    const ah = await ensureDemoUsers(store.db, join(dir, 'ah'), { code: '340000', name: '安徽' });
    assert.deepEqual(ah.map((u) => u.id), ['ah-clerk', 'ah-admin']);
    assert.equal(ah[0]!.department, '安徽省合肥市政务服务中心');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
