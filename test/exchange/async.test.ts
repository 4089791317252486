// Slow sources: the provider answers 202, finishes later and delivers the sealed answer through its
// durable outbox into the requester's inbox — retried while the requester is down, applied once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { engines } from '../helpers/engines.js';
import { exchangeFixture, purpose, slowSource } from '../helpers/exchange.js';
import type { ExchangeFixture } from '../helpers/exchange.js';
import { failInserts } from '../helpers/faults.js';
import { rotateNodeKey } from '../../src/node/key-rotation.js';
import { makeSigner } from '../../src/core/signed-document.js';
import { suiteFor } from '../../src/core/crypto/index.js';
import { BatchSigner } from '../../src/exchange/seal.js';
import { canonicalBytes } from '../../src/core/jcs.js';
import type { SealedResponse } from '../../src/exchange/envelope.js';
import { verifyEvidence } from '../../src/exchange/evidence.js';

/** A clerk's request for the slow source's record: answered 202, its id. */
async function askArchive(f: ExchangeFixture): Promise<string> {
  const res = await f.clerk('/api/exchange/requests', {
    body: { target: '340000', resource: 'archive.household', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['archiveNo'], purpose },
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.equal(res.body.exchange.status, 'pending');
  return res.body.exchange.messageId as string;
}

const archived = { values: { archiveNo: 'AH-1998-000417' }, dataTime: '2024-03-01T00:00:00.000Z', quality: [] };

for (const engine of await engines()) {
  test(`${engine}: a slow source answers later, through retries, exactly once in effect`, async () => {
    const f = await exchangeFixture(engine, { syncBudgetMs: 50, access: [{ from: '*', resources: '*' }] });
    const source = slowSource(f);
    try {
      const id = await askArchive(f);

      // the requester goes down before the answer is ready
      const shPort = f.sh.server.port;
      await f.sh.server.close();
      const outbox = f.ah.server.exchange!.outbox;
      const retried = once(outbox, 'retry');
      source.release(archived);
      const [failure] = (await retried) as [{ attempts: number; error: string }];
      assert.equal(failure.attempts, 1);

      // back up on the same address: the next attempt delivers (the outbox's own timer may get there
      // first, so listen before the restart)
      const delivered = once(outbox, 'delivered');
      await f.restartSh();
      assert.equal(f.sh.server.port, shPort);
      await outbox.retryNow();
      const [d] = (await delivered) as [{ attempts: number }];
      assert.ok(d.attempts >= 2, 'delivered after at least one failed attempt');

      const done = await f.clerk(`/api/exchange/requests/${id}`);
      assert.equal(done.body.exchange.status, 'completed');
      assert.equal(done.body.exchange.result.record.archiveNo, 'AH-1998-000417');
      assert.equal(done.body.exchange.result.seal.verified, true);
      assert.equal(done.body.exchange.result.seal.requestHashMatches, true);

      // a second delivery of the same answer is acknowledged and changes nothing
      const row = await f.sh.server.store.db.selectFrom('exchange_request').select('response').where('message_id', '=', id).executeTakeFirstOrThrow();
      const again = await fetch(`${f.sh.server.url}/api/exchange/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: row.response! });
      assert.deepEqual(await again.json(), { received: true, duplicate: true });
      const received = await f.sh.server.store.db.selectFrom('audit_entry').select('seq').where('action', '=', 'exchange.response.received').execute();
      assert.equal(received.length, 1, 'applied once');
      const inbox = await f.sh.server.store.db.selectFrom('exchange_inbox').selectAll().execute();
      assert.equal(inbox.length, 1);

      // answered, the provider keeps the conversation but not the signed request with the ID number
      const conversation = await f.ah.server.store.db.selectFrom('exchange_conversation').selectAll().where('conversation_id', '=', id).executeTakeFirstOrThrow();
      assert.equal(conversation.status, 'answered');
      assert.equal(conversation.request, '');
      assert.ok(!JSON.stringify(conversation).includes(f.citizen.idNumber));
      // the provider's audit shows the accepted request and the later answer, bound by conversation
      const served = await f.ah.server.store.db.selectFrom('audit_entry').select(['action', 'conversation_id']).where('conversation_id', '=', id).orderBy('seq').execute();
      assert.deepEqual(served.map((s) => s.action), ['exchange.request.accepted', 'exchange.request.served']);

      // a forged delivery is refused
      const forged = JSON.parse(row.response!);
      forged.payload.record.archiveNo = 'FORGED';
      const bad = await fetch(`${f.sh.server.url}/api/exchange/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) });
      assert.equal(bad.status, 401);

      // past exchange.deliveryRetentionDays (90) the bookkeeping of finished deliveries goes, what is open stays
      const ahDb = f.ah.server.store.db;
      const at = new Date().toISOString();
      await ahDb.insertInto('exchange_conversation').values({ conversation_id: 'open-1', from_region: '310000', request: '{}', status: 'accepted', created_at: at, completed_at: null, lease_owner: 'elsewhere', lease_until: at }).execute();
      await ahDb.insertInto('exchange_outbox').values({ id: 'pending-1', target_region: '310000', kind: 'inbox', message_id: 'm-pending', body: '{}', status: 'pending', attempts: 3, next_attempt_at: at, lease_until: null, last_error: null, created_at: at, delivered_at: null }).execute();
      const DAY = 86_400_000;
      assert.equal(await f.ah.server.exchange!.purgeDeliveryRecords(new Date(Date.now() + 89 * DAY)), 0);
      assert.equal(await f.ah.server.exchange!.purgeDeliveryRecords(new Date(Date.now() + 91 * DAY)), 2, 'the delivered outbox row and the answered conversation');
      assert.deepEqual((await ahDb.selectFrom('exchange_conversation').select('conversation_id').execute()).map((r) => r.conversation_id), ['open-1']);
      assert.deepEqual((await ahDb.selectFrom('exchange_outbox').select('id').execute()).map((r) => r.id), ['pending-1']);
      assert.equal(await f.sh.server.exchange!.purgeDeliveryRecords(new Date(Date.now() + 91 * DAY)), 1, 'the inbox row');
      // a repeat of the answer after its inbox row is gone is still a repeat: the request holds it
      const late = await fetch(`${f.sh.server.url}/api/exchange/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: row.response! });
      assert.deepEqual(await late.json(), { received: true, duplicate: true });
      assert.equal((await f.sh.server.store.db.selectFrom('audit_entry').select('seq').where('action', '=', 'exchange.response.received').execute()).length, 1);
    } finally {
      await f.close();
    }
  });

  test(`${engine}: a delivery whose audit entry fails is applied and audited once when delivered again; a second answer is recorded, not applied`, async () => {
    const f = await exchangeFixture(engine, { syncBudgetMs: 50, access: [{ from: '*', resources: '*' }] });
    const source = slowSource(f);
    try {
      const id = await askArchive(f);
      const db = f.sh.server.store.db;
      const received = () => db.selectFrom('audit_entry').select(['outcome', 'error_code', 'message_id']).where('action', '=', 'exchange.response.received').orderBy('seq').execute();

      // whoever holds the signed request (the relay sees it) can have the provider seal a refusal bound to
      // it — a corrupted signature (E_SIGNATURE), or the request again (E_REPLAY) — but a synchronous
      // answer is no delivery: the inbox refuses it and the exchange stays pending
      const captured = JSON.parse((await db.selectFrom('exchange_request').select('request').where('message_id', '=', id).executeTakeFirstOrThrow()).request);
      const toProvider = (body: unknown) => fetch(`${f.ah.server.url}/api/exchange/v1/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const forgedSig = { ...captured, signature: { ...captured.signature, value: Buffer.alloc(64, 7).toString('base64') } };
      for (const [body, code] of [[forgedSig, 'E_SIGNATURE'], [captured, 'E_REPLAY']] as const) {
        const refusal = (await (await toProvider(body)).json()) as { payload: { error: { code: string }; inReplyTo: string } };
        assert.equal(refusal.payload.error.code, code);
        assert.equal(refusal.payload.inReplyTo, id, 'bound to the request');
        const posted = await fetch(`${f.sh.server.url}/api/exchange/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(refusal) });
        assert.equal(posted.status, 400, code);
        assert.equal(((await posted.json()) as { error: { code: string } }).error.code, 'E_INVALID_REQUEST');
      }
      assert.equal((await f.clerk(`/api/exchange/requests/${id}`)).body.exchange.status, 'pending');

      // the requester's audit write fails: the delivery is refused and leaves nothing behind
      const restore = await failInserts(db, 'audit_entry', 'action', 'exchange.response.received');
      const outbox = f.ah.server.exchange!.outbox;
      const retried = once(outbox, 'retry');
      source.release(archived);
      await retried;
      assert.equal((await f.clerk(`/api/exchange/requests/${id}`)).body.exchange.status, 'pending');
      assert.deepEqual(await db.selectFrom('exchange_inbox').selectAll().execute(), []);
      assert.deepEqual(await received(), []);

      // the next attempt applies it, with its audit entry
      await restore();
      const delivered = once(outbox, 'delivered');
      await outbox.retryNow();
      await delivered;
      const done = await f.clerk(`/api/exchange/requests/${id}`);
      assert.equal(done.body.exchange.status, 'completed');
      assert.equal(done.body.exchange.result.record.archiveNo, 'AH-1998-000417');
      assert.equal((await received()).length, 1);
      assert.equal((await db.selectFrom('exchange_inbox').selectAll().execute()).length, 1);

      // a second, different answer to the same request (properly sealed by 安徽) is acknowledged and
      // recorded, but the request keeps its first answer
      const row = await db.selectFrom('exchange_request').select('response').where('message_id', '=', id).executeTakeFirstOrThrow();
      const first = JSON.parse(row.response!) as SealedResponse;
      const payload = { ...first.payload, messageId: '019ab000-0000-7000-8000-000000000001', record: { archiveNo: 'AH-1998-999999' } };
      const second: SealedResponse = { payload, seal: await f.ah.server.exchange!.sealer.sign(payload, canonicalBytes(payload)) };
      const post = (doc: unknown) => fetch(`${f.sh.server.url}/api/exchange/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
      const answer = await post(second);
      assert.deepEqual(await answer.json(), { received: true, duplicate: false });
      const kept = await f.clerk(`/api/exchange/requests/${id}`);
      assert.equal(kept.body.exchange.result.record.archiveNo, 'AH-1998-000417');
      const entries = await received();
      assert.deepEqual(entries.map((e) => [e.outcome, e.error_code, e.message_id]), [['ok', null, first.payload.messageId], ['refused', 'E_CONFLICT', payload.messageId]]);
      // sealed with a key this node's member list does not hold (a rotation it has not seen, or a
      // stranger): refused with a 503 the outbox retries, not with a code that ends its retries
      const stranger = makeSigner(suiteFor('ed25519'), suiteFor('ed25519').generateKeyPair().privateKeyPem);
      const unknownPayload = { ...first.payload, messageId: '019ab000-0000-7000-8000-000000000002' };
      const unknownKey = await post({ payload: unknownPayload, seal: await new BatchSigner(stranger).sign(unknownPayload, canonicalBytes(unknownPayload)) });
      assert.equal(unknownKey.status, 503);
      assert.equal(((await unknownKey.json()) as { error: { code: string } }).error.code, 'E_HUB_UNAVAILABLE');

      // and each answer delivered again is a duplicate, the first one even once its inbox row is purged
      assert.deepEqual(await (await post(second)).json(), { received: true, duplicate: true });
      await db.deleteFrom('exchange_inbox').where('message_id', '=', first.payload.messageId).execute();
      assert.deepEqual(await (await post(first)).json(), { received: true, duplicate: true });
      assert.equal((await received()).length, 2);
    } finally {
      await f.close();
    }
  });

  test(`${engine}: a slow exchange is answered once, by the replica holding its lease; one whose answer could not be written is taken over when the lease runs out`, async () => {
    const f = await exchangeFixture(engine, { syncBudgetMs: 50, access: [{ from: '*', resources: '*' }] });
    const source = slowSource(f);
    const ah = f.ah.server;
    const db = ah.store.db;
    const ledger = ah.exchange!.conversations;
    const outbox = ah.exchange!.outbox;
    // the test sweeps itself, so that no background sweep races it
    await ledger.stop();
    try {
      const ask = () => askArchive(f);
      const conversation = (id: string) => db.selectFrom('exchange_conversation').selectAll().where('conversation_id', '=', id).executeTakeFirstOrThrow();
      // what the lease's running out looks like to a sweep (no waiting 30 s)
      const lapse = (id: string) => db.updateTable('exchange_conversation').set({ lease_until: new Date(Date.now() - 1000).toISOString() }).where('conversation_id', '=', id).execute();
      const audited = async (id: string) => (await db.selectFrom('audit_entry').select('action').where('conversation_id', '=', id).orderBy('seq').execute()).map((e) => e.action);
      const queued = async () => (await db.selectFrom('exchange_outbox').select('message_id').where('kind', '=', 'inbox').execute()).length;
      const statusAtSh = async (id: string) => (await f.clerk(`/api/exchange/requests/${id}`)).body.exchange.status;

      // 1. the answer cannot be written (its audit entry fails): nothing is queued, the conversation stays open
      const first = await ask();
      assert.equal((await conversation(first)).lease_owner, ledger.owner);
      // while this replica works on it, a sweep renews its lease rather than start it a second time
      await lapse(first);
      assert.equal(await ledger.sweep(), 0);
      assert.ok(Date.parse((await conversation(first)).lease_until!) > Date.now());
      const restore = await failInserts(db, 'audit_entry', 'action', 'exchange.request.served');
      const unfinished = once(ledger, 'unfinished');
      source.release(archived);
      await unfinished;
      await restore();
      assert.equal((await conversation(first)).status, 'accepted');
      assert.deepEqual(await audited(first), ['exchange.request.accepted']);
      assert.equal(await queued(), 0);
      // while its lease lives, a sweep leaves it; once it has run out, a sweep takes it over and answers it
      assert.equal(await ledger.sweep(), 0);
      await lapse(first);
      let answered = once(ledger, 'answered');
      let delivered = once(outbox, 'delivered');
      assert.equal(await ledger.sweep(), 1);
      await answered;
      await delivered;
      assert.equal(await statusAtSh(first), 'completed');
      assert.deepEqual(await audited(first), ['exchange.request.accepted', 'exchange.request.served']);
      assert.equal((await conversation(first)).status, 'answered');

      // 2. a conversation another replica holds: this one neither answers it nor takes it over while that lease lives
      source.hold();
      const second = await ask();
      await db.updateTable('exchange_conversation').set({ lease_owner: 'another-replica' }).where('conversation_id', '=', second).execute();
      const lost = once(ledger, 'unfinished');
      source.release(archived);
      const [l] = (await lost) as [{ code: string }];
      assert.equal(l.code, 'E_CONFLICT');
      assert.equal((await conversation(second)).status, 'accepted');
      assert.deepEqual(await audited(second), ['exchange.request.accepted']);
      assert.equal(await queued(), 1, 'nothing more queued');
      assert.equal(await ledger.sweep(), 0);
      assert.equal(await statusAtSh(second), 'pending');
      // that replica is gone: its lease runs out, and this one answers, once
      await lapse(second);
      answered = once(ledger, 'answered');
      delivered = once(outbox, 'delivered');
      assert.equal(await ledger.sweep(), 1);
      await answered;
      await delivered;
      assert.equal(await statusAtSh(second), 'completed');
      assert.deepEqual(await audited(second), ['exchange.request.accepted', 'exchange.request.served']);
      assert.equal(await queued(), 2);
      assert.equal(await ledger.sweep(), 0, 'nothing left open');

      // 3. taken over after the access rules changed: access is decided again, the answer is a sealed refusal
      source.hold();
      const third = await ask();
      await db.updateTable('exchange_conversation').set({ lease_owner: 'another-replica' }).where('conversation_id', '=', third).execute();
      const lost3 = once(ledger, 'unfinished');
      source.release(archived);
      await lost3;
      const rules = f.ah.config.exchange.access;
      f.ah.config.exchange.access = [];
      try {
        await lapse(third);
        answered = once(ledger, 'answered');
        delivered = once(outbox, 'delivered');
        assert.equal(await ledger.sweep(), 1);
        await answered;
        await delivered;
      } finally {
        f.ah.config.exchange.access = rules;
      }
      const refused = (await f.clerk(`/api/exchange/requests/${third}`)).body.exchange;
      assert.equal(refused.status, 'failed');
      assert.equal(refused.error.code, 'E_NO_AGREEMENT');
      assert.deepEqual(await audited(third), ['exchange.request.accepted', 'exchange.request.refused']);
    } finally {
      await f.close();
    }
  });

  test(`${engine}: an answer waiting for delivery while the provider rotates its key is sealed again with the new key`, async () => {
    const f = await exchangeFixture(engine, { syncBudgetMs: 50, access: [{ from: '*', resources: '*' }] });
    const source = slowSource(f);
    try {
      const id = await askArchive(f);
      // the requester is down when the answer is ready: it waits in the outbox, sealed with the old key
      await f.sh.server.close();
      const outbox = f.ah.server.exchange!.outbox;
      const retried = once(outbox, 'retry');
      source.release(archived);
      await retried;
      const ah = f.ah.server;
      const rotated = await rotateNodeKey({ identity: ah.identity, dataDir: f.ah.dataDir, regionCode: '340000', hubUrl: f.hub.server.url, logger: ah.logger });
      // back up: the delivery goes out sealed with the key now active (the retired one would be refused)
      await f.restartSh();
      const outcome = Promise.race([once(outbox, 'delivered').then(() => 'delivered'), once(outbox, 'dead').then(() => 'dead')]);
      await outbox.retryNow();
      assert.equal(await outcome, 'delivered');
      const done = await f.clerk(`/api/exchange/requests/${id}`);
      assert.equal(done.body.exchange.status, 'completed');
      assert.equal(done.body.exchange.result.seal.verified, true);
      assert.equal(done.body.exchange.result.seal.keyId, rotated.newKeyId);
      // its evidence package verifies: the new key sealed a payload made before the key was added
      const evidence = await f.clerk(`/api/exchange/requests/${id}/evidence`);
      assert.equal(evidence.status, 200, JSON.stringify(evidence.body));
      const report = verifyEvidence(evidence.body, { hubKeyId: f.hub.server.identity.keyId });
      assert.equal(report.ok, true, JSON.stringify(report.failure));
    } finally {
      await f.close();
    }
  });
}
