import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../helpers/engines.js';
import { approveNode, cleanupAll, startHub, startNode, stopAll, type Started } from '../helpers/federation.js';
import { restoreFromBackup, servedEvent as event } from '../helpers/audit.js';
import { suiteFor } from '../../src/core/crypto/index.js';
import { makeSigner, signDocument } from '../../src/core/signed-document.js';
import { currentTrustList } from '../../src/hub/trust-list.js';
import { decideMembership, getMember } from '../../src/hub/membership.js';
import { memberHistory } from '../../src/hub/history.js';
import { failInserts } from '../helpers/faults.js';
import { fetchHubAnchors, verifyAuditLog } from '../../src/audit/index.js';
import { anchorProblem, buildCheckpoint, buildRestoreDeclaration } from '../../src/audit/documents.js';
import type { HubRestore } from '../../src/audit/verify.js';
import { createUser } from '../../src/identity/index.js';
import { rotateNodeKey } from '../../src/node/key-rotation.js';


const post = (url: string, body: unknown) => fetch(`${url}/api/hub/audit/anchors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

for (const engine of await engines()) {
  test(`${engine}: a node checkpoints, the hub countersigns, verification passes; hub down → pending, hub back → anchored`, async () => {
    let hub: Started | undefined;
    let node: Started | undefined;
    try {
      hub = await startHub(engine, { suite: 'sm2-sm3' });
      const anchor = { url: hub.server.url, keyId: hub.server.identity.keyId };
      node = await startNode(engine, anchor, { code: '340000', name: '安徽' }, { suite: 'sm2-sm3' });
      const audit = node.server.audit;
      await node.server.federation!.waitFor((s) => s.membership === 'pending');

      // not a member yet: the checkpoint stays pending
      await audit.append(event(1));
      assert.ok(await audit.checkpointNow());
      const early = await audit.anchorPending();
      assert.deepEqual([early.anchored, early.pending], [0, 1]);

      const token = hub.server.newOperatorToken!;
      const ok = await fetch(`${hub.server.url}/api/hub/members/340000/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      await node.server.federation!.syncNow();
      await node.server.federation!.waitFor((s) => s.membership === 'approved' && s.trustList !== null);

      for (let i = 2; i <= 30; i++) await audit.append(event(i));
      const cp = await audit.checkpointNow();
      // the node's own first entry: the key it generated at first start
      assert.equal((await audit.tail(100)).at(-1)!.action, 'key.generated');
      assert.equal(cp!.seq, 31);
      assert.deepEqual(await audit.anchorPending(), { anchored: 2, pending: 0 });
      const cps = await audit.checkpoints();
      assert.deepEqual(cps.map((c) => [c.seq, c.anchored]), [[2, true], [31, true]]);

      const trustList = node.server.federation!.current.trustList!;
      let anchors = await fetchHubAnchors(node.config.hub!.url, '340000');
      assert.deepEqual(anchors.map((a) => a.seq), [2, 31]);
      let report = await verifyAuditLog(node.server.store.db, { regionCode: '340000', trustList, suiteAlgorithm: 'sm3', hubAnchors: anchors });
      assert.equal(report.ok, true, JSON.stringify(report.problems));
      assert.deepEqual([report.entries, report.checkpoints, report.anchored, report.hubAnchors], [31, 2, 2, 2]);

      // the hub goes down: checkpoints stay unanchored, nothing is lost
      const hubPort = hub.server.port;
      await hub.server.close();
      for (let i = 31; i <= 39; i++) await audit.append(event(i));
      await audit.checkpointNow();
      const down = await audit.anchorPending();
      assert.deepEqual([down.anchored, down.pending], [0, 1]);
      assert.match(down.error ?? '', /E_HUB_UNAVAILABLE/);
      const waiting = (await audit.checkpoints()).at(-1)!;
      assert.equal(waiting.lastErrorCode, 'E_HUB_UNAVAILABLE', 'the code as data');
      assert.match(waiting.lastError ?? '', /ECONNREFUSED/, 'the words beside it');

      // the hub comes back (same database, key and port): the pending checkpoint is anchored
      hub = await startHub(engine, { suite: 'sm2-sm3', database: hub.database, dataDir: hub.dataDir, port: hubPort });
      assert.deepEqual(await audit.anchorPending(), { anchored: 1, pending: 0 });
      anchors = await fetchHubAnchors(node.config.hub!.url, '340000');
      assert.deepEqual(anchors.map((a) => a.seq), [2, 31, 40]);
      report = await verifyAuditLog(node.server.store.db, { regionCode: '340000', trustList, suiteAlgorithm: 'sm3', hubAnchors: anchors });
      assert.equal(report.ok, true, JSON.stringify(report.problems));
      assert.equal(report.anchored, 3);

      // paging through the hub's anchors
      const page = (await (await fetch(`${hub.server.url}/api/hub/audit/anchors/340000?after=2&limit=1`)).json()) as { anchors: Array<{ seq: number }>; next?: number };
      assert.deepEqual([page.anchors.map((a) => a.seq), page.next], [[31], 31]);

      // the hub's own log: the request, the approval and its key, checkpointed by the hub itself
      const hubLog = hub.server.audit;
      const hubEntries = (await hubLog.tail(50)).reverse();
      assert.deepEqual(hubEntries.map((e) => e.action), ['key.generated', 'member.requested', 'member.approved']);
      assert.equal(hubEntries[2]!.actor_type, 'operator');
      assert.equal(hubEntries[2]!.counterparty, '340000');
      await hubLog.checkpointNow();
      const hubList = (await currentTrustList({ db: hub.server.store.db, signer: hub.server.identity, hubName: 'hub', hubUrl: hub.server.url, validitySeconds: 3600 })).doc.payload;
      const hubReport = await verifyAuditLog(hub.server.store.db, { regionCode: '000000', trustList: hubList, suiteAlgorithm: 'sm3' });
      assert.equal(hubReport.ok, true, JSON.stringify(hubReport.problems));
      assert.equal(hubReport.checkpoints, 1);
    } finally {
      await stopAll(node, hub);
      await cleanupAll(node, hub);
    }
  });

  test(`${engine}: a checkpoint signed before a key rotation is re-signed with the new key and anchored; old ones still verify`, async () => {
    let hub: Started | undefined;
    let node: Started | undefined;
    try {
      hub = await startHub(engine);
      node = await startNode(engine, { url: hub.server.url, keyId: hub.server.identity.keyId }, { code: '330000', name: '浙江' });
      await approveNode(hub, node);
      const audit = node.server.audit;
      const oldKeyId = node.server.identity.keyId;
      await audit.append(event(1));
      await audit.checkpointNow();
      assert.equal((await audit.anchorPending()).anchored, 1);
      await audit.append(event(2));
      const pending = await audit.checkpointNow();
      assert.equal(pending!.document.signature.keyId, oldKeyId);

      await rotateNodeKey({ identity: node.server.identity, dataDir: node.dataDir, regionCode: '330000', hubUrl: hub.server.url, logger: node.server.logger });
      assert.notEqual(node.server.identity.keyId, oldKeyId);
      assert.deepEqual(await audit.anchorPending(), { anchored: 1, pending: 0 });
      const cps = await audit.checkpoints();
      assert.deepEqual(cps.map((c) => [c.seq, c.document.signature.keyId, c.anchored]), [[2, oldKeyId, true], [3, node.server.identity.keyId, true]]);

      await node.server.federation!.syncNow();
      const trustList = node.server.federation!.current.trustList!;
      assert.deepEqual(trustList.members[0]!.keys.map((k) => k.status), ['retired', 'active']);
      const report = await verifyAuditLog(node.server.store.db, { regionCode: '330000', trustList, hubAnchors: await fetchHubAnchors(hub.server.url, '330000') });
      assert.equal(report.ok, true, JSON.stringify(report.problems));
      assert.equal(report.anchored, 2);
    } finally {
      await stopAll(node, hub);
      await cleanupAll(node, hub);
    }
  });

  test(`${engine}: a node restored from an older backup: the hub refuses its new checkpoints and verify names the lost tail until an administrator declares the loss; then anchoring resumes and both logs record it`, async () => {
    let hub: Started | undefined;
    let node: Started | undefined;
    try {
      hub = await startHub(engine);
      const hubRef = { url: hub.server.url, keyId: hub.server.identity.keyId };
      node = await startNode(engine, hubRef, { code: '320000', name: '江苏' });
      await approveNode(hub, node);
      for (let i = 1; i <= 5; i++) await node.server.audit.append(event(i));
      const backup = await node.server.audit.checkpointNow();
      for (let i = 6; i <= 12; i++) await node.server.audit.append(event(i));
      const lost = await node.server.audit.checkpointNow();
      assert.deepEqual(await node.server.audit.anchorPending(), { anchored: 2, pending: 0 });

      // the node is stopped and its database restored from a backup taken at `backup`: the entries,
      // checkpoints and head written after it are gone, as after a real restore
      node = await restoreFromBackup(engine, hubRef, node, backup!);

      // it goes on working, but the hub will not anchor a log that went back below what it holds
      for (let i = 13; i <= 15; i++) await node.server.audit.append(event(i));
      const rewound = await node.server.audit.checkpointNow();
      assert.ok(rewound!.seq < lost!.seq);
      const refused = await node.server.audit.anchorPending();
      assert.deepEqual([refused.anchored, refused.pending], [0, 1]);
      assert.match(refused.error ?? '', new RegExp(`E_CONFLICT: hub answered 409 E_CONFLICT the hub anchors region 320000's log up to seq ${lost!.seq}; a new head at seq ${rewound!.seq} means the log went back`));
      // past the lost head too: the first refused checkpoint holds the rest back, so nothing of the new
      // history is anchored beside the old one
      for (let i = 16; i <= 30; i++) await node.server.audit.append(event(i));
      assert.ok((await node.server.audit.checkpointNow())!.seq > lost!.seq);
      assert.deepEqual([(await node.server.audit.anchorPending()).pending], [2]);
      const anchors = await fetchHubAnchors(hub.server.url, '320000');
      assert.deepEqual(anchors.map((a) => [a.seq, a.headHash]), [[backup!.seq, backup!.headHash], [lost!.seq, lost!.headHash]]);
      // and the auditor sees the lost entries: the hub anchors a head this log no longer has
      const report = await verifyAuditLog(node.server.store.db, { regionCode: '320000', trustList: node.server.federation!.current.trustList!, hubAnchors: anchors });
      assert.equal(report.ok, false);
      assert.match(report.problems.map((p) => p.reason).join('\n'), new RegExp(`seq ${lost!.seq}: hash differs from the head the hub anchored \\(history rewritten\\)`));

      // an administrator declares the loss, with the reason: the hub sets the lost history's anchors
      // aside (kept, listed with the declaration) and anchors this log's waiting checkpoints
      await createUser(node.server.store.db, { server: 'node', id: 'js-admin', name: '赵敏', department: '江苏省大数据管理中心', regionCode: '320000', roles: ['admin'], password: 'admin-password-77' }, { actor: 'test' });
      const login = await fetch(`${node.server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'js-admin', password: 'admin-password-77' }) });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const declare = (body: unknown) => fetch(`${node!.server.url}/api/admin/audit/restore`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await declare({})).status, 400, 'a reason is required');
      assert.equal((await fetch(`${node.server.url}/api/admin/audit/restore`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"x"}' })).status, 401);
      const reason = '磁盘故障,恢复了前一天的备份';
      const res = await declare({ reason });
      const declared = (await res.json()) as { keepThrough: number; supersededFrom: number; supersededThrough: number; superseded: number; anchoring: unknown };
      assert.equal(res.status, 200, JSON.stringify(declared));
      assert.deepEqual(
        [declared.keepThrough, declared.supersededFrom, declared.supersededThrough, declared.superseded, declared.anchoring],
        [backup!.seq, lost!.seq, lost!.seq, 1, { anchored: 2, pending: 0 }],
      );
      const now = await fetchHubAnchors(hub.server.url, '320000');
      assert.deepEqual(now.map((a) => a.seq), [backup!.seq, rewound!.seq, (await node.server.audit.checkpoints()).at(-1)!.seq]);
      const { restores } = (await (await fetch(`${hub.server.url}/api/hub/audit/restores/320000`)).json()) as { restores: HubRestore[] };
      assert.deepEqual(restores[0]!.superseded.map((a) => [a.seq, a.headHash]), [[lost!.seq, lost!.headHash]]);
      const trustList = node.server.federation!.current.trustList!;
      const verified = await verifyAuditLog(node.server.store.db, { regionCode: '320000', trustList, hubAnchors: now, hubRestores: restores });
      assert.equal(verified.ok, true, JSON.stringify(verified.problems));
      assert.deepEqual(verified.restores!.map((r) => [r.keepThrough, r.supersededFrom, r.supersededThrough, r.superseded, r.reason]), [[backup!.seq, lost!.seq, lost!.seq, 1, reason]]);
      // a receipt that does not bind the declaration is a problem
      const forged = structuredClone(restores);
      (forged[0]!.declaration as { payload: { reason: string } }).payload.reason = '例行维护';
      const badReport = await verifyAuditLog(node.server.store.db, { regionCode: '320000', trustList, hubAnchors: now, hubRestores: forged });
      assert.match(badReport.firstProblem?.reason ?? '', new RegExp(`restore declaration after seq ${backup!.seq}: declaration signature does not verify`));

      // both logs say who declared it and why
      const nodeEntry = (await node.server.audit.tail(10)).find((e) => e.action === 'audit.restore-declared')!;
      assert.deepEqual([nodeEntry.actor_id, nodeEntry.outcome, JSON.parse(nodeEntry.detail!).reason], ['js-admin', 'ok', reason]);
      const hubEntry = (await hub.server.audit.tail(10)).find((e) => e.action === 'audit.restore-recorded')!;
      assert.deepEqual([hubEntry.counterparty, hubEntry.outcome], ['320000', 'ok']);
      // nothing more to declare now; and a declaration against anchors the hub no longer holds is refused
      const again = await declare({ reason });
      assert.equal(again.status, 409);
      assert.match(((await again.json()) as { error: { detail: string } }).error.detail, /all agree with this log/);
      const stale = await fetch(`${hub.server.url}/api/hub/audit/restores`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(buildRestoreDeclaration(node.server.identity, { regionCode: '320000', keepThrough: backup!.seq, keepHeadHash: backup!.headHash, supersededThrough: lost!.seq, reason, algorithm: 'sha256' })) });
      assert.equal(stale.status, 409);
      assert.deepEqual((await fetchHubAnchors(hub.server.url, '320000')).map((a) => a.seq), now.map((a) => a.seq), 'a refused declaration changes nothing');
    } finally {
      await stopAll(node, hub);
      await cleanupAll(node, hub);
    }
  });

  test(`${engine}: the hub anchors only approved members' checkpoints, signed by their active key, one head per seq`, async () => {
    let hub: Started | undefined;
    let node: Started | undefined;
    try {
      hub = await startHub(engine);
      node = await startNode(engine, { url: hub.server.url, keyId: hub.server.identity.keyId }, { code: '520000', name: '贵州' });
      await node.server.federation!.waitFor((s) => s.membership === 'pending');
      const id = node.server.identity;
      const cp = buildCheckpoint(id, { regionCode: '520000', seq: 5, headHash: 'a'.repeat(64), algorithm: 'sha256' });
      const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];

      assert.deepEqual(await errorOf(await post(hub.server.url, cp)), [403, 'E_FORBIDDEN'], 'pending members do not anchor');
      await decideMembership(hub.server.store.db, '520000', 'approve', 'test', undefined, undefined, { audit: hub.server.audit });

      const first = await post(hub.server.url, cp);
      assert.equal(first.status, 201);
      const { anchor } = (await first.json()) as { anchor: unknown };
      const hubKey = { keyId: hub.server.identity.keyId, suite: hub.server.identity.suite.name, publicKey: hub.server.identity.publicKeyPem };
      assert.equal(anchorProblem(anchor, cp, [hubKey]), undefined);
      // the same checkpoint again: the same countersignature
      const again = await post(hub.server.url, cp);
      assert.equal(again.status, 200);
      assert.deepEqual(((await again.json()) as { anchor: unknown }).anchor, anchor);
      // another head for the same seq: a rewritten history
      const other = buildCheckpoint(id, { regionCode: '520000', seq: 5, headHash: 'b'.repeat(64), algorithm: 'sha256' });
      assert.deepEqual(await errorOf(await post(hub.server.url, other)), [409, 'E_CONFLICT']);
      // a new head below the highest anchored seq: the log went back
      const rewound = buildCheckpoint(id, { regionCode: '520000', seq: 4, headHash: 'e'.repeat(64), algorithm: 'sha256' });
      const back = await post(hub.server.url, rewound);
      assert.equal(back.status, 409);
      assert.match(((await back.json()) as { error: { detail: string } }).error.detail, /up to seq 5; a new head at seq 4 means the log went back/);

      const stranger = makeSigner(suiteFor('ed25519'), suiteFor('ed25519').generateKeyPair().privateKeyPem);
      const cases: Array<[string, unknown, number, string]> = [
        ['signed by a key that is not the member\'s', buildCheckpoint(stranger, { regionCode: '520000', seq: 6, headHash: 'c'.repeat(64), algorithm: 'sha256' }), 403, 'E_NOT_TRUSTED'],
        ['altered after signing', { ...cp, payload: { ...cp.payload, seq: 7, count: 7 } }, 401, 'E_SIGNATURE'],
        ['a region that is no member', buildCheckpoint(id, { regionCode: '330000', seq: 1, headHash: 'c'.repeat(64), algorithm: 'sha256' }), 403, 'E_NOT_TRUSTED'],
        ['the wrong algorithm for the suite', buildCheckpoint(id, { regionCode: '520000', seq: 8, headHash: 'c'.repeat(64), algorithm: 'sm3' }), 400, 'E_INVALID_REQUEST'],
        ['an unknown payload field', signDocument({ ...cp.payload, seq: 9, count: 9, extra: 1 }, id), 400, 'E_INVALID_REQUEST'],
        ['from the future', buildCheckpoint(id, { regionCode: '520000', seq: 10, headHash: 'c'.repeat(64), algorithm: 'sha256' }, new Date(Date.now() + 3_600_000)), 401, 'E_CLOCK_SKEW'],
        ['not a signed document', { hello: 'world' }, 400, 'E_INVALID_REQUEST'],
      ];
      for (const [name, body, status, code] of cases) {
        assert.deepEqual(await errorOf(await post(hub.server.url, body)), [status, code], name);
      }
      const anchors = await fetchHubAnchors(hub.server.url, '520000');
      assert.deepEqual(anchors.map((a) => [a.seq, a.headHash]), [[5, 'a'.repeat(64)]], 'refused checkpoints changed nothing');

      // suspended members do not anchor; the refused approval attempt is in the hub's log too
      await decideMembership(hub.server.store.db, '520000', 'suspend', 'test', 'inquiry', undefined, { audit: hub.server.audit });
      await assert.rejects(decideMembership(hub.server.store.db, '520000', 'approve', 'test', undefined, undefined, { audit: hub.server.audit }), /E_CONFLICT/);
      const next = buildCheckpoint(id, { regionCode: '520000', seq: 11, headHash: 'd'.repeat(64), algorithm: 'sha256' });
      assert.deepEqual(await errorOf(await post(hub.server.url, next)), [403, 'E_FORBIDDEN']);
      const decisions = (await hub.server.audit.tail(3)).reverse().map((e) => [e.action, e.outcome, e.error_code, e.detail]);
      assert.deepEqual(decisions, [
        ['member.approved', 'ok', null, null],
        ['member.suspended', 'ok', null, '{"reason":"inquiry"}'],
        ['member.approved', 'refused', 'E_CONFLICT', null],
      ]);
      // a decision whose audit entry cannot be written does not take effect
      const restore = await failInserts(hub.server.store.db, 'audit_entry', 'action', 'member.reinstated');
      await assert.rejects(decideMembership(hub.server.store.db, '520000', 'reinstate', 'test', undefined, undefined, { audit: hub.server.audit }), /E_DATABASE_UNAVAILABLE/);
      assert.equal((await getMember(hub.server.store.db, '520000'))?.status, 'suspended');
      assert.equal((await memberHistory(hub.server.store.db, '520000')).at(-1)?.action, 'suspended');
      await restore();
      await decideMembership(hub.server.store.db, '520000', 'reinstate', 'test', undefined, undefined, { audit: hub.server.audit });
      assert.equal((await getMember(hub.server.store.db, '520000'))?.status, 'approved');
      assert.equal((await hub.server.audit.tail(1))[0]?.action, 'member.reinstated');
    } finally {
      await stopAll(node, hub);
      await cleanupAll(node, hub);
    }
  });
}
