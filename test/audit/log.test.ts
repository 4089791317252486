import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { engines, freshDatabase, type TestDatabase } from '../helpers/engines.js';
import { openDatabase, migrateToLatest, type Database, type TongbanDB } from '../../src/store/index.js';
import { suiteFor, type SuiteName } from '../../src/core/crypto/index.js';
import { makeSigner, type Signer } from '../../src/core/signed-document.js';
import { AuditLog, verifyAuditLog, type AuditEvent, type HubAnchor } from '../../src/audit/index.js';
import { TongbanError } from '../../src/core/errors.js';
import { computeEntryHash } from '../../src/audit/chain.js';
import { buildAnchor, type Checkpoint } from '../../src/audit/documents.js';
import type { TrustListPayload } from '../../src/federation/documents.js';

const REGION = '340000';
const ID = '340104199003071234';

interface Fixture {
  t: TestDatabase;
  store: Database<TongbanDB>;
  log: AuditLog;
  node: Signer;
  hub: Signer;
  trustList: Pick<TrustListPayload, 'members' | 'hub'>;
  close(): Promise<void>;
}

const keyOf = (s: Signer) => ({ keyId: s.keyId, suite: s.suite.name, publicKey: s.publicKeyPem });

function trustListFor(nodeKeys: Array<{ signer: Signer; status: 'active' | 'retired' }>, hub: Signer): Pick<TrustListPayload, 'members' | 'hub'> {
  return {
    hub: { name: '国家枢纽', url: 'http://hub', keys: [keyOf(hub)] },
    members: [
      { regionCode: REGION, name: '安徽', endpoint: 'http://ah', status: 'active', keys: nodeKeys.map((k) => ({ ...keyOf(k.signer), status: k.status, addedAt: '2026-01-01T00:00:00.000Z' })) },
    ],
  };
}

async function fixture(engine: 'sqlite' | 'postgres', suite: SuiteName = 'sm2-sm3'): Promise<Fixture> {
  const t = await freshDatabase(engine, 'audit');
  const store = await openDatabase<TongbanDB>(t.url);
  await migrateToLatest(store);
  const s = suiteFor(suite);
  const node = makeSigner(s, s.generateKeyPair().privateKeyPem);
  const hub = makeSigner(suiteFor('ed25519'), suiteFor('ed25519').generateKeyPair().privateKeyPem);
  const log = new AuditLog({ db: store.db, signer: node, regionCode: REGION, subjectKey: Buffer.alloc(32, 9), checkpointSeconds: 0 });
  await log.start();
  return {
    t, store, log, node, hub,
    trustList: trustListFor([{ signer: node, status: 'active' }], hub),
    close: async () => {
      await log.close().catch(() => undefined);
      await store.close();
      await t.cleanup();
    },
  };
}

function exchangeEvent(i: number): AuditEvent {
  return {
    category: 'exchange',
    action: i % 2 ? 'exchange.request.sent' : 'exchange.request.served',
    actor: { type: 'user', id: `clerk-${i % 7}`, regionCode: REGION, department: '民政厅' },
    outcome: i % 5 === 0 ? 'refused' : 'ok',
    ...(i % 5 === 0 ? { errorCode: 'E_NO_AGREEMENT' } : {}),
    messageId: `msg-${i}`,
    counterparty: '310000',
    subject: { idNumber: ID },
    purpose: { serviceItem: '婚姻登记', caseId: `case-${i}` },
    resource: 'marriage.record',
    fields: ['name', 'marital_status'],
    requestHash: `sm3:${'a'.repeat(64)}`,
    detail: { latencyMs: i },
  };
}

