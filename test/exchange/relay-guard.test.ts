// The hub's relay passes on a member's answer only when it is JSON and of a sensible size: an endpoint
// pointing at something that is not a node (an internal service of the hub's network) gives whoever
// asks through the relay nothing of what that service says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanupAll, startHub, stopAll, type Started } from '../helpers/federation.js';
import { buildJoinRequest } from '../../src/federation/documents.js';
import { decideMembership, handleJoinRequest } from '../../src/hub/membership.js';
import { makeSigner } from '../../src/core/signed-document.js';
import { suiteFor } from '../../src/core/crypto/index.js';
import { RELAY_ANSWER_LIMIT } from '../../src/hub/relay.js';
import { exchangeFixture, purpose } from '../helpers/exchange.js';
import { buildRequestPayload } from '../../src/exchange/envelope.js';
import { BatchSigner } from '../../src/exchange/seal.js';

test('the relay refuses to pass on an answer that is not JSON, or larger than its limit', async () => {
  // a member's "node": secrets in plain text on one path, an endless JSON answer on the other
  const internal: Server = createServer((req, res) => {
    if (req.url?.startsWith('/huge/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.alloc(RELAY_ANSWER_LIMIT + 1024, 0x20));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`INTERNAL-SECRET path=${req.url}`);
  });
  await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
  const port = (internal.address() as AddressInfo).port;
  let hub: Started | undefined;
  try {
    hub = await startHub('sqlite');
    const db = hub.server.store.db;
    const ed = suiteFor('ed25519');
    for (const [code, name, path] of [['330000', '浙江', '/plain'], ['320000', '江苏', '/huge']] as const) {
      const signer = makeSigner(ed, ed.generateKeyPair().privateKeyPem);
      await handleJoinRequest(db, buildJoinRequest(signer, { regionCode: code, name, endpoint: `http://127.0.0.1:${port}${path}`, nonce: 'abcdefgh123' }), { reservedCodes: ['000000'] });
      await decideMembership(db, code, 'approve', 'test');
    }
    for (const code of ['330000', '320000']) {
      const res = await fetch(`${hub.server.url}/api/relay/v1/${code}/resources`);
      const text = await res.text();
      assert.equal(res.status, 502, text.slice(0, 200));
      assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, 'E_PEER_UNAVAILABLE');
      assert.ok(!text.includes('INTERNAL-SECRET'));
    }
  } finally {
    await stopAll(hub);
    await cleanupAll(hub);
    await new Promise<void>((r) => internal.close(() => r()));
  }
});

test('through the relay, a hub that cannot be reached is reported as the hub, not as the partner', async () => {
  const f = await exchangeFixture('sqlite', { route: 'relay' });
  try {
    await f.hub.server.close();
    const res = await f.clerk('/api/exchange/requests', {
      body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name'], purpose },
    });
    assert.equal(res.body.exchange.status, 'failed', JSON.stringify(res.body));
    assert.equal(res.body.exchange.error.code, 'E_HUB_UNAVAILABLE');
    assert.match(res.body.exchange.error.detail, /the hub relaying to 340000 could not be reached/);
    const entry = await f.sh.server.store.db.selectFrom('audit_entry').select(['outcome', 'error_code']).where('action', '=', 'exchange.request.sent').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual([entry.outcome, entry.error_code], ['error', 'E_HUB_UNAVAILABLE']);
  } finally {
    await f.close();
  }
});

test('the relay carries a message only to the member it is addressed to', async () => {
  const f = await exchangeFixture('sqlite', { route: 'relay' });
  try {
    // a request 上海 signed for 安徽, posted to the relay for 上海 itself
    const payload = buildRequestPayload({
      from: '310000', to: '340000',
      user: { id: 'sh-clerk', name: '王芳', department: '上海市浦东新区行政服务中心', roles: ['clerk'] },
      purpose, subject: { type: 'citizen', id: f.citizen.idNumber }, resource: 'hukou.person', fields: ['name'],
    });
    const doc = { payload, signature: await new BatchSigner(f.sh.server.identity).sign(payload) };
    const res = await fetch(`${f.hub.server.url}/api/relay/v1/310000/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
    const body = (await res.json()) as { error: { code: string; detail: string } };
    assert.equal(res.status, 400);
    assert.equal(body.error.code, 'E_INVALID_REQUEST');
    assert.match(body.error.detail, /addressed to 340000, not 310000/);
    // 上海 never saw it: none of its audit entries names the message
    await f.sh.server.audit.drain?.();
    const seen = await f.sh.server.store.db.selectFrom('audit_entry').select('seq').where('message_id', '=', payload.messageId).execute();
    assert.equal(seen.length, 0);
  } finally {
    await f.close();
  }
});
