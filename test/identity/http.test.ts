// identity over HTTP: a real node (sign in, who am I, sign out, lockout), and requireUser's refusals
// on an app with a guarded route; both engines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engines, freshDatabase } from '../helpers/engines.js';
import { cleanupAll, startHub, startNode, stopAll, type Started } from '../helpers/federation.js';
import { buildApp } from '../../src/http/app.js';
import { createLogger } from '../../src/http/logger.js';
import { ERRORS } from '../../src/core/errors.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { createUser, currentUser, identityRoutes, requireUser } from '../../src/identity/index.js';

type ErrorJson = { error: { code: string; message: string; messageZh: string; messageEn: string; detail?: string } };
const ctx = { actor: 'test' };
const PW = 'Pudong-Window-7';

function cookieOf(res: Response): string {
  const c = res.headers.get('set-cookie') ?? '';
  return c.split(';')[0]!;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

for (const engine of await engines()) {
  test(`${engine}: a node signs a clerk in and out; wrong credentials say nothing about the account; lockout after 5 failures`, async () => {
    let hub: Started | undefined;
    let node: Started | undefined;
    try {
      hub = await startHub(engine);
      node = await startNode(engine, { url: hub.server.url, keyId: hub.server.identity.keyId }, { code: '310000', name: '上海' });
      const base = node.server.url;
      await createUser(node.server.store.db, { server: 'node', id: 'sh-clerk', name: '王芳', department: '上海市浦东新区行政服务中心', regionCode: '310000', roles: ['clerk'], password: PW }, ctx);

      // not signed in: an answer, not an error (public pages ask too)
      const anon = await fetch(`${base}/api/session`);
      assert.equal(anon.status, 200);
      assert.deepEqual(await anon.json(), { user: null, expiresAt: null });
      assert.equal(anon.headers.get('cache-control'), 'no-store');

      // sign in
      const res = await post(`${base}/api/session`, { userId: 'sh-clerk', password: PW });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { user: Record<string, unknown>; expiresAt: string };
      assert.deepEqual(body.user, { id: 'sh-clerk', name: '王芳', department: '上海市浦东新区行政服务中心', regionCode: '310000', roles: ['clerk'] });
      const setCookie = res.headers.get('set-cookie')!;
      assert.match(setCookie, /^tb_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Strict$/, 'no Secure on plain http');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const cookie = cookieOf(res);

      // behind a TLS proxy the cookie is Secure
      const viaTls = await post(`${base}/api/session`, { userId: 'sh-clerk', password: PW }, { 'x-forwarded-proto': 'https' });
      assert.match(viaTls.headers.get('set-cookie')!, /; Secure$/);

      const me = await fetch(`${base}/api/session`, { headers: { cookie: `other=1; ${cookie}` } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { user: { id: string } }).user.id, 'sh-clerk');

      // sign out: 204, cookie cleared, the session no longer works
      const out = await fetch(`${base}/api/session`, { method: 'DELETE', headers: { cookie } });
      assert.equal(out.status, 204);
      assert.match(out.headers.get('set-cookie')!, /^tb_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/);
      const ended = await fetch(`${base}/api/session`, { headers: { cookie } });
      assert.equal(ended.status, 200);
      assert.deepEqual(await ended.json(), { user: null, expiresAt: null }, 'an ended session is no session');
      assert.equal((await fetch(`${base}/api/session`, { method: 'DELETE' })).status, 204, 'signing out twice is fine');

      // wrong password and unknown user: the same answer, in the caller's language
      const wrong = await post(`${base}/api/session`, { userId: 'sh-clerk', password: 'nope' }, { 'accept-language': 'en' });
      const unknown = await post(`${base}/api/session`, { userId: 'nobody', password: 'nope' }, { 'accept-language': 'en' });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      const [wb, ub] = [(await wrong.json()) as ErrorJson, (await unknown.json()) as ErrorJson];
      assert.deepEqual(wb, ub);
      assert.equal(wb.error.code, 'E_UNAUTHENTICATED');
      assert.equal(wb.error.message, ERRORS.E_UNAUTHENTICATED.en);
      assert.equal(wrong.headers.get('set-cookie'), null);

      // bad input is refused at the edge
      const extra = await post(`${base}/api/session`, { userId: 'sh-clerk', password: PW, admin: true });
      assert.equal(extra.status, 400);
      assert.equal(((await extra.json()) as ErrorJson).error.code, 'E_INVALID_REQUEST');

      // lockout: the wrong one above + 3 more → 401s; the 5th failure locks; then even the right password is refused
      for (let i = 0; i < 3; i++) assert.equal((await post(`${base}/api/session`, { userId: 'sh-clerk', password: `bad${i}` })).status, 401);
      const fifth = await post(`${base}/api/session`, { userId: 'sh-clerk', password: 'bad' });
      assert.equal(fifth.status, 429);
      const locked = await post(`${base}/api/session`, { userId: 'SH-CLERK', password: PW });
      assert.equal(locked.status, 429);
      assert.equal(locked.headers.get('retry-after'), '900');
      const lb = (await locked.json()) as ErrorJson;
      assert.equal(lb.error.code, 'E_RATE_LIMITED');
      assert.equal(lb.error.messageZh, ERRORS.E_RATE_LIMITED.zh);
      assert.equal(locked.headers.get('set-cookie'), null);

      // documented in the OpenAPI document
      const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      assert.ok(spec.paths['/api/session']?.post && spec.paths['/api/session']?.get && spec.paths['/api/session']?.delete);
    } finally {
      await stopAll(node, hub);
      await cleanupAll(node, hub);
    }
  });

  test(`${engine}: requireUser refuses without a session (401) and without the role (403); deny by default without identity`, async () => {
    const t = await freshDatabase(engine, 'idguard');
    const store = await openDatabase<TongbanDB>(t.url);
    const dir = mkdtempSync(join(tmpdir(), 'tongban-idguard-'));
    const logFile = join(dir, 'server.log');
    const logger = createLogger({ level: 'info', file: logFile });
    const app = await buildApp({ logger, title: 't', description: 't', readiness: [], serveWeb: false });
    const bare = await buildApp({ logger: createLogger({ level: 'silent' }), title: 't', description: 't', readiness: [], serveWeb: false });
    try {
      await migrateToLatest(store);
      await createUser(store.db, { server: 'node', id: 'sh-clerk', name: '王芳', department: '上海市浦东新区行政服务中心', regionCode: '310000', roles: ['clerk'], password: PW }, ctx);
      await createUser(store.db, { server: 'node', id: 'sh-admin', name: '陈志强', department: '上海市大数据中心', regionCode: '310000', roles: ['admin'], password: 'Data-Center-42' }, ctx);
      await app.register(identityRoutes, { db: store.db });
      // a plugin registered later, encapsulated as the exchange routes will be
      await app.register(async (child) => {
        child.get('/api/guarded/clerk', { preHandler: requireUser('clerk') }, async (req) => ({ user: currentUser(req) }));
        child.get('/api/guarded/any', { preHandler: requireUser() }, async (req) => ({ id: req.user?.id }));
        child.get('/api/guarded/admin-or-auditor', { preHandler: requireUser('admin', 'auditor') }, async (req) => ({ id: req.user?.id }));
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const login = async (userId: string, password: string) => cookieOf(await post(`${base}/api/session`, { userId, password }));
      const clerk = await login('sh-clerk', PW);
      const admin = await login('sh-admin', 'Data-Center-42');

      const none = await fetch(`${base}/api/guarded/clerk`);
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as ErrorJson).error.code, 'E_UNAUTHENTICATED');
      const forged = await fetch(`${base}/api/guarded/clerk`, { headers: { cookie: 'tb_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
      assert.equal(forged.status, 401);

      const asClerk = await fetch(`${base}/api/guarded/clerk`, { headers: { cookie: clerk } });
      assert.equal(asClerk.status, 200);
      assert.deepEqual(((await asClerk.json()) as { user: { id: string; roles: string[] } }).user.roles, ['clerk']);

      const adminAsClerk = await fetch(`${base}/api/guarded/clerk`, { headers: { cookie: admin } });
      assert.equal(adminAsClerk.status, 403, 'an admin is not a clerk');
      assert.equal(((await adminAsClerk.json()) as ErrorJson).error.code, 'E_FORBIDDEN');
      assert.equal((await fetch(`${base}/api/guarded/admin-or-auditor`, { headers: { cookie: clerk } })).status, 403);
      assert.equal((await fetch(`${base}/api/guarded/admin-or-auditor`, { headers: { cookie: admin } })).status, 200);
      assert.deepEqual(await (await fetch(`${base}/api/guarded/any`, { headers: { cookie: admin } })).json(), { id: 'sh-admin' });

      // a server without identity routes refuses everything behind requireUser
      bare.get('/api/guarded', { preHandler: requireUser() }, async () => ({ ok: true }));
      const r = await bare.inject({ method: 'GET', url: '/api/guarded', headers: { cookie: clerk } });
      assert.equal(r.statusCode, 401);
    } finally {
      await app.close();
      await bare.close();
      await store.close();
      await t.cleanup();
    }
    // no passwords, names or session tokens in the log
    logger.flush?.();
    await new Promise((r) => setTimeout(r, 100));
    const log = readFileSync(logFile, 'utf8');
    assert.ok(log.includes('sign-in'), 'sign-ins are logged');
    for (const secret of [PW, 'Data-Center-42', '王芳', 'tb_session=']) assert.ok(!log.includes(secret), `log does not contain ${secret}`);
    rmSync(dir, { recursive: true, force: true });
  });
}
