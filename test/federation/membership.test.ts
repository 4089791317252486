import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engines } from '../helpers/engines.js';
import { cleanupAll, startHub, startNode, stopAll, type Started } from '../helpers/federation.js';
import { DECISIONS, decideMembership, listMembers } from '../../src/hub/membership.js';
import { buildJoinRequest } from '../../src/federation/documents.js';
import { makeSigner, signDocument } from '../../src/core/signed-document.js';
import { suiteFor } from '../../src/core/crypto/index.js';

for (const engine of await engines()) {
  test(`${engine}: nodes join, the operator approves, nodes hold the signed member list and survive a hub outage`, async () => {
    let hub: Started | undefined;
    let sh: Started | undefined;
    let ah: Started | undefined;
    try {
      hub = await startHub(engine, { suite: 'sm2-sm3' });
      const anchor = { url: hub.server.url, keyId: hub.server.identity.keyId };
      sh = await startNode(engine, anchor, { code: '310000', name: '上海' }, { suite: 'sm2-sm3' });
      ah = await startNode(engine, anchor, { code: '340000', name: '安徽' }, { suite: 'ed25519' });
      await sh.server.federation!.waitFor((s) => s.membership === 'pending');
      await ah.server.federation!.waitFor((s) => s.membership === 'pending');

      // not ready before approval
      const notReady = await fetch(`${sh.server.url}/readyz`);
      assert.equal(notReady.status, 503);

      const pending = await listMembers(hub.server.store.db, 'pending');
      assert.deepEqual(pending.map((m) => m.regionCode), ['310000', '340000']);
      assert.equal(pending[0]!.keys[0]!.keyId, sh.server.identity.keyId);

      // approve through the operator API with the token, the other through the domain function (CLI path)
      const token = hub.server.newOperatorToken!;
      assert.match(token, /^tbop_/);
      const unauth = await fetch(`${hub.server.url}/api/hub/members/310000/approve`, { method: 'POST' });
      assert.equal(unauth.status, 401);
      assert.equal(((await unauth.json()) as { error: { code: string } }).error.code, 'E_UNAUTHENTICATED');
      const ok = await fetch(`${hub.server.url}/api/hub/members/310000/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as { status: string }).status, 'approved');
      await decideMembership(hub.server.store.db, '340000', 'approve', 'test');
      await Promise.all([sh.server.federation!.syncNow(), ah.server.federation!.syncNow()]);

      const s = await sh.server.federation!.waitFor((st) => st.membership === 'approved' && (st.trustList?.members.length ?? 0) === 2);
      assert.equal(s.source, 'hub');
      assert.deepEqual(s.trustList!.members.map((m) => [m.regionCode, m.status]), [['310000', 'active'], ['340000', 'active']]);
      const ready = await fetch(`${sh.server.url}/readyz`);
      assert.equal(ready.status, 200);

      // approving twice is a conflict, and changes nothing
      const again = await fetch(`${hub.server.url}/api/hub/members/310000/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      assert.equal(again.status, 409);

      // the node's own API shows the members
      const members = (await (await fetch(`${sh.server.url}/api/federation/members`)).json()) as {
        source: string; members: Array<{ regionCode: string; self: boolean; keyIds: string[] }>; trustList: { version: number };
      };
      assert.equal(members.source, 'hub');
      assert.equal(members.members.find((m) => m.self)!.regionCode, '310000');
      assert.deepEqual(members.members.find((m) => m.regionCode === '340000')!.keyIds, [ah.server.identity.keyId]);

      // hub goes down: the node keeps serving the cached list, marked as such
      const version = members.trustList.version;
      await hub.server.close();
      await sh.server.federation!.syncNow();
      const down = sh.server.federation!.current;
      assert.equal(down.hubReachable, false);
      assert.equal(down.source, 'cache');
      assert.equal(down.trustList!.version, version);
      const cached = (await (await fetch(`${sh.server.url}/api/federation/members`)).json()) as { source: string; members: unknown[]; hubError?: string };
      assert.equal(cached.source, 'cache');
      assert.equal(cached.members.length, 2);
      assert.ok(cached.hubError);
      assert.equal((await fetch(`${sh.server.url}/readyz`)).status, 200);

      // and a node restarted while the hub is down starts from its cache
      await sh.server.close();
      sh = await startNode(engine, anchor, { code: '310000', name: '上海' }, { suite: 'sm2-sm3', database: sh.database, dataDir: sh.dataDir });
      const restarted = sh.server.federation!.current;
      assert.equal(restarted.source, 'cache');
      assert.equal(restarted.membership, 'approved');
      assert.equal(restarted.trustList!.members.length, 2);
      await sh.server.federation!.syncNow();
      assert.equal(sh.server.federation!.current.hubReachable, false);
      assert.equal((await fetch(`${sh.server.url}/readyz`)).status, 200);
    } finally {
      await stopAll(sh, ah, hub);
      await cleanupAll(sh, ah, hub);
    }
  });

  test(`${engine}: a second node claiming a taken region code is refused; bad join requests change nothing`, async () => {
    let hub: Started | undefined;
    let first: Started | undefined;
    let second: Started | undefined;
    try {
      hub = await startHub(engine);
      const anchor = { url: hub.server.url, keyId: hub.server.identity.keyId };
      first = await startNode(engine, anchor, { code: '520000', name: '贵州' });
      await first.server.federation!.waitFor((s) => s.membership === 'pending');
      second = await startNode(engine, anchor, { code: '520000', name: '贵州(冒名)' });
      const s = await second.server.federation!.waitFor((st) => st.membership === 'rejected');
      assert.match(s.membershipDetail ?? '', /already held by another key/);

      const join = (body: unknown) =>
        fetch(`${hub!.server.url}/api/hub/members/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const signer = makeSigner(suiteFor('ed25519'), suiteFor('ed25519').generateKeyPair().privateKeyPem);
      const good = buildJoinRequest(signer, { regionCode: '330000', name: '浙江', endpoint: 'http://127.0.0.1:9', nonce: 'abcdefgh123' });

      const cases: Array<[string, unknown, number, string]> = [
        ['bad signature', { ...good, signature: { ...good.signature, value: Buffer.alloc(64, 1).toString('base64') } }, 401, 'E_SIGNATURE'],
        ['payload altered after signing', { ...good, payload: { ...good.payload, name: '浙江省' } }, 401, 'E_SIGNATURE'],
        ['unknown field', { ...good, extra: 1 }, 400, 'E_INVALID_REQUEST'],
        ['not a signed document', { hello: 'world' }, 400, 'E_INVALID_REQUEST'],
        ['key id that is not the key', { ...good, payload: { ...good.payload, key: { ...good.payload.key, keyId: 'ed25519:' + '0'.repeat(32) } } }, 400, 'E_INVALID_REQUEST'],
        // times in another form than PROTOCOL §1.1's, though Date.parse reads them
        ...[new Date().toISOString().replace('Z', '+00:00'), new Date().toISOString().slice(0, 10), '2026-02-30T00:00:00.000Z'].map(
          (requestedAt): [string, unknown, number, string] => [`requestedAt ${requestedAt}`, signDocument({ ...good.payload, requestedAt }, signer), 400, 'E_INVALID_REQUEST'],
        ),
        ['stale request', buildJoinRequest(signer, { regionCode: '330000', name: '浙江', endpoint: 'http://127.0.0.1:9', nonce: 'abcdefgh123' }, new Date(Date.now() - 3_600_000)), 401, 'E_CLOCK_SKEW'],
        ['region code that is no division', buildJoinRequest(signer, { regionCode: '349900', name: 'x', endpoint: 'http://127.0.0.1:9', nonce: 'abcdefgh123' }), 400, 'E_INVALID_REQUEST'],
        ['reserved hub code', buildJoinRequest(signer, { regionCode: '000000', name: 'x', endpoint: 'http://127.0.0.1:9', nonce: 'abcdefgh123' }), 400, 'E_INVALID_REQUEST'],
        // endpoints the relay would append its path to wrongly: cut off by a fragment or query, a
        // trailing slash, user info, a form URL parsing rewrites, something longer than 256 characters
        ...['http://127.0.0.1:9/admin/secret#', 'http://127.0.0.1:9/x?', 'http://127.0.0.1:9/', 'http://u:p@127.0.0.1:9', 'http://127.0.0.1:9/a/../b', 'HTTP://EXAMPLE.GOV.CN', 'ftp://127.0.0.1:9', `http://127.0.0.1:9/${'a'.repeat(256)}`].map(
          (endpoint): [string, unknown, number, string] => [`endpoint ${endpoint.slice(0, 40)}`, buildJoinRequest(signer, { regionCode: '330000', name: '浙江', endpoint, nonce: 'abcdefgh123' }), 400, 'E_INVALID_REQUEST'],
        ),
      ];
      for (const [name, body, status, code] of cases) {
        const res = await join(body);
        const b = (await res.json()) as { error?: { code: string; messageZh: string; messageEn: string } };
        assert.equal(res.status, status, name);
        assert.equal(b.error?.code, code, name);
        assert.ok(b.error?.messageZh && b.error.messageEn, name);
      }
      const malformed = await fetch(`${hub.server.url}/api/hub/members/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"payload":' });
      assert.equal(malformed.status, 400);
      assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'E_INVALID_REQUEST');
      const huge = await join({ payload: { x: 'x'.repeat(2 * 1024 * 1024) }, signature: good.signature });
      assert.equal(huge.status, 413);
      assert.equal(((await huge.json()) as { error: { code: string } }).error.code, 'E_PAYLOAD_TOO_LARGE');

      const all = await listMembers(hub.server.store.db);
      assert.deepEqual(all.map((m) => m.regionCode), ['520000'], 'nothing but the first 贵州 request was written');
      // the genuine request goes through
      const res = await join(good);
      assert.equal(res.status, 202);
    } finally {
      await stopAll(second, first, hub);
      await cleanupAll(second, first, hub);
    }
  });
}

test('an approved node that comes back at a new address waits for the operator; partners keep the approved endpoint until then', async () => {
  let hub: Started | undefined;
  let sh: Started | undefined;
  try {
    hub = await startHub('sqlite');
    const anchor = { url: hub.server.url, keyId: hub.server.identity.keyId };
    sh = await startNode('sqlite', anchor, { code: '310000', name: '上海' });
    await sh.server.federation!.waitFor((s) => s.membership === 'pending');
    await decideMembership(hub.server.store.db, '310000', 'approve', 'test');
    await sh.server.federation!.syncNow();
    const approvedUrl = sh.server.url;
    const endpointOnList = () => sh!.server.federation!.current.trustList?.members.find((m) => m.regionCode === '310000')?.endpoint;
    assert.equal(endpointOnList(), approvedUrl);

    // the same node (same key, same database) restarted on another port: a new public URL
    await sh.server.close();
    sh = await startNode('sqlite', anchor, { code: '310000', name: '上海' }, { database: sh.database, dataDir: sh.dataDir });
    assert.notEqual(sh.server.url, approvedUrl);
    await sh.server.federation!.syncNow();
    const waiting = sh.server.federation!.current;
    assert.deepEqual([waiting.membership, waiting.changePending], ['approved', true]);
    const info = (await (await fetch(`${sh.server.url}/api/info`)).json()) as { membership: { status: string; changePending?: boolean } };
    assert.deepEqual(info.membership, { status: 'approved', changePending: true });
    assert.equal(endpointOnList(), approvedUrl, 'the member list keeps the approved endpoint');
    const token = readFileSync(join(hub.dataDir, 'operator.token'), 'utf8').trim();
    const op = (path: string, body?: object) =>
      fetch(`${hub!.server.url}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const listed = (await (await op('/api/hub/members/310000')).json()) as { member: { endpoint: string; pendingChange: { endpoint: string } | null }; history: Array<{ action: string }> };
    assert.deepEqual([listed.member.endpoint, listed.member.pendingChange?.endpoint], [approvedUrl, sh.server.url]);
    assert.equal(listed.history.at(-1)!.action, 'change-requested');

    // the operator approves the change: the next member list carries the new endpoint
    const decided = await op('/api/hub/members/310000/approve-change', {});
    assert.equal(decided.status, 200);
    await sh.server.federation!.syncNow();
    assert.equal(endpointOnList(), sh.server.url);
    assert.equal(sh.server.federation!.current.changePending, false);
    assert.equal((await op('/api/hub/members/310000/approve-change', {})).status, 409, 'nothing left to approve');
    await hub.server.audit.drain?.();
    const actions = (await hub.server.store.db.selectFrom('audit_entry').select('action').where('category', '=', 'membership').orderBy('seq').execute()).map((r) => r.action);
    assert.ok(actions.includes('member.change-requested') && actions.includes('member.change-approved'), actions.join(', '));
  } finally {
    await stopAll(sh, hub);
    await cleanupAll(sh, hub);
  }
});

test("the operator API names the decisions a member's state allows (and whether each needs a reason); it refuses every other with E_CONFLICT", async () => {
  let hub: Started | undefined;
  try {
    hub = await startHub('sqlite');
    const token = readFileSync(join(hub.dataDir, 'operator.token'), 'utf8').trim();
    const base = hub.server.url;
    const signer = makeSigner(suiteFor('ed25519'), suiteFor('ed25519').generateKeyPair().privateKeyPem);
    const askToJoin = async (endpoint: string) => {
      const body = buildJoinRequest(signer, { regionCode: '330000', name: '浙江', endpoint, nonce: randomBytes(12).toString('hex') });
      const res = await fetch(`${base}/api/hub/members/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.ok(res.status === 200 || res.status === 202, `join: ${res.status}`);
    };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const decide = (decision: string, reason?: string) =>
      fetch(`${base}/api/hub/members/330000/${decision}`, { method: 'POST', headers: auth, body: JSON.stringify(reason ? { reason } : {}) });
    type Decisions = Array<{ decision: string; reasonRequired: boolean }>;
    /** the member's decisions, in the list and on its own page alike; every decision not named is refused and changes nothing */
    const expectDecisions = async (status: string, expected: Decisions) => {
      const listed = (await (await fetch(`${base}/api/hub/members`, { headers: auth })).json()) as { members: Array<{ status: string; decisions: Decisions }> };
      const one = (await (await fetch(`${base}/api/hub/members/330000`, { headers: auth })).json()) as { member: { status: string; decisions: Decisions } };
      assert.deepEqual([listed.members[0]!.status, listed.members[0]!.decisions], [status, expected]);
      assert.deepEqual(one.member.decisions, expected);
      for (const d of DECISIONS.filter((x) => !expected.some((e) => e.decision === x))) {
        const res = await decide(d, 'a reason');
        assert.equal(res.status, 409, `${d} on a ${status} member`);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'E_CONFLICT');
      }
    };
    const r = (decision: string) => ({ decision, reasonRequired: true });
    const n = (decision: string) => ({ decision, reasonRequired: false });

    await askToJoin('http://127.0.0.1:9');
    await expectDecisions('pending', [n('approve'), r('reject')]);
    assert.equal((await decide('reject')).status, 400, 'a rejection needs a reason');
    const approved = (await (await decide('approve')).json()) as { status: string; decisions: Decisions };
    assert.deepEqual([approved.status, approved.decisions], ['approved', [n('suspend'), r('revoke')]], 'a decision answers with the decisions open next');
    await expectDecisions('approved', [n('suspend'), r('revoke')]);
    await askToJoin('http://127.0.0.1:10');
    await expectDecisions('approved', [n('suspend'), r('revoke'), n('approve-change'), r('reject-change')]);
    assert.equal((await decide('reject-change', 'not our address')).status, 200);
    assert.equal((await decide('suspend')).status, 200);
    await expectDecisions('suspended', [n('reinstate'), r('revoke')]);
    assert.equal((await decide('revoke', 'key lost')).status, 200);
    await expectDecisions('rejected', []);
  } finally {
    await stopAll(hub);
    await cleanupAll(hub);
  }
});
