// Slow sources: the provider answers 202, finishes later and delivers the sealed answer through its
// durable outbox into the requester's inbox — retried while the requester is down, applied once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { engines } from '../helpers/engines.js';
import { exchangeFixture, purpose } from '../helpers/exchange.js';
import type { SourceRecord } from '../../src/adapters/index.js';
import type { ExchangeFixture } from '../helpers/exchange.js';
import { failInserts } from '../helpers/faults.js';
import { canonicalBytes } from '../../src/core/jcs.js';
import type { SealedResponse } from '../../src/exchange/envelope.js';

/** Registers a slow 安徽 source answering when the returned function is called. */
function slowSource(f: ExchangeFixture): (r: SourceRecord) => void {
  let release!: (r: SourceRecord) => void;
  const gate = new Promise<SourceRecord>((r) => (release = r));
  f.ah.server.exchange!.resources.register({
    def: {
      id: 'archive.household', name: { zh: '历史户籍档案', en: 'Archived household records' }, department: '安徽省档案馆', sourceSystem: '档案数字化系统',
      subjectType: 'citizen', sharing: 'conditional',
      fields: [{ name: 'archiveNo', label: { zh: '档号', en: 'Archive number' }, type: 'string', sensitivity: 'general' }],
    },
    adapter: { fetch: () => gate },
  });
  return release;
}

const archived = { values: { archiveNo: 'AH-1998-000417' }, dataTime: '2024-03-01T00:00:00.000Z', quality: [] };

for (const engine of await engines()) {
  test(`${engine}: a slow source answers later, through retries, exactly once in effect`, async () => {
    const f = await exchangeFixture(engine, { syncBudgetMs: 50, access: [{ from: '*', resources: '*' }] });
    const release = slowSource(f);
    try {
      const res = await f.clerk('/api/exchange/requests', {
        body: { target: '340000', resource: 'archive.household', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['archiveNo'], purpose },
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const id = res.body.exchange.messageId;
      assert.equal(res.body.exchange.status, 'pending');

      // the requester goes down before the answer is ready
      const shPort = f.sh.server.port;
      await f.sh.server.close();
      const outbox = f.ah.server.exchange!.outbox;
      const retried = once(outbox, 'retry');
      release(archived);
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
    } finally {
      await f.close();
    }
  });

  test(`${engine}: a delivery whose audit entry fails is applied and audited once when delivered again; a second answer is recorded, not applied`, async () => {
    const f = await exchangeFixture(engine, { syncBudgetMs: 50, access: [{ from: '*', resources: '*' }] });
    const release = slowSource(f);
    try {
      const res = await f.clerk('/api/exchange/requests', {
        body: { target: '340000', resource: 'archive.household', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['archiveNo'], purpose },
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const id = res.body.exchange.messageId;
      const db = f.sh.server.store.db;
      const received = () => db.selectFrom('audit_entry').select(['outcome', 'error_code', 'message_id']).where('action', '=', 'exchange.response.received').orderBy('seq').execute();

      // the requester's audit write fails: the delivery is refused and leaves nothing behind
      const restore = await failInserts(db, 'audit_entry', 'action', 'exchange.response.received');
      const outbox = f.ah.server.exchange!.outbox;
      const retried = once(outbox, 'retry');
      release(archived);
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
      // and each answer delivered again is a duplicate, the first one even once its inbox row is purged
      assert.deepEqual(await (await post(second)).json(), { received: true, duplicate: true });
      await db.deleteFrom('exchange_inbox').execute();
      assert.deepEqual(await (await post(first)).json(), { received: true, duplicate: true });
      assert.equal((await received()).length, 2);
    } finally {
      await f.close();
    }
  });
}
