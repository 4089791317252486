// identity on both engines: accounts, password hashing, the sign-in throttle, sessions, admin events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, freshDatabase } from '../helpers/engines.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import {
  createSession,
  createUser,
  disableUser,
  enableUser,
  getUser,
  listUsers,
  LOCKOUT,
  resetPassword,
  resolveSession,
  deleteSession,
  signIn,
  SESSION_TTL_MS,
  type AdminActionEvent,
} from '../../src/identity/index.js';
import { generatePassword, hashPassword, needsRehash, passwordProblem, verifyPassword } from '../../src/identity/password.js';
import { throttleKey } from '../../src/identity/users.js';

test('passwords: scrypt with per-user salt and parameters in the string; generated ones are strong', async () => {
  const a = await hashPassword('Correct-Horse-9');
  const b = await hashPassword('Correct-Horse-9');
  assert.match(a, /^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b, 'a fresh salt each time');
  assert.equal(await verifyPassword('Correct-Horse-9', a), true);
  assert.equal(await verifyPassword('correct-horse-9', a), false);
  assert.equal(await verifyPassword('x', 'garbage'), false, 'a malformed hash is a failed check, not a throw');
  assert.equal(await verifyPassword('x', 'scrypt$N=1073741824,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), false, 'absurd N refused');
  // weaker parameters still verify, and are flagged for re-hashing
  const weak = await hashPassword('Correct-Horse-9', { N: 1024, r: 8, p: 1 });
  assert.equal(await verifyPassword('Correct-Horse-9', weak), true);
  assert.equal(needsRehash(weak), true);
  assert.equal(needsRehash(a), false);

  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const p = generatePassword();
    assert.match(p, /^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/);
    assert.equal(passwordProblem(p), null);
    assert.ok(!/[0O1lI]/.test(p), 'no ambiguous characters');
    seen.add(p);
  }
  assert.equal(seen.size, 50);
  assert.ok(passwordProblem('short1A'));
  assert.ok(passwordProblem('alllowercaseletters'));
  assert.ok(passwordProblem('Sh-clerk-2026!', 'sh-clerk'), 'containing the user id');
  assert.equal(passwordProblem('Wang-Fang-2026'), null);
});

for (const engine of await engines()) {
  test(`${engine}: accounts, sign-in, lockout, sessions and admin events`, async () => {
    const t = await freshDatabase(engine, 'identity');
    const store = await openDatabase<TongbanDB>(t.url);
    const events: AdminActionEvent[] = [];
    const ctx = { actor: 'cli:ops', onAdminAction: (e: AdminActionEvent) => void events.push(e) };
    try {
      const report = await migrateToLatest(store);
      assert.ok(report.applied.includes('003_identity'));
      const db = store.db;

      const pw = 'Pudong-Window-7';
      const u = await createUser(db, { server: 'node', id: 'SH-Clerk', name: '王芳', department: '上海市浦东新区行政服务中心', regionCode: '310000', roles: ['clerk', 'clerk'], password: pw }, ctx);
      assert.deepEqual(
        { id: u.id, roles: u.roles, disabledAt: u.disabledAt, lastLoginAt: u.lastLoginAt },
        { id: 'sh-clerk', roles: ['clerk'], disabledAt: null, lastLoginAt: null },
        'ids are lower case, roles deduplicated',
      );
      await assert.rejects(createUser(db, { ...u, server: 'node', id: 'sh-clerk', password: pw }, ctx), /E_CONFLICT/);
      await assert.rejects(createUser(db, { server: 'node', id: 'x y', name: 'a', department: 'b', regionCode: '310000', roles: ['clerk'], password: pw }, ctx), /E_INVALID_REQUEST/);
      await assert.rejects(createUser(db, { server: 'node', id: 'abc', name: 'a', department: 'b', regionCode: '310000', roles: [], password: pw }, ctx), /at least one role/);
      await assert.rejects(createUser(db, { server: 'node', id: 'abc', name: 'a', department: 'b', regionCode: '310000', roles: ['clerk'], password: 'weak' }, ctx), /at least 10 characters/);
      // a node's accounts hold node roles only, a hub's only hub roles: refused, nothing written
      const before = events.length;
      await assert.rejects(
        createUser(db, { server: 'node', id: 'sh-op', name: 'a', department: 'b', regionCode: '310000', roles: ['clerk', 'operator'], password: pw }, ctx),
        (e: Error & { code?: string }) => e.code === 'E_INVALID_REQUEST' && /role operator is not for a node's accounts; a node's accounts hold clerk, approver, admin, auditor/.test(e.message),
      );
      await assert.rejects(
        createUser(db, { server: 'hub', id: 'hub-clerk', name: 'a', department: 'b', regionCode: '000000', roles: ['clerk'], password: pw }, ctx),
        (e: Error & { code?: string }) => e.code === 'E_INVALID_REQUEST' && /role clerk is not for a hub's accounts; a hub's accounts hold operator/.test(e.message),
      );
      assert.equal(await getUser(db, 'sh-op'), undefined);
      assert.equal(await getUser(db, 'hub-clerk'), undefined);
      assert.equal(events.length, before, 'no admin event for a refused account');
      await createUser(db, { server: 'node', id: 'sh-admin', name: '陈志强', department: '上海市大数据中心', regionCode: '310000', roles: ['admin', 'auditor'], password: 'Data-Center-42' }, ctx);
      assert.deepEqual((await listUsers(db)).map((x) => x.id), ['sh-admin', 'sh-clerk']);
      const stored = await db.selectFrom('app_user').select(['password_hash', 'roles']).where('id', '=', 'sh-clerk').executeTakeFirstOrThrow();
      assert.ok(!stored.password_hash.includes(pw));
      assert.equal(stored.roles, '["clerk"]');

      // sign-in: right password (id case-insensitive), wrong password, unknown id: the latter two alike
      const ok = await signIn(db, ' Sh-Clerk ', pw);
      assert.deepEqual(ok, { ok: true, user: { id: 'sh-clerk', name: '王芳', department: '上海市浦东新区行政服务中心', regionCode: '310000', roles: ['clerk'] } });
      assert.ok((await getUser(db, 'sh-clerk'))!.lastLoginAt);
      assert.deepEqual(await signIn(db, 'sh-clerk', 'nope'), { ok: false, reason: 'invalid' });
      assert.deepEqual(await signIn(db, 'nobody', pw), { ok: false, reason: 'invalid' });
      // a success clears the failures
      await signIn(db, 'sh-clerk', pw);
      assert.equal(await db.selectFrom('app_login_throttle').select('key').where('key', '=', throttleKey('sh-clerk')).executeTakeFirst(), undefined);

      // lockout: 5 failures within 15 min lock the id for 15 min, even with the right password
      const t0 = new Date('2025-06-01T08:00:00.000Z');
      const at = (min: number) => new Date(t0.getTime() + min * 60_000);
      for (let i = 0; i < LOCKOUT.maxFailures - 1; i++) assert.deepEqual(await signIn(db, 'sh-clerk', `bad${i}`, at(i)), { ok: false, reason: 'invalid' });
      assert.deepEqual(await signIn(db, 'sh-clerk', 'bad4', at(4)), { ok: false, reason: 'locked', retryAfterSeconds: 900 });
      const locked = await signIn(db, 'sh-clerk', pw, at(10));
      assert.equal(locked.ok, false);
      assert.equal(!locked.ok && locked.reason, 'locked');
      assert.equal(!locked.ok && locked.reason === 'locked' && locked.retryAfterSeconds, 540);
      // the throttle row does not hold the attempted id in clear
      const rows = await db.selectFrom('app_login_throttle').selectAll().execute();
      assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.key)));
      // after the lock, the right password works again
      assert.equal((await signIn(db, 'sh-clerk', pw, at(20))).ok, true);
      // failures spread beyond the window do not lock
      for (const m of [30, 33, 36, 39, 50, 53]) assert.deepEqual(await signIn(db, 'sh-clerk', 'bad', at(m)), { ok: false, reason: 'invalid' });
      // unknown ids lock the same way (a lockout tells nothing about existence)
      for (let i = 0; i < 4; i++) await signIn(db, 'ghost', 'x', at(60));
      assert.equal(((await signIn(db, 'ghost', 'x', at(60))) as { reason: string }).reason, 'locked');
      // attempts sent all at once: only maxFailures passwords are checked, the rest are refused as
      // locked before any check — the right password sent after a burst of wrong ones does not get in
      await createUser(db, { server: 'node', id: 'sh-burst', name: '李明', department: '上海市大数据中心', regionCode: '310000', roles: ['clerk'], password: 'Burst-Target-2026' }, ctx);
      const burst = await Promise.all([...Array.from({ length: 30 }, (_, i) => signIn(db, 'sh-burst', `wrong-${i}`, at(80))), signIn(db, 'sh-burst', 'Burst-Target-2026', at(80))]);
      assert.equal(burst.at(-1)!.ok, false, 'the right password in the burst is refused');
      const reasons = burst.map((r) => (r.ok ? 'ok' : r.reason));
      assert.equal(reasons.filter((r) => r === 'invalid').length, LOCKOUT.maxFailures - 1, reasons.join(','));
      assert.equal(reasons.filter((r) => r === 'locked').length, burst.length - (LOCKOUT.maxFailures - 1));
      assert.equal(((await signIn(db, 'sh-burst', 'Burst-Target-2026', at(81))) as { reason: string }).reason, 'locked', 'and stays locked');
      assert.equal((await signIn(db, 'sh-burst', 'Burst-Target-2026', at(96))).ok, true, 'until the lock ends');
      // a password reset clears the lock
      for (let i = 0; i < 5; i++) await signIn(db, 'sh-admin', 'x', at(70));
      await resetPassword(db, 'sh-admin', 'New-Password-2026', ctx);
      assert.equal((await signIn(db, 'sh-admin', 'New-Password-2026', at(71))).ok, true);
      assert.equal((await signIn(db, 'sh-admin', 'Data-Center-42', at(71))).ok, false);
      await assert.rejects(resetPassword(db, 'sh-admin', 'short', ctx), /E_INVALID_REQUEST/);
      await assert.rejects(resetPassword(db, 'nobody', 'New-Password-2026', ctx), /E_NOT_FOUND/);

      // sessions: only the token's hash is stored; 8 h absolute expiry; disabled users lose them at once
      const s = await createSession(db, 'sh-clerk', t0);
      assert.match(s.token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Date.parse(s.expiresAt) - t0.getTime(), SESSION_TTL_MS);
      const srow = await db.selectFrom('app_session').selectAll().executeTakeFirstOrThrow();
      assert.notEqual(srow.token_hash, s.token);
      assert.match(srow.token_hash, /^[0-9a-f]{64}$/);
      assert.equal((await resolveSession(db, s.token, at(60)))?.user.id, 'sh-clerk');
      assert.equal(await resolveSession(db, s.token, at(8 * 60)), null, 'expired after 8 h');
      assert.equal(await resolveSession(db, 'not-a-token', t0), null);
      const s2 = await createSession(db, 'sh-clerk');
      const s3 = await createSession(db, 'sh-clerk');
      assert.equal(await db.selectFrom('app_session').select('token_hash').where('token_hash', '=', srow.token_hash).executeTakeFirst(), undefined, 'expired sessions pruned on sign-in');
      await deleteSession(db, s3.token);
      assert.equal(await resolveSession(db, s3.token), null);
      await disableUser(db, 'sh-clerk', ctx);
      assert.equal(await resolveSession(db, s2.token), null);
      assert.equal((await db.selectFrom('app_session').select('token_hash').where('user_id', '=', 'sh-clerk').execute()).length, 0);
      assert.deepEqual(await signIn(db, 'sh-clerk', pw), { ok: false, reason: 'invalid' }, 'a disabled account cannot sign in, and is not told apart');
      await disableUser(db, 'sh-clerk', ctx); // idempotent, reported once
      await enableUser(db, 'sh-clerk', ctx);
      assert.equal((await signIn(db, 'sh-clerk', pw)).ok, true);

      assert.deepEqual(
        events.map((e) => [e.category, e.action, e.actor, e.target]),
        [
          ['admin', 'user.created', 'cli:ops', 'sh-clerk'],
          ['admin', 'user.created', 'cli:ops', 'sh-admin'],
          ['admin', 'user.created', 'cli:ops', 'sh-burst'],
          ['admin', 'user.password-reset', 'cli:ops', 'sh-admin'],
          ['admin', 'user.disabled', 'cli:ops', 'sh-clerk'],
          ['admin', 'user.enabled', 'cli:ops', 'sh-clerk'],
        ],
      );
      assert.ok(!JSON.stringify(events).includes(pw) && !JSON.stringify(events).includes('scrypt'), 'no password or hash in events');
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
}
