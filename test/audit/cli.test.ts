import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killAllChildren, runCli } from '../helpers/cli.js';
import { restoreFromBackup } from '../helpers/audit.js';
import { approveNode, cleanupAll, startHub, startNode, stopAll, type Started } from '../helpers/federation.js';
import { openDatabase, type TongbanDB } from '../../src/store/index.js';

test.after(() => killAllChildren());

/** a valid GB 11643 number (check digit 5); ...1234 is the same with a wrong check digit */
const VALID_ID = '340104199003071235';

test('tongban audit verify and tail: intact, tampered, offline, hub unreachable; members decisions from the CLI are audited', async () => {
  let hub: Started | undefined;
  let node: Started | undefined;
  try {
    hub = await startHub('sqlite');
    node = await startNode('sqlite', { url: hub.server.url, keyId: hub.server.identity.keyId }, { code: '340000', name: '安徽' });
    await node.server.federation!.waitFor((s) => s.membership === 'pending');
    const hubCfg = join(hub.dataDir, 'hub.yaml');
    writeFileSync(hubCfg, `role: hub\ndatabase: "${hub.database.url}"\ndataDir: "${hub.dataDir}"\ncrypto: { suite: ed25519 }\nlog: { level: warn }\n`);

    // the operator approves from the command line: appended to the hub's log
    const approve = await runCli(['members', 'approve', '340000', '-c', hubCfg]);
    assert.equal(approve.code, 0, approve.stderr);
    await node.server.federation!.syncNow();
    await node.server.federation!.waitFor((s) => s.membership === 'approved' && s.trustList !== null);

    const audit = node.server.audit;
    for (let i = 0; i < 12; i++) {
      await audit.append({
        category: 'exchange', action: 'exchange.request.served', actor: { type: 'node', id: '310000', regionCode: '310000' }, outcome: i === 3 ? 'refused' : 'ok',
        ...(i === 3 ? { errorCode: 'E_NO_AGREEMENT' } : {}), counterparty: '310000', messageId: `msg-${i}`,
        subject: { idNumber: VALID_ID }, purpose: { serviceItem: '婚姻登记', caseId: `C-${i}` },
      });
    }
    await audit.checkpointNow();
    assert.equal((await audit.anchorPending()).anchored, 1);
    const nodeCfg = join(node.dataDir, 'node.yaml');
    writeFileSync(nodeCfg, `region: { code: "340000", name: 安徽 }\ndatabase: "${node.database.url}"\ndataDir: "${node.dataDir}"\nhub: { url: "${hub.server.url}" }\ncrypto: { suite: ed25519 }\nlog: { level: warn }\n`);
    const dbUrl = node.database.url;
    await stopAll(node); // signs a last checkpoint over nothing new: none

    const ok = await runCli(['audit', 'verify', '-c', nodeCfg]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /✓ audit log of 安徽 340000 is intact: 13 entries \(seq 1–13, sha256\), 1 checkpoint, 1 countersigned by the hub/);
    assert.match(ok.stdout, /compared with 1 anchor held by the hub/);

    const tail = await runCli(['audit', 'tail', '-c', nodeCfg, '-n', '3']);
    assert.equal(tail.code, 0, tail.stderr);
    assert.match(tail.stdout, /13 .*exchange\.request\.served .*node 310000 310000 .*ok .*3401\*\*\*\*\*\*\*\*\*\*1235 .*婚姻登记 \/ C-11 .*msg-11/);
    assert.ok(!tail.stdout.includes(VALID_ID), 'no ID number in clear');
    assert.equal(tail.stdout.trim().split('\n').length, 5, 'header, rule and 3 entries');

    // the hub's own log, from its own command line
    const hubTail = await runCli(['audit', 'tail', '-c', hubCfg, '--json']);
    const actions = (JSON.parse(hubTail.stdout) as Array<{ action: string; actor: { id: string } }>).map((e) => `${e.action} ${e.actor.id}`);
    assert.deepEqual(actions.map((a) => a.split(' ')[0]), ['key.generated', 'member.requested', 'member.approved']);
    assert.match(actions[2]!, /^member\.approved cli:/);
    const hubVerify = await runCli(['audit', 'verify', '-c', hubCfg]);
    assert.equal(hubVerify.code, 0, hubVerify.stdout + hubVerify.stderr);
    assert.match(hubVerify.stdout, /✓ audit log of hub 000000 is intact: 3 entries/);

    // filters: the one refusal about this citizen, found by the ID number; the search itself is then in the log
    const refused = await runCli(['audit', 'tail', '-c', nodeCfg, '--subject', VALID_ID, '--outcome', 'refused']);
    assert.equal(refused.code, 0, refused.stderr);
    assert.match(refused.stdout, /^5 .*exchange\.request\.served .*refused E_NO_AGREEMENT .*婚姻登记 \/ C-3 .*msg-3/m);
    assert.equal(refused.stdout.trim().split('\n').length, 3, refused.stdout);
    assert.ok(!refused.stdout.includes(VALID_ID));
    const searched = JSON.parse((await runCli(['audit', 'tail', '-c', nodeCfg, '--action', 'audit.subject-searched', '--json'])).stdout) as Array<{ seq: number; actor: { type: string; id: string }; subjectMasked: string; detail: unknown }>;
    assert.equal(searched.length, 1);
    assert.equal(searched[0]!.seq, 14);
    assert.equal(searched[0]!.actor.type, 'operator');
    assert.match(searched[0]!.actor.id, /^cli:/);
    assert.equal(searched[0]!.subjectMasked, '3401**********1235');
    assert.deepEqual(searched[0]!.detail, { matches: 1 });
    const none = await runCli(['audit', 'tail', '-c', nodeCfg, '--counterparty', '320000']);
    assert.equal(none.stdout.trim(), '(no audit entry matches)');
    const badId = await runCli(['audit', 'tail', '-c', nodeCfg, '--subject', '340104199003071234']);
    assert.notEqual(badId.code, 0);
    assert.match(badId.stderr, /subject: not a valid GB 11643 ID number/);
    const hubSubject = await runCli(['audit', 'tail', '-c', hubCfg, '--subject', VALID_ID]);
    assert.notEqual(hubSubject.code, 0);
    assert.match(hubSubject.stderr, /the hub keeps no citizens' data/);
    assert.equal((await runCli(['audit', 'verify', '-c', nodeCfg, '--offline'])).code, 0);

    // tamper with a row in the middle
    const store = await openDatabase<TongbanDB>(dbUrl);
    await store.db.deleteFrom('audit_entry').where('seq', '=', 7).execute();
    await store.close();
    const bad = await runCli(['audit', 'verify', '-c', nodeCfg, '--offline']);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /✗ audit log of 安徽 340000 has been tampered with — first bad entry: gap: seq 7 missing after 6/);
    const json = await runCli(['audit', 'verify', '-c', nodeCfg, '--offline', '--json']);
    assert.equal(json.code, 1);
    assert.deepEqual((JSON.parse(json.stdout) as { firstProblem: unknown }).firstProblem, { seq: 7, reason: 'gap: seq 7 missing after 6' });

    // the hub is unreachable: the chain is checked, the anchors cannot be — exit 2, not "intact"
    await stopAll(hub);
    const store2 = await openDatabase<TongbanDB>(dbUrl);
    await store2.db.deleteFrom('audit_entry').execute();
    await store2.db.deleteFrom('audit_checkpoint').execute();
    await store2.db.updateTable('audit_head').set({ seq: 0, hash: '0'.repeat(64) }).execute();
    await store2.close();
    const unreachable = await runCli(['audit', 'verify', '-c', nodeCfg]);
    assert.equal(unreachable.code, 2, unreachable.stdout + unreachable.stderr);
    assert.match(unreachable.stdout, /⚠ the hub could not be asked for its anchors/);
  } finally {
    await stopAll(node, hub);
    await cleanupAll(node, hub);
  }
});