/** n entries, a checkpoint at each seq in `checkpointAt`, each countersigned by the fake hub */
async function fill(f: Fixture, n: number, checkpointAt: number[] = []): Promise<HubAnchor[]> {
  const anchors: HubAnchor[] = [];
  for (let i = 1; i <= n; i++) {
    await f.log.append(exchangeEvent(i));
    if (checkpointAt.includes(i)) {
      const cp = await f.log.checkpointNow();
      assert.equal(cp?.seq, i);
      const anchor = buildAnchor(f.hub, cp!.document);
      await f.store.db.updateTable('audit_checkpoint').set({ countersignature: JSON.stringify(anchor), anchored_at: anchor.payload.anchoredAt }).where('seq', '=', i).execute();
      anchors.push({ seq: i, headHash: cp!.headHash, receivedAt: anchor.payload.anchoredAt, checkpoint: cp!.document, countersignature: anchor });
    }
  }
  return anchors;
}

const verify = (f: Fixture, hubAnchors?: Iterable<HubAnchor> | AsyncIterable<HubAnchor>, pageSize?: number) =>
  verifyAuditLog(f.store.db, { regionCode: REGION, trustList: f.trustList, suiteAlgorithm: f.log.algorithm, ...(hubAnchors ? { hubAnchors } : {}), ...(pageSize ? { pageSize } : {}) });

/** The anchors as the hub's pages arrive: one at a time, asynchronously. */
async function* streamed(anchors: HubAnchor[]): AsyncGenerator<HubAnchor> {
  for (const a of anchors) yield await Promise.resolve(a);
}

async function rehashFrom(f: Fixture, fromSeq: number): Promise<void> {
  // a careful forger: recompute every hash from fromSeq on, and the head row
  const rows = await f.store.db.selectFrom('audit_entry').selectAll().where('seq', '>=', fromSeq).orderBy('seq').execute();
  const before = await f.store.db.selectFrom('audit_entry').select('hash').where('seq', '=', fromSeq - 1).executeTakeFirst();
  let prev = before!.hash;
  for (const r of rows) {
    const e = { ...r, seq: Number(r.seq), prev_hash: prev };
    const hash = computeEntryHash(e);
    await f.store.db.updateTable('audit_entry').set({ prev_hash: prev, hash }).where('seq', '=', e.seq).execute();
    prev = hash;
  }
  await f.store.db.updateTable('audit_head').set({ hash: prev }).where('id', '=', 1).execute();
}

