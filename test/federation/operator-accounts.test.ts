// The hub's operator API with named operators: a decision taken by a signed-in hub operator is the
// person's (member history with their name, hub_member.decided_by, the hub's audit log with their
// department); the bootstrap token still works and is recorded as operator-token; deny by default (no
// one signed in: 401; an account without the role: 403; a wrong token beside a good session: 401); a
// browser's cross-site request is refused as on a node; history details are structured, older text
// ones still returned. The hub's auditors read members, histories and the hub's audit log, and decide nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { engines } from '../helpers/engines.js';
import { cleanupAll, staffSession, startHub, stopAll, type Started } from '../helpers/federation.js';
import { buildJoinRequest } from '../../src/federation/documents.js';
import { makeSigner } from '../../src/core/signed-document.js';
import { suiteFor } from '../../src/core/crypto/index.js';
import { createUser } from '../../src/identity/index.js';
import type { MemberEventView } from '../../src/hub/history.js';

type ErrorJson = { error: { code: string } };
type HistoryEntry = MemberEventView;

for (const engine of await engines()) {
  test(`${engine}: hub operators sign in and decide by name; the bootstrap token still works; deny by default`, async () => {
    let hub: Started | undefined;
    try {
      hub = await startHub(engine);
      const base = hub.server.url;
      const db = hub.server.store.db;
      const token = hub.server.newOperatorToken!;
      const signer = makeSigner(suiteFor('ed25519'), suiteFor('ed25519').generateKeyPair().privateKeyPem);
      const askToJoin = async (regionCode: string, name: string, endpoint: string, key = signer) => {
        const body = buildJoinRequest(key, { regionCode, name, endpoint, nonce: randomBytes(12).toString('hex') });
        const res = await fetch(`${base}/api/hub/members/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        assert.ok(res.status === 200 || res.status === 202, `join ${regionCode}: ${res.status}`);
      };
      await askToJoin('330000', '浙江', 'http://127.0.0.1:9');
      await askToJoin('320000', '江苏', 'http://127.0.0.1:11', makeSigner(suiteFor('ed25519'), suiteFor('ed25519').generateKeyPair().privateKeyPem));

      const operator = await staffSession(hub, 'hub-liu', ['operator'], 'Hub-Operator-2026', { name: '刘建华', department: '国家政务服务平台运维中心' });
      // an account without the role (the hub makes none: written past its rules, say by hand)
      const other = await staffSession(hub, 'hub-guest', ['operator'], 'Visitor-Pass-2026', { name: '访客', department: '某处' });
      await db.updateTable('app_user').set({ roles: '[]' }).where('id', '=', 'hub-guest').execute();

      const call = (path: string, opts: { cookie?: string; bearer?: string; body?: object; headers?: Record<string, string> } = {}) =>
        fetch(`${base}${path}`, {
          method: opts.body ? 'POST' : 'GET',
          headers: {
            ...(opts.cookie ? { cookie: opts.cookie } : {}),
            ...(opts.bearer !== undefined ? { authorization: `Bearer ${opts.bearer}` } : {}),
            ...(opts.body ? { 'content-type': 'application/json' } : {}),
            ...opts.headers,
          },
          ...(opts.body ? { body: JSON.stringify(opts.body) } : {}),
        });
      const codeOf = async (res: Response) => [res.status, ((await res.json()) as ErrorJson).error?.code];
      const statusOf = async (code: string) => ((await (await call(`/api/hub/members/${code}`, { bearer: token })).json()) as { member: { status: string } }).member.status;

      // the hub's sign-in: the operator is who they say, with the hub's role
      const me = (await (await call('/api/session', { cookie: operator })).json()) as { user: { id: string; name: string; roles: string[]; regionCode: string } };
      assert.deepEqual([me.user.id, me.user.name, me.user.roles, me.user.regionCode], ['hub-liu', '刘建华', ['operator'], '000000']);

      // deny by default: nobody signed in, a forged cookie, an account without the role, a wrong token beside a good session
      assert.deepEqual(await codeOf(await call('/api/hub/members')), [401, 'E_UNAUTHENTICATED']);
      assert.deepEqual(await codeOf(await call('/api/hub/members/330000/approve', { body: {} })), [401, 'E_UNAUTHENTICATED']);
      assert.deepEqual(await codeOf(await call('/api/hub/members', { cookie: `tb_session=${'A'.repeat(43)}` })), [401, 'E_UNAUTHENTICATED']);
      assert.deepEqual(await codeOf(await call('/api/hub/members', { cookie: other })), [403, 'E_FORBIDDEN']);
      assert.deepEqual(await codeOf(await call('/api/hub/members/330000', { cookie: other })), [403, 'E_FORBIDDEN']);
      assert.deepEqual(await codeOf(await call('/api/hub/members/330000/approve', { cookie: other, body: {} })), [403, 'E_FORBIDDEN']);
      assert.deepEqual(await codeOf(await call('/api/hub/members/330000/approve', { cookie: operator, bearer: 'tbop_not-the-token', body: {} })), [401, 'E_UNAUTHENTICATED']);
      // a browser's request from another site is refused before it runs, as on a node
      assert.deepEqual(await codeOf(await call('/api/hub/members/330000/approve', { cookie: operator, body: {}, headers: { 'sec-fetch-site': 'cross-site' } })), [403, 'E_FORBIDDEN']);
      assert.deepEqual(await codeOf(await call('/api/hub/members/330000/approve', { cookie: operator, body: {}, headers: { 'sec-fetch-site': 'same-site' } })), [403, 'E_FORBIDDEN']);
      assert.deepEqual(await codeOf(await call('/api/hub/members/330000/approve', { cookie: operator, body: {}, headers: { origin: 'https://evil.example' } })), [403, 'E_FORBIDDEN']);
      assert.equal(await statusOf('330000'), 'pending', 'nothing refused changed anything');

      // the signed-in operator decides: recorded as the person
      const listed = await call('/api/hub/members', { cookie: operator, headers: { 'sec-fetch-site': 'same-origin' } });
      assert.equal(listed.status, 200);
      const approved = await call('/api/hub/members/330000/approve', { cookie: operator, body: { reason: '协议 2026-017' }, headers: { 'sec-fetch-site': 'same-origin', origin: base } });
      assert.equal(approved.status, 200);
      assert.deepEqual(((await approved.json()) as { status: string; decidedBy: string }).decidedBy, 'user:hub-liu');
      const row = await db.selectFrom('hub_member').select(['decided_by', 'reason']).where('region_code', '=', '330000').executeTakeFirstOrThrow();
      assert.deepEqual(row, { decided_by: 'user:hub-liu', reason: '协议 2026-017' });

      // the bootstrap token still decides, recorded as operator-token
      const rejected = await call('/api/hub/members/320000/reject', { bearer: token, body: { reason: '密钥未经电话核实' } });
      assert.equal(rejected.status, 200);
      assert.equal(((await rejected.json()) as { decidedBy: string }).decidedBy, 'operator-token');

      // 浙江 asks to move; the operator approves the change
      await askToJoin('330000', '浙江', 'http://127.0.0.1:10');
      assert.equal((await call('/api/hub/members/330000/approve-change', { cookie: operator, body: {} })).status, 200);

      const shown = await call('/api/hub/members/330000', { cookie: operator });
      assert.equal(shown.status, 200);
      const { history } = (await shown.json()) as { history: HistoryEntry[] };
      assert.deepEqual(
        history.map(({ action, actor, actorName, actorDepartment, data }) => ({ action, actor, actorName, actorDepartment, data })),
        [
          { action: 'requested', actor: `node:${signer.keyId}`, actorName: null, actorDepartment: null, data: null },
          { action: 'approved', actor: 'user:hub-liu', actorName: '刘建华', actorDepartment: '国家政务服务平台运维中心', data: { kind: 'reason', reason: '协议 2026-017' } },
          { action: 'change-requested', actor: `node:${signer.keyId}`, actorName: null, actorDepartment: null, data: { kind: 'change', endpoint: { from: 'http://127.0.0.1:9', to: 'http://127.0.0.1:10' } } },
          { action: 'change-approved', actor: 'user:hub-liu', actorName: '刘建华', actorDepartment: '国家政务服务平台运维中心', data: { kind: 'change', endpoint: { from: 'http://127.0.0.1:9', to: 'http://127.0.0.1:10' } } },
        ],
      );
      assert.deepEqual(history.map((e) => e.detail), [null, '协议 2026-017', 'endpoint http://127.0.0.1:9 → http://127.0.0.1:10', 'endpoint http://127.0.0.1:9 → http://127.0.0.1:10']);
      const js = ((await (await call('/api/hub/members/320000', { bearer: token })).json()) as { history: HistoryEntry[] }).history.at(-1)!;
      assert.deepEqual([js.action, js.actor, js.actorName, js.data], ['rejected', 'operator-token', null, { kind: 'reason', reason: '密钥未经电话核实' }]);

      // an event recorded before details were structured: its text, as recorded
      await db.insertInto('hub_member_event').values({ region_code: '320000', at: new Date().toISOString(), action: 'change-rejected', actor: 'operator-api', detail: 'endpoint http://a → http://b (not confirmed)' }).execute();
      const old = ((await (await call('/api/hub/members/320000', { cookie: operator })).json()) as { history: HistoryEntry[] }).history.at(-1)!;
      assert.deepEqual(old, { at: old.at, action: 'change-rejected', actor: 'operator-api', actorName: null, actorDepartment: null, detail: 'endpoint http://a → http://b (not confirmed)', data: null });

      // the hub's audit log: the person with their department, the token as an operator; refusals too
      await hub.server.audit.drain?.();
      const audited = await db
        .selectFrom('audit_entry')
        .select(['action', 'outcome', 'actor_type', 'actor_id', 'actor_department', 'counterparty'])
        .where('category', '=', 'membership')
        .where('actor_type', '!=', 'node')
        .orderBy('seq')
        .execute();
      assert.deepEqual(audited, [
        { action: 'member.approved', outcome: 'ok', actor_type: 'user', actor_id: 'hub-liu', actor_department: '国家政务服务平台运维中心', counterparty: '330000' },
        { action: 'member.rejected', outcome: 'ok', actor_type: 'operator', actor_id: 'operator-token', actor_department: null, counterparty: '320000' },
        { action: 'member.change-approved', outcome: 'ok', actor_type: 'user', actor_id: 'hub-liu', actor_department: '国家政务服务平台运维中心', counterparty: '330000' },
      ]);

      // the hub's auditor (监督员) reads members, histories and the hub's log; decides nothing
      const auditor = await staffSession(hub, 'hub-zhou', ['auditor'], 'Hub-Auditor-2026', { name: '周静', department: '国务院办公厅督查室' });
      assert.equal((await call('/api/hub/members', { cookie: auditor })).status, 200);
      const read = await call('/api/hub/members/330000', { cookie: auditor });
      assert.equal(read.status, 200);
      assert.equal(((await read.json()) as { history: HistoryEntry[] }).history.length, 4);
      assert.deepEqual(await codeOf(await call('/api/hub/members/330000/suspend', { cookie: auditor, body: { reason: '审计' }, headers: { 'sec-fetch-site': 'same-origin' } })), [403, 'E_FORBIDDEN']);
      assert.equal(await statusOf('330000'), 'approved', 'the auditor changed nothing');
      const search = (cookie: string, body: object) => call('/api/audit/search', { cookie, body, headers: { 'sec-fetch-site': 'same-origin' } });
      const found = await search(auditor, { category: 'membership', actor: 'hub-liu' });
      assert.equal(found.status, 200);
      const entries = ((await found.json()) as { entries: Array<{ action: string; actor: { name: string | null; department: string | null }; counterparty: string }> }).entries;
      assert.deepEqual(entries.map((e) => [e.action, e.actor.name, e.actor.department, e.counterparty]), [
        ['member.change-approved', '刘建华', '国家政务服务平台运维中心', '330000'],
        ['member.approved', '刘建华', '国家政务服务平台运维中心', '330000'],
      ]);
      assert.equal((await search(operator, { limit: 1 })).status, 200);
      // the hub's log holds no citizens: a search by ID number is refused, not answered "none"
      const bySubject = await search(auditor, { subject: '11010519491231002X' });
      assert.equal(bySubject.status, 400);
      assert.match(((await bySubject.json()) as { error: { detail: string } }).error.detail, /the hub's log holds no citizens' data/);
      assert.deepEqual(await codeOf(await search(other, {})), [403, 'E_FORBIDDEN']);

      // signed out: 401 again
      assert.equal((await fetch(`${base}/api/session`, { method: 'DELETE', headers: { cookie: operator } })).status, 204);
      assert.deepEqual(await codeOf(await call('/api/hub/members', { cookie: operator })), [401, 'E_UNAUTHENTICATED']);

      // the hub's own account administration goes to the hub's audit log, as a node's does
      await createUser(db, { server: 'hub', id: 'hub-wang', name: '王磊', department: '国家政务服务平台运维中心', regionCode: '000000', roles: ['operator'], password: 'Hub-Operator-2027' }, { actor: 'hub-liu', onAdminAction: hub.server.app.identity!.onAdminAction! });
      await hub.server.audit.drain?.();
      const admin = await db.selectFrom('audit_entry').select(['action', 'actor_type', 'actor_id', 'detail']).where('category', '=', 'admin').orderBy('seq').execute();
      assert.deepEqual(admin.map((e) => [e.action, e.actor_type, e.actor_id, JSON.parse(e.detail!).target]), [['user.created', 'user', 'hub-liu', 'hub-wang']]);
      // and a node's role is refused on the hub
      await assert.rejects(
        createUser(db, { server: 'hub', id: 'hub-clerk', name: '某', department: '某处', regionCode: '000000', roles: ['clerk'], password: 'Hub-Clerk-2026x' }, { actor: 'test' }),
        /E_INVALID_REQUEST/,
      );

      // the OpenAPI document says both ways in
      const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { security?: unknown }>> };
      assert.deepEqual(spec.paths['/api/hub/members/{code}/approve']?.post?.security, [{ session: [] }, { operatorToken: [] }]);
    } finally {
      await stopAll(hub);
      await cleanupAll(hub);
    }
  });
}