test('tongban audit verify after a declared restore: intact, and the declaration is printed with its reason', async () => {
  let hub: Started | undefined;
  let node: Started | undefined;
  try {
    hub = await startHub('sqlite');
    const hubRef = { url: hub.server.url, keyId: hub.server.identity.keyId };
    node = await startNode('sqlite', hubRef, { code: '340000', name: '安徽' });
    await approveNode(hub, node);
    const append = async (n: number) => {
      for (let i = 0; i < n; i++) await node!.server.audit.append({ category: 'security', action: 'test.event', actor: { type: 'system', id: 'test' }, outcome: 'ok' });
      return node!.server.audit.checkpointNow();
    };
    const backup = await append(4);
    await append(5);
    assert.equal((await node.server.audit.anchorPending()).anchored, 2);
    // restored from the backup taken at the first checkpoint
    node = await restoreFromBackup('sqlite', hubRef, node, backup!);
    await append(2);
    const declared = await node.server.audit.declareRestore('恢复了前一天的备份', { type: 'operator', id: 'cli:test' });
    assert.deepEqual(declared.anchoring, { anchored: 1, pending: 0 });
    await stopAll(node);

    const nodeCfg = join(node.dataDir, 'node.yaml');
    writeFileSync(nodeCfg, `region: { code: "340000", name: 安徽 }\ndatabase: "${node.database.url}"\ndataDir: "${node.dataDir}"\nhub: { url: "${hub.server.url}" }\ncrypto: { suite: ed25519 }\nlog: { level: warn }\n`);
    const ok = await runCli(['audit', 'verify', '-c', nodeCfg]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /✓ audit log of 安徽 340000 is intact/);
    assert.match(ok.stdout, new RegExp(`⚠ restore declared \\S+ \\S+: this log lost the history after seq ${backup!.seq}; the hub set aside 1 anchor of it \\(seq ${backup!.seq + 5}\\) — reason: 恢复了前一天的备份`));
    const json = JSON.parse((await runCli(['audit', 'verify', '-c', nodeCfg, '--json'])).stdout) as { restores: Array<{ keepThrough: number; reason: string }> };
    assert.deepEqual(json.restores.map((r) => [r.keepThrough, r.reason]), [[backup!.seq, '恢复了前一天的备份']]);
  } finally {
    await stopAll(node, hub);
    await cleanupAll(node, hub);
  }
});
