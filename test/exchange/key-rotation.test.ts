// Key rotation: the node's new key is announced through the member list, the old one is retired and
// can no longer sign, what it signed stays verifiable, and peers holding an older list catch up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { engines } from '../helpers/engines.js';
import { exchangeFixture, purpose } from '../helpers/exchange.js';
import { createUser } from '../../src/identity/index.js';
import { makeSigner } from '../../src/core/signed-document.js';
import { buildRequestPayload } from '../../src/exchange/envelope.js';
import { BatchSigner } from '../../src/exchange/seal.js';
import { verifyAuditLog } from '../../src/audit/verify.js';

for (const engine of await engines()) {
  test(`${engine}: a node rotates its key; exchanges continue; the old key is refused; old signatures still verify`, async () => {
    const f = await exchangeFixture(engine, { suite: 'sm2-sm3' });
    try {
      const sh = f.sh.server;
      const oldSigner = makeSigner(sh.identity.suite, sh.identity.privateKeyPem);
      const before = await f.clerk('/api/exchange/requests', { body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name'], purpose } });
      assert.equal(before.body.exchange.status, 'completed');
      await sh.audit.checkpointNow(); // a checkpoint signed by the old key

      await createUser(sh.store.db, { server: 'node', id: 'sh-admin', name: '李强', department: '上海市大数据中心', regionCode: '310000', roles: ['admin'], password: 'admin-password-77' }, { actor: 'test' });
      const login = await fetch(`${sh.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'sh-admin', password: 'admin-password-77' }) });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const clerkTry = await f.clerk('/api/admin/keys/rotate', { method: 'POST', body: {} });
      assert.equal(clerkTry.status, 403, 'a clerk cannot rotate keys');

      const r = await fetch(`${sh.url}/api/admin/keys/rotate`, { method: 'POST', headers: { cookie } });
      const rotated = (await r.json()) as { oldKeyId: string; newKeyId: string };
      assert.equal(r.status, 200, JSON.stringify(rotated));
      assert.equal(rotated.oldKeyId, oldSigner.keyId);
      assert.equal(sh.identity.keyId, rotated.newKeyId, 'the running node signs with the new key');
      const keysDir = join(f.sh.dataDir, 'keys');
      assert.ok(!readdirSync(keysDir).some((n) => n.includes('.next.')), 'no staged key left');
      assert.ok(existsSync(join(keysDir, 'retired', `${oldSigner.keyId.replace(':', '_')}.pub`)));

      // the hub's list: old key retired with its time, new key active
      const list = sh.federation!.current.trustList!;
      const self = list.members.find((m) => m.regionCode === '310000')!;
      assert.deepEqual(self.keys.map((k) => [k.keyId, k.status]), [[oldSigner.keyId, 'retired'], [rotated.newKeyId, 'active']]);
      assert.ok(self.keys[0]!.retiredAt);

      // 安徽 still holds the older list; the first request signed with the new key makes it refresh
      assert.ok(f.ah.server.federation!.current.trustList!.version < list.version);
      const after = await f.clerk('/api/exchange/requests', { body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name'], purpose } });
      assert.equal(after.body.exchange.status, 'completed', JSON.stringify(after.body));
      assert.equal(f.ah.server.federation!.current.trustList!.version, list.version);

      // the old key can no longer sign a request
      const payload = buildRequestPayload({ from: '310000', to: '340000', user: { id: 'x', name: 'x', department: 'x', roles: ['clerk'] }, purpose, subject: { type: 'citizen', id: f.citizen.idNumber }, resource: 'hukou.person', fields: ['name'] });
      const forged = await fetch(`${f.ah.server.url}/api/exchange/v1/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload, signature: await new BatchSigner(oldSigner).sign(payload) }) });
      const refused = (await forged.json()) as { payload: { error: { code: string; detail: string } } };
      assert.equal(forged.status, 403);
      assert.equal(refused.payload.error.code, 'E_NOT_TRUSTED');
      assert.match(refused.payload.error.detail, /is retired/);

      // 上海's audit log, checkpointed under both keys, still verifies against the member list
      await sh.audit.checkpointNow();
      const report = await verifyAuditLog(sh.store.db, { regionCode: '310000', trustList: list });
      assert.equal(report.ok, true, JSON.stringify(report.firstProblem));
      assert.ok(report.checkpoints >= 2);

      // a restarted node signs with the new key
      await f.restartSh();
      assert.equal(f.sh.server.identity.keyId, rotated.newKeyId);
    } finally {
      await f.close();
    }
  });
}
