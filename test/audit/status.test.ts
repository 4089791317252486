// GET /api/audit/status: where a node's anchoring stands, for its data administrators and auditors —
// anchored; held by the hub's refusal after a restore from an older backup, with what a declaration
// would set aside; anchored again once declared, the declaration listed as the hub holds it; refused
// while the node is suspended; pending while the hub is down, which the answer says instead of failing
// — a refresh asks the hub in one round, under one deadline.
// The state follows the refusal's code stored as data (audit_checkpoint.last_error_code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../helpers/engines.js';
import { approveNode, cleanupAll, staffSession, startHub, startNode, stopAll, type Started } from '../helpers/federation.js';
import { decideMembership } from '../../src/hub/membership.js';
import { EVENT_ID_NUMBER, hubGate, restoreFromBackup, servedEvent as event, type HubGate } from '../helpers/audit.js';
import type { AnchoringStatus } from '../../src/audit/index.js';
import { anchoringStatus, type StatusContext } from '../../src/audit/status.js';

for (const engine of await engines()) {
  test(`${engine}: GET /api/audit/status — anchored; held by a refusal after a restore, with what a declaration sets aside; anchored again with the declaration listed; refused while suspended; pending while the hub is down; administrators and auditors only`, async () => {
    let hub: Started | undefined;
    let node: Started | undefined;
    const gates: HubGate[] = [];
    try {
      hub = await startHub(engine);
      const hubRef = { url: hub.server.url, keyId: hub.server.identity.keyId };
      node = await startNode(engine, hubRef, { code: '320000', name: '江苏' });
      await approveNode(hub, node);
      const admin = await staffSession(node, 'js-admin', ['admin']);
      const auditor = await staffSession(node, 'js-auditor', ['auditor']);
      const clerk = await staffSession(node, 'js-clerk', ['clerk']);
      const get = (cookie?: string) => fetch(`${node!.server.url}/api/audit/status`, { headers: cookie ? { cookie } : {} });
      const status = async (cookie = admin): Promise<AnchoringStatus> => {
        const res = await get(cookie);
        const body = (await res.json()) as AnchoringStatus;
        assert.equal(res.status, 200, JSON.stringify(body));
        // sequence numbers, times and hub errors: never the citizen the entries are about
        const text = JSON.stringify(body);
        assert.ok(!text.includes(EVENT_ID_NUMBER) && !text.includes('3401**') && !text.includes('subject'), text);
        return body;
      };

      assert.equal((await get()).status, 401);
      assert.equal((await get(clerk)).status, 403);

      for (let i = 1; i <= 5; i++) await node.server.audit.append(event(i));
      const backup = (await node.server.audit.checkpointNow())!;
      for (let i = 6; i <= 12; i++) await node.server.audit.append(event(i));
      const lost = (await node.server.audit.checkpointNow())!;
      await node.server.audit.anchorPending();

      const anchored = await status();
      const head = await node.server.audit.head();
      assert.equal(anchored.state, 'anchored');
      assert.equal(anchored.held, false);
      assert.equal(anchored.head.seq, head.seq);
      assert.ok(anchored.head.at && Date.parse(anchored.head.at) <= Date.now());
      assert.equal(anchored.sinceCheckpoint, head.seq - lost.seq);
      assert.deepEqual(anchored.policy, { everyEntries: 1000, everySeconds: 60 });
      const all = (await node.server.audit.checkpoints()).length;
      assert.deepEqual(anchored.checkpoints, { total: all, anchored: all, pending: 0 });
      assert.equal(anchored.lastAnchored?.seq, lost.seq);
      assert.ok(anchored.lastAnchored?.anchoredAt);
      assert.equal(anchored.oldestPending, null);
      assert.deepEqual(anchored.restores, []);
      assert.equal(anchored.hubError, undefined);
      assert.equal(anchored.divergence, undefined);
      // an auditor sees the same
      assert.deepEqual(await status(auditor), anchored);

      // restored from the backup taken at `backup`: the hub refuses the new history and holds it back
      node = await restoreFromBackup(engine, hubRef, node, backup);
      for (let i = 13; i <= 15; i++) await node.server.audit.append(event(i));
      const rewound = (await node.server.audit.checkpointNow())!;
      assert.equal((await node.server.audit.anchorPending()).pending, 1);
      const held = await status();
      assert.equal(held.state, 'held');
      assert.equal(held.held, true);
      assert.equal(held.oldestPending?.seq, rewound.seq);
      assert.equal(held.oldestPending?.errorCode, 'E_CONFLICT');
      assert.match(held.oldestPending?.lastError ?? '', /means the log went back/);
      assert.ok(held.oldestPending?.lastAttemptAt);
      assert.equal(held.lastAnchored?.seq, backup.seq);
      assert.equal(held.checkpoints.pending, 1);
      assert.deepEqual(held.divergence, { keepThrough: backup.seq, keepHeadHash: backup.headHash, hubHighest: lost.seq, lost: 1 });
      assert.deepEqual(held.restores, []);
      assert.equal((await status(auditor)).state, 'held');
      // the state follows the code stored as data, not the words: a row from before the code was
      // stored (last_error_code null, whatever its text) is not known to be held, only waiting
      await node.server.store.db.updateTable('audit_checkpoint').set({ last_error_code: null, last_error: `E_CONFLICT: ${held.oldestPending!.lastError}` }).where('seq', '=', rewound.seq).execute();
      const unknown = await status();
      assert.deepEqual([unknown.state, unknown.held, unknown.oldestPending?.errorCode, unknown.divergence], ['pending', false, null, undefined]);
      await node.server.audit.anchorPending(); // the next attempt records the code again
      assert.equal((await status()).oldestPending?.errorCode, 'E_CONFLICT');

      // a refresh of the held page is one round of calls to the hub: the declarations and the anchors
      // asked for at once (the gate lets them through only together) …
      const asked: StatusContext = {
        db: node.server.store.db,
        regionCode: '320000',
        policy: held.policy,
        hubUrl: '',
        trustList: node.server.federation!.current.trustList!,
      };
      const together = await hubGate(hub.server.url, { together: 2 });
      gates.push(together);
      const viaGate = await anchoringStatus({ ...asked, hubUrl: together.url });
      assert.deepEqual([viaGate.state, viaGate.divergence, viaGate.restores, viaGate.hubError], ['held', held.divergence, [], undefined]);
      assert.deepEqual(together.paths.sort(), [`/api/hub/audit/anchors/320000?after=${backup.seq}`, '/api/hub/audit/restores/320000']);
      // … and a hub that does not answer costs that one round: both calls end at the one deadline
      const hung = await hubGate(hub.server.url, 'hang');
      gates.push(hung);
      const unanswered = await anchoringStatus({ ...asked, hubUrl: hung.url, timeoutMs: 200 });
      assert.deepEqual([unanswered.state, unanswered.restores, unanswered.divergence], ['held', null, undefined]);
      assert.match(unanswered.hubError ?? '', /^E_HUB_UNAVAILABLE: http:\/\/127\.0\.0\.1:\d+\/api\/hub\/audit\/.*: timed out$/);
      assert.equal(hung.paths.length, 2, hung.paths.join(', '));

      // the administrator declares it: anchoring resumes, and the hub lists the declaration
      const reason = '磁盘故障,恢复了前一天的备份';
      const asAuditor = await fetch(`${node.server.url}/api/admin/audit/restore`, { method: 'POST', headers: { cookie: auditor, 'content-type': 'application/json' }, body: JSON.stringify({ reason }) });
      assert.equal(asAuditor.status, 403, 'an auditor sees, an administrator declares');
      await node.server.store.db.updateTable('app_user').set({ name: '赵敏' }).where('id', '=', 'js-admin').execute();
      const declared = await fetch(`${node.server.url}/api/admin/audit/restore`, { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json' }, body: JSON.stringify({ reason }) });
      assert.equal(declared.status, 200, await declared.clone().text());
      const resumed = await status();
      assert.equal(resumed.state, 'anchored');
      assert.equal(resumed.held, false);
      assert.equal(resumed.oldestPending, null);
      assert.equal(resumed.lastAnchored?.seq, rewound.seq);
      assert.equal(resumed.divergence, undefined);
      assert.equal(resumed.restores?.length, 1);
      const r = resumed.restores![0]!;
      assert.deepEqual([r.keepThrough, r.supersededFrom, r.supersededThrough, r.superseded, r.reason, r.verified, r.problem], [backup.seq, lost.seq, lost.seq, 1, reason, true, undefined]);
      assert.ok(Date.parse(r.declaredAt) <= Date.parse(r.recordedAt));
      assert.match(r.declarationDigest, /^[0-9a-f]{64}$/);
      // who declared it: the node's own log records the declaration's digest with the actor, and the
      // account gives the name
      const entry = (await node.server.audit.tail(20)).find((e) => e.action === 'audit.restore-declared' && e.outcome === 'ok')!;
      assert.equal(JSON.parse(entry.detail!).declarationDigest, r.declarationDigest);
      assert.deepEqual(r.declaredBy, { actorType: 'user', id: 'js-admin', name: '赵敏', department: '江苏大数据中心', seq: entry.seq, at: entry.at });
      // an entry written before the digest was recorded is found by the range it records
      const { declarationDigest: _digest, ...undigested } = JSON.parse(entry.detail!) as Record<string, unknown>;
      await node.server.store.db.updateTable('audit_entry').set({ detail: JSON.stringify(undigested) }).where('seq', '=', entry.seq).execute();
      assert.deepEqual((await status()).restores![0]!.declaredBy, r.declaredBy);
      // an entry whose detail does not read (the log tampered with: audit verify names it) names nobody, and the page still answers
      await node.server.store.db.updateTable('audit_entry').set({ detail: '{"keepThrough":' }).where('seq', '=', entry.seq).execute();
      assert.equal((await status()).restores![0]!.declaredBy, null);
      await node.server.store.db.updateTable('audit_entry').set({ detail: entry.detail }).where('seq', '=', entry.seq).execute();

      // each declaration checked as `audit verify` checks it (readRestore): the region's signature on
      // it, then the hub's receipt — the first that fails is said. The hub's stored copy is altered here.
      const hubDb = hub.server.store.db;
      const stored = await hubDb.selectFrom('hub_audit_restore').select(['id', 'declaration', 'receipt']).executeTakeFirstOrThrow();
      const storeCopy = (declaration: string, receipt: string) => hubDb.updateTable('hub_audit_restore').set({ declaration, receipt }).where('id', '=', stored.id).execute();
      const altered = (json: string, change: (doc: { payload: Record<string, unknown> }) => void) => {
        const doc = JSON.parse(json) as { payload: Record<string, unknown> };
        change(doc);
        return JSON.stringify(doc);
      };
      await storeCopy(altered(stored.declaration, (d) => (d.payload.reason = '例行维护')), stored.receipt);
      const unsigned = (await status(auditor)).restores![0]!;
      assert.deepEqual([unsigned.verified, unsigned.problem?.check, unsigned.reason, unsigned.declaredBy], [false, 'declaration', '例行维护', null], 'not what this node declared');
      assert.match(unsigned.problem!.reason, /^declaration signature does not verify/);
      await storeCopy(stored.declaration, altered(stored.receipt, (d) => (d.payload.superseded = 7)));
      const unreceipted = (await status(auditor)).restores![0]!;
      assert.deepEqual([unreceipted.verified, unreceipted.problem], [false, { check: 'receipt', reason: 'restore receipt does not verify' }]);
      await storeCopy(altered(stored.declaration, (d) => (d.payload.reason = '')), stored.receipt);
      const malformed = (await status(auditor)).restores![0]!;
      assert.deepEqual([malformed.verified, malformed.problem?.check, malformed.declaredAt, malformed.keepThrough, malformed.supersededFrom], [false, 'shape', '', backup.seq, lost.seq]);
      await storeCopy(stored.declaration, stored.receipt);
      assert.equal((await status()).restores![0]!.verified, true);

      // the hub suspends the node: its next checkpoint is refused for that (E_FORBIDDEN), its own state,
      // not a restore to declare; once reinstated, the waiting checkpoint is anchored on the next round
      await decideMembership(hub.server.store.db, '320000', 'suspend', 'test', 'inquiry');
      await node.server.audit.append(event(16));
      const suspendedAt = (await node.server.audit.checkpointNow())!;
      assert.match((await node.server.audit.anchorPending()).error ?? '', /^E_FORBIDDEN: hub answered 403/);
      const refused = await status(auditor);
      assert.deepEqual([refused.state, refused.held, refused.oldestPending?.seq, refused.oldestPending?.errorCode], ['refused', false, suspendedAt.seq, 'E_FORBIDDEN']);
      assert.match(refused.oldestPending?.lastError ?? '', /^hub answered 403 E_FORBIDDEN region 320000 is suspended/);
      assert.equal(refused.divergence, undefined);
      assert.equal(refused.restores?.length, 1, 'the declarations are still listed');
      await decideMembership(hub.server.store.db, '320000', 'reinstate', 'test');
      assert.deepEqual(await node.server.audit.anchorPending(), { anchored: 1, pending: 0 });
      assert.equal((await status()).state, 'anchored');

      // the hub goes down: what waits is retried, and the answer says the hub could not be asked
      await hub.server.close();
      await node.server.audit.append(event(17));
      await node.server.audit.checkpointNow();
      await node.server.audit.anchorPending();
      const pending = await status(auditor);
      assert.equal(pending.state, 'pending');
      assert.equal(pending.held, false);
      assert.equal(pending.oldestPending?.errorCode, 'E_HUB_UNAVAILABLE');
      assert.equal(pending.checkpoints.pending, 1);
      assert.equal(pending.restores, null);
      assert.match(pending.hubError ?? '', /^E_HUB_UNAVAILABLE: /);
    } finally {
      for (const g of gates) await g.close();
      await stopAll(node, hub);
      await cleanupAll(node, hub);
    }
  });
}