for (const engine of await engines()) {
  test(`${engine}: appends chain in order, keep no ID number in clear, and verify`, async () => {
    const f = await fixture(engine);
    try {
      const r1 = await f.log.append(exchangeEvent(1));
      assert.equal(r1.seq, 1);
      await f.log.append({ category: 'admin', action: 'user.created', actor: { type: 'operator', id: 'admin' }, outcome: 'ok', detail: { role: 'clerk' } });
      await f.log.append({ category: 'security', action: 'key.generated', actor: { type: 'system', id: 'node' }, outcome: 'ok' });
      // a bad event is refused on its own; its neighbours in the same tick are written
      const [a, bad, b] = await Promise.allSettled([
        f.log.append(exchangeEvent(4)),
        f.log.append({ ...exchangeEvent(5), outcome: 'maybe' as never }),
        f.log.append(exchangeEvent(6)),
      ]);
      assert.equal(a.status, 'fulfilled');
      assert.equal(bad.status, 'rejected');
      assert.match(String((bad as PromiseRejectedResult).reason), /E_INVALID_REQUEST: audit event: outcome must be one of/);
      assert.deepEqual([(a as PromiseFulfilledResult<{ seq: number }>).value.seq, (b as PromiseFulfilledResult<{ seq: number }>).value.seq], [4, 5]);

      const report = await verify(f);
      assert.equal(report.ok, true, JSON.stringify(report.problems));
      assert.equal(report.entries, 5);
      assert.equal(report.lastSeq, 5);
      assert.deepEqual(report.algorithms, ['sm3']);
      assert.deepEqual(await f.log.head(), { seq: 5, hash: report.headHash });

      const all = await f.store.db.selectFrom('audit_entry').selectAll().execute();
      assert.ok(!JSON.stringify(all).includes(ID), 'the ID number is nowhere in the log');
      const found = await f.log.findBySubject(ID);
      assert.deepEqual(found.map((e) => e.seq), [5, 4, 1]);
      assert.equal(found[0]!.subject_masked, '3401**********1234');
      assert.equal(found[0]!.subject_ref, f.log.subjectRef(ID));
      assert.deepEqual((await f.log.findByMessage('msg-4')).map((e) => e.action), ['exchange.request.served']);
      assert.equal(AuditLog.maskId(' 34010419900307123x '), '3401**********123X');
    } finally {
      await f.close();
    }
  });

  test(`${engine}: group commit — 500 concurrent appends get seq 1..500 without gaps, in few transactions, and verify`, async () => {
    const f = await fixture(engine, 'ed25519');
    try {
      const results = await Promise.all(Array.from({ length: 500 }, (_, i) => f.log.append(exchangeEvent(i + 1))));
      assert.deepEqual(results.map((r) => r.seq), Array.from({ length: 500 }, (_, i) => i + 1), 'in call order');
      assert.ok(f.log.stats.batches <= 5, `${f.log.stats.batches} transactions for 500 appends`);
      // and while a batch is being written, the next appends queue for the next one
      const more = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
        await new Promise((r) => setImmediate(r));
        return f.log.append(exchangeEvent(600 + i));
      }));
      assert.deepEqual(more.map((r) => r.seq), Array.from({ length: 50 }, (_, i) => 501 + i));
      const report = await verify(f);
      assert.equal(report.ok, true, JSON.stringify(report.problems));
      assert.equal(report.entries, 550);
      assert.deepEqual(report.algorithms, ['sha256']);
      const msgIds = (await f.store.db.selectFrom('audit_entry').select('message_id').orderBy('seq').execute()).map((r) => r.message_id);
      assert.deepEqual(msgIds.slice(0, 3), ['msg-1', 'msg-2', 'msg-3']);
    } finally {
      await f.close();
    }
  });

  test(`${engine}: two writers on one database (replicas) never chain onto the same head`, async () => {
    const f = await fixture(engine);
    const other = await openDatabase<TongbanDB>(f.t.url);
    try {
      const replica = new AuditLog({ db: other.db, signer: f.node, regionCode: REGION, subjectKey: Buffer.alloc(32, 9), checkpointSeconds: 0, maxBatch: 20 });
      const mine = new AuditLog({ db: f.store.db, signer: f.node, regionCode: REGION, subjectKey: Buffer.alloc(32, 9), checkpointSeconds: 0, maxBatch: 20 });
      await Promise.all([
        ...Array.from({ length: 200 }, (_, i) => mine.append(exchangeEvent(i))),
        ...Array.from({ length: 200 }, (_, i) => replica.append(exchangeEvent(1000 + i))),
      ]);
      const report = await verify(f);
      assert.equal(report.ok, true, JSON.stringify(report.problems.slice(0, 3)));
      assert.equal(report.entries, 400);
      await replica.close();
      await mine.close();
    } finally {
      await other.close();
      await f.close();
    }
  });

  test(`${engine}: checkpoints every N entries, signed by the node; a retired key still verifies old checkpoints`, async () => {
    const t = await freshDatabase(engine, 'auditcp');
    const store = await openDatabase<TongbanDB>(t.url);
    try {
      await migrateToLatest(store);
      const ed = suiteFor('ed25519');
      const oldKey = makeSigner(ed, ed.generateKeyPair().privateKeyPem);
      const newKey = makeSigner(ed, ed.generateKeyPair().privateKeyPem);
      const hub = makeSigner(ed, ed.generateKeyPair().privateKeyPem);
      const log = new AuditLog({ db: store.db, signer: oldKey, regionCode: REGION, subjectKey: Buffer.alloc(32, 1), checkpointEvery: 10, checkpointSeconds: 0 });
      await log.start();
      for (let i = 1; i <= 25; i++) {
        await log.append(exchangeEvent(i));
        await log.settled();
      }
      assert.deepEqual((await log.checkpoints()).map((c) => c.seq), [10, 20]);
      await log.close(); // flushes and signs a last checkpoint over the tail
      const cps = (await log.checkpoints()).map((c) => c.seq);
      assert.deepEqual(cps, [10, 20, 25]);
      assert.equal(await log.checkpointNow(), undefined, 'nothing new, no checkpoint');

      // the key was rotated: the member list keeps the old one as retired
      const log2 = new AuditLog({ db: store.db, signer: newKey, regionCode: REGION, subjectKey: Buffer.alloc(32, 1), checkpointSeconds: 0 });
      await log2.start();
      await log2.append(exchangeEvent(99));
      await log2.checkpointNow();
      const rotated = trustListFor([{ signer: oldKey, status: 'retired' }, { signer: newKey, status: 'active' }], hub);
      const ok = await verifyAuditLog(store.db, { regionCode: REGION, trustList: rotated, suiteAlgorithm: 'sha256' });
      assert.equal(ok.ok, true, JSON.stringify(ok.problems));
      assert.equal(ok.checkpoints, cps.length + 1);
      assert.equal(ok.anchored, 0);
      // a list without the old key cannot vouch for its checkpoints
      const forgotten = trustListFor([{ signer: newKey, status: 'active' }], hub);
      const bad = await verifyAuditLog(store.db, { regionCode: REGION, trustList: forgotten });
      assert.equal(bad.ok, false);
      assert.match(bad.firstProblem!.reason, new RegExp(`^checkpoint at seq ${cps[0]}: signed by ${oldKey.keyId}, which is not a key of region 340000`));
      await log2.close();
    } finally {
      await store.close();
      await t.cleanup();
    }
  });

  // ---- tampering: each case on a fresh log of 60 entries, checkpoints at 20 and 40 (anchored) and 50 ----
  const tamperCases: Array<{ name: string; tamper: (f: Fixture) => Promise<void>; offline?: RegExp | null; online?: RegExp; seq: number }> = [
    {
      name: "UPDATE a row's content",
      seq: 17,
      tamper: async (f) => void (await f.store.db.updateTable('audit_entry').set({ counterparty: '320000' }).where('seq', '=', 17).execute()),
      offline: /^seq 17: hash does not match its content$/,
    },
    {
      name: 'UPDATE a row and its hash',
      seq: 18,
      tamper: async (f) => {
        const row = await f.store.db.selectFrom('audit_entry').selectAll().where('seq', '=', 17).executeTakeFirstOrThrow();
        const changed = { ...row, seq: Number(row.seq), outcome: 'refused' };
        await f.store.db.updateTable('audit_entry').set({ outcome: 'refused', hash: computeEntryHash(changed) }).where('seq', '=', 17).execute();
      },
      offline: /^seq 18: prev_hash does not link to seq 17$/,
    },
    {
      name: 'DELETE a middle row',
      seq: 20,
      tamper: async (f) => void (await f.store.db.deleteFrom('audit_entry').where('seq', '=', 20).execute()),
      offline: /^gap: seq 20 missing after 19$/,
    },
    {
      name: 'DELETE the tail (head row left as it was)',
      seq: 46,
      tamper: async (f) => void (await f.store.db.deleteFrom('audit_entry').where('seq', '>', 45).execute()),
      offline: /^the audit head records seq 60 but the local log ends at 45 \(entries deleted from the tail\)$/,
    },
    {
      name: 'DELETE the tail, its checkpoint and fix the head (caught only against hub anchors)',
      seq: 46,
      tamper: async (f) => {
        await f.store.db.deleteFrom('audit_entry').where('seq', '>', 45).execute();
        await f.store.db.deleteFrom('audit_checkpoint').where('seq', '>', 45).execute();
        const last = await f.store.db.selectFrom('audit_entry').select('hash').where('seq', '=', 45).executeTakeFirstOrThrow();
        await f.store.db.updateTable('audit_head').set({ seq: 45, hash: last.hash }).where('id', '=', 1).execute();
      },
      offline: null,
      online: /^hub anchors seq 50 but the local log ends at 45 \(entries deleted from the tail\)$/,
    },
    {
      name: "swap two rows' seq (reorder)",
      seq: 5,
      tamper: async (f) => {
        await f.store.db.updateTable('audit_entry').set({ seq: -5 }).where('seq', '=', 5).execute();
        await f.store.db.updateTable('audit_entry').set({ seq: 5 }).where('seq', '=', 6).execute();
        await f.store.db.updateTable('audit_entry').set({ seq: 6 }).where('seq', '=', -5).execute();
      },
      offline: /^seq 5: hash does not match its content$/,
    },
    {
      name: 'insert a forged row with a made-up hash',
      seq: 61,
      tamper: async (f) => {
        const last = await f.store.db.selectFrom('audit_entry').selectAll().where('seq', '=', 60).executeTakeFirstOrThrow();
        await f.store.db.insertInto('audit_entry').values({ ...last, seq: 61, action: 'exchange.request.served', prev_hash: last.hash, hash: 'f'.repeat(64) }).execute();
      },
      offline: /^seq 61: hash does not match its content$/,
    },
    {
      name: 'insert a correctly chained forged row at the tail',
      seq: 61,
      tamper: async (f) => {
        const last = await f.store.db.selectFrom('audit_entry').selectAll().where('seq', '=', 60).executeTakeFirstOrThrow();
        const forged = { ...last, seq: 61, message_id: 'forged', prev_hash: last.hash };
        await f.store.db.insertInto('audit_entry').values({ ...forged, hash: computeEntryHash(forged) }).execute();
      },
      offline: /^seq 61 lies beyond the recorded head 60 \(written outside the log\)$/,
    },
    {
      name: 'rewrite history consistently from seq 10 (every later hash and the head recomputed)',
      seq: 20,
      tamper: async (f) => {
        await f.store.db.updateTable('audit_entry').set({ fields: '["everything"]' }).where('seq', '=', 10).execute();
        await rehashFrom(f, 10);
      },
      offline: /^checkpoint at seq 20: the signed head hash differs from entry 20 \(history rewritten\)$/,
    },
    {
      name: 'alter a checkpoint document',
      seq: 40,
      tamper: async (f) => {
        const row = await f.store.db.selectFrom('audit_checkpoint').select('document').where('seq', '=', 40).executeTakeFirstOrThrow();
        const doc = JSON.parse(row.document) as Checkpoint;
        doc.payload.at = '2020-01-01T00:00:00.000Z';
        await f.store.db.updateTable('audit_checkpoint').set({ document: JSON.stringify(doc) }).where('seq', '=', 40).execute();
      },
      offline: /^checkpoint at seq 40: signature does not verify$/,
    },
    {
      name: "alter a checkpoint row's head hash column",
      seq: 50,
      tamper: async (f) => void (await f.store.db.updateTable('audit_checkpoint').set({ head_hash: 'e'.repeat(64) }).where('seq', '=', 50).execute()),
      offline: /^checkpoint at seq 50: the row does not match its signed document$/,
    },
    {
      name: "forge the hub's countersignature",
      seq: 20,
      tamper: async (f) => {
        const row = await f.store.db.selectFrom('audit_checkpoint').select(['countersignature', 'document']).where('seq', '=', 20).executeTakeFirstOrThrow();
        const forger = makeSigner(suiteFor('ed25519'), suiteFor('ed25519').generateKeyPair().privateKeyPem);
        const fake = buildAnchor({ ...forger, keyId: f.hub.keyId }, JSON.parse(row.document) as Checkpoint);
        await f.store.db.updateTable('audit_checkpoint').set({ countersignature: JSON.stringify(fake) }).where('seq', '=', 20).execute();
      },
      offline: /^checkpoint at seq 20: hub countersignature does not verify$/,
    },
  ];

  for (const c of tamperCases) {
    test(`${engine}: tamper — ${c.name} — is caught and named`, async () => {
      const f = await fixture(engine);
      try {
        const anchors = await fill(f, 60, [20, 40, 50]);
        const before = await verify(f, anchors);
        assert.equal(before.ok, true, JSON.stringify(before.problems));
        assert.equal(before.anchored, 3);
        assert.equal(before.hubAnchors, 3);

        await c.tamper(f);
        const offline = await verify(f);
        if (c.offline === null) {
          assert.equal(offline.ok, true, 'this one cannot be seen without the hub');
        } else {
          assert.equal(offline.ok, false);
          assert.equal(offline.firstProblem!.seq, c.seq, offline.firstProblem!.reason);
          assert.match(offline.firstProblem!.reason, c.offline!);
        }
        const online = await verify(f, anchors);
        assert.equal(online.ok, false);
        assert.equal(online.firstProblem!.seq, c.seq, JSON.stringify(online.problems));
        assert.match(online.firstProblem!.reason, c.online ?? c.offline!);
        // a page at a time (two rows a page), the anchors streamed: the same verdict
        const paged = await verify(f, streamed(anchors), 2);
        assert.deepEqual(paged.problems, online.problems);
        assert.deepEqual([paged.entries, paged.checkpoints, paged.anchored, paged.hubAnchors], [online.entries, online.checkpoints, online.anchored, online.hubAnchors]);
      } finally {
        await f.close();
      }
    });
  }

  test(`${engine}: a missing head row stops appends and is reported`, async () => {
    const f = await fixture(engine);
    try {
      await fill(f, 3);
      await sql`delete from audit_head`.execute(f.store.db);
      await assert.rejects(f.log.append(exchangeEvent(4)), /audit_head row is missing/);
      const r = await verify(f);
      assert.equal(r.firstProblem?.reason, 'the audit_head row is missing');
    } finally {
      await f.close();
    }
  });

  test(`${engine}: a companion commits with its entry — both or neither — and a failing one takes only its own entry`, async () => {
    const f = await fixture(engine);
    try {
      const row = (id: string) => ({
        message_id: id, target_region: '310000', resource: 'hukou.person', fields: '["name"]', subject_masked: '3401**********1234', purpose: '{}',
        user_id: 'clerk-1', user_name: '王芳', route: 'direct', status: 'completed', request_hash: `sm3:${'a'.repeat(64)}`, request: '{}',
        response: null, seal: null, error_code: null, error_detail: null, created_at: '2026-11-24T08:00:00.000Z', completed_at: null, latency_ms: null,
      });
      const before = f.log.stats.batches;
      // appended in one turn: one batch, one transaction
      const ok = await Promise.all([f.log.append(exchangeEvent(1), { table: 'exchange_request', row: row('m-1') }), f.log.append(exchangeEvent(2)), f.log.append(exchangeEvent(3), { table: 'exchange_request', row: row('m-3') })]);
      assert.deepEqual(ok.map((r) => r.seq), [1, 2, 3]);
      assert.equal(f.log.stats.batches - before, 1);
      const ids = async () => (await f.store.db.selectFrom('exchange_request').select('message_id').orderBy('message_id').execute()).map((r) => r.message_id);
      assert.deepEqual(await ids(), ['m-1', 'm-3']);
      // a companion that cannot be written (m-1 exists) fails its own entry; its neighbours commit
      const failed = await Promise.allSettled([
        f.log.append(exchangeEvent(4), { table: 'exchange_request', row: row('m-4') }),
        f.log.append(exchangeEvent(5), { table: 'exchange_request', row: row('m-1') }),
        f.log.append(exchangeEvent(6)),
      ]);
      assert.deepEqual(failed.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.equal((failed[1] as PromiseRejectedResult).reason.code, 'E_DATABASE_UNAVAILABLE');
      assert.deepEqual(await ids(), ['m-1', 'm-3', 'm-4']);
      const head = await f.store.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow();
      assert.equal(Number(head.seq), 5);
      // writes of any shape run on the entry's transaction; one that throws leaves nothing of its own
      // behind (its update rolled back, no entry) and its error reaches its caller unchanged
      const writes = await Promise.allSettled([
        f.log.append(exchangeEvent(7), async (tx) => {
          await tx.updateTable('exchange_request').set({ status: 'failed' }).where('message_id', '=', 'm-3').execute();
        }),
        f.log.append(exchangeEvent(8), async (tx) => {
          await tx.updateTable('exchange_request').set({ status: 'failed' }).where('message_id', '=', 'm-4').execute();
          throw new TongbanError('E_CONFLICT', 'answered meanwhile');
        }),
      ]);
      assert.equal(writes[0]!.status, 'fulfilled');
      assert.equal((writes[1] as PromiseRejectedResult).reason.code, 'E_CONFLICT');
      const statuses = await f.store.db.selectFrom('exchange_request').select(['message_id', 'status']).orderBy('message_id').execute();
      assert.deepEqual(statuses.map((r) => r.status), ['completed', 'failed', 'completed']);
      // the database itself failing (busy, unreachable: no data refused) fails the batch whole, at once —
      // retrying each entry alone would wait out the same failure once per entry
      const batches = f.log.stats.batches;
      const busy = await Promise.allSettled([
        f.log.append(exchangeEvent(10)),
        f.log.append(exchangeEvent(11), async () => {
          throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        }),
      ]);
      assert.deepEqual(busy.map((r) => r.status), ['rejected', 'rejected']);
      assert.equal((busy[0] as PromiseRejectedResult).reason.code, 'E_DATABASE_UNAVAILABLE');
      assert.equal(f.log.stats.batches, batches, 'nothing committed, nothing retried alone');
      // and the log goes on from there, whole
      assert.equal((await f.log.append(exchangeEvent(9))).seq, 7);
      assert.equal((await verify(f)).ok, true);
    } finally {
      await f.close();
    }
  });


  test(`${engine}: verification streams the hub's anchors: a hub that stops answering is reported, entries appended meanwhile are not a cut tail`, async () => {
    const f = await fixture(engine);
    try {
      const anchors = await fill(f, 30, [10, 20, 30]);
      // the hub answers two anchors, then its connection fails
      async function* failing(): AsyncGenerator<HubAnchor> {
        yield* anchors.slice(0, 2);
        throw new TongbanError('E_HUB_UNAVAILABLE', 'http://hub: ECONNRESET');
      }
      const cut = await verify(f, failing(), 2);
      assert.equal(cut.ok, true);
      assert.equal(cut.hubAnchors, 2);
      assert.equal(cut.hubAnchorsError, 'http://hub: ECONNRESET');

      // the node goes on appending while its log is verified: by the time the hub's anchors are read,
      // the hub holds one for a checkpoint past the end of what the chain pass read
      async function* live(): AsyncGenerator<HubAnchor> {
        yield* anchors;
        for (let i = 31; i <= 35; i++) await f.log.append(exchangeEvent(i));
        const cp = await f.log.checkpointNow();
        const anchor = buildAnchor(f.hub, cp!.document);
        yield { seq: cp!.seq, headHash: cp!.headHash, receivedAt: anchor.payload.anchoredAt, checkpoint: cp!.document, countersignature: anchor };
      }
      const running = await verify(f, live(), 7);
      assert.equal(running.ok, true, JSON.stringify(running.problems));
      assert.equal(running.lastSeq, 30);
      assert.equal(running.hubAnchors, 4);
      assert.equal(running.hubAnchorsError, undefined);
      // but an anchor past the end whose entry is not there at all is a deleted tail
      const cp35 = await f.store.db.selectFrom('audit_checkpoint').select('document').where('seq', '=', 35).executeTakeFirstOrThrow();
      const doc = JSON.parse(cp35.document) as Checkpoint;
      const anchor = buildAnchor(f.hub, doc);
      await f.store.db.deleteFrom('audit_entry').where('seq', '>', 30).execute();
      await f.store.db.updateTable('audit_head').set({ seq: 30, hash: anchors[2]!.headHash }).execute();
      await f.store.db.deleteFrom('audit_checkpoint').where('seq', '>', 30).execute();
      const truncated = await verify(f, streamed([...anchors, { seq: 35, headHash: doc.payload.headHash, receivedAt: anchor.payload.anchoredAt, checkpoint: doc, countersignature: anchor }]), 2);
      assert.equal(truncated.ok, false);
      assert.equal(truncated.firstProblem!.seq, 31);
      assert.match(truncated.firstProblem!.reason, /^hub anchors seq 35 but the local log ends at 30 \(entries deleted from the tail\)$/);
    } finally {
      await f.close();
    }
  });
}
