// The evidence package (存证包): after a completed exchange the clerk downloads the signed request, the
// sealed response and the member list as one file, and anyone checks it offline — with the pure
// verifyEvidence and with `tongban exchange verify-evidence` — naming the first thing that was changed.
// Both suites, direct and relayed, both engines; who may export; what is not exported; the audit entry;
// a package made after the provider rotated its key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Engine } from '../../src/store/db.js';
import type { SuiteName } from '../../src/core/crypto/suite.js';
import { suiteFor } from '../../src/core/crypto/index.js';
import { makeSigner, signDocument } from '../../src/core/signed-document.js';
import { maskIdNumber } from '../../src/core/mask.js';
import { makeIdNumber } from '../../src/core/ids/index.js';
import { BatchSigner, messageHash } from '../../src/exchange/seal.js';
import { EVIDENCE_CHECKS, verifyEvidence, type EvidenceCheckName, type EvidencePackage } from '../../src/exchange/evidence.js';
import type { TrustListPayload } from '../../src/federation/documents.js';
import { rotateNodeKey } from '../../src/node/key-rotation.js';
import { engines } from '../helpers/engines.js';
import { exchangeFixture, purpose, slowSource, type ExchangeFixture } from '../helpers/exchange.js';
import { staffSession } from '../helpers/federation.js';
import { runCli } from '../helpers/cli.js';

const ask = (f: ExchangeFixture, extra: Record<string, unknown> = {}) =>
  f.clerk('/api/exchange/requests', {
    body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name', 'sex', 'birthDate', 'registeredDivision'], purpose, ...extra },
  });

async function download(f: ExchangeFixture, messageId: string, cookie?: string): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${f.sh.server.url}/api/exchange/requests/${messageId}/evidence`, { headers: cookie ? { cookie } : {} });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** The first failed check of a copy of the package changed by `change`, and its reason. */
function tampered(pkg: EvidencePackage, hubKeyId: string, change: (copy: EvidencePackage & Record<string, unknown>) => void): { check: EvidenceCheckName | undefined; detail: string } {
  const copy = structuredClone(pkg) as EvidencePackage & Record<string, unknown>;
  change(copy);
  const r = verifyEvidence(copy, { hubKeyId });
  assert.equal(r.ok, false, 'the change is caught');
  return { check: r.failure?.check, detail: r.failure?.detail ?? '' };
}

const scenarios: Array<{ engine: Engine; suite: SuiteName; route: 'direct' | 'relay' }> = [];
for (const engine of await engines()) {
  scenarios.push({ engine, suite: engine === 'sqlite' ? 'sm2-sm3' : 'ed25519', route: 'direct' }, { engine, suite: engine === 'sqlite' ? 'ed25519' : 'sm2-sm3', route: 'relay' });
}

for (const { engine, suite, route } of scenarios) {
  test(`${engine}, ${suite}, ${route}: the clerk downloads the evidence package of a completed exchange; it verifies offline (function and CLI), every change is caught by name, the export is audited`, async () => {
    const f = await exchangeFixture(engine, { suite, route });
    const dir = mkdtempSync(join(tmpdir(), 'tongban-evidence-'));
    try {
      const done = await ask(f);
      assert.equal(done.body.exchange.status, 'completed', JSON.stringify(done.body));
      const id: string = done.body.exchange.messageId;

      const got = await f.clerk(`/api/exchange/requests/${id}/evidence`);
      assert.equal(got.status, 200, JSON.stringify(got.body));
      const res = await download(f, id, await clerkCookie(f));
      assert.equal(res.headers.get('content-disposition'), `attachment; filename="tongban-evidence-${id}.json"`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json; charset=utf-8/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const pkg = res.body as EvidencePackage;

      // what it holds: the messages as stored, the member list verbatim, the pinned hub key
      const row = await f.sh.server.store.db.selectFrom('exchange_request').selectAll().where('message_id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(pkg.request, JSON.parse(row.request));
      assert.deepEqual(pkg.response, JSON.parse(row.response!));
      const cached = await f.sh.server.store.db.selectFrom('trust_list_cache').select('document').executeTakeFirstOrThrow();
      assert.deepEqual(pkg.memberList, JSON.parse(cached.document));
      const hubKeyId = f.hub.server.identity.keyId;
      assert.equal(pkg.hubKeyId, hubKeyId);
      assert.deepEqual(
        { ...pkg.summary, receivedAt: undefined, requestedAt: undefined, sealedAt: undefined, dataTime: undefined },
        {
          messageId: id,
          provider: { regionCode: '340000', name: '安徽', department: '安徽省公安厅', sourceSystem: '人口信息管理系统' },
          requester: { regionCode: '310000', name: '上海' },
          clerk: { id: 'sh-clerk', name: '王芳', department: '上海市浦东新区行政服务中心' },
          resource: 'hukou.person',
          fields: ['name', 'sex', 'birthDate', 'registeredDivision'],
          subject: { type: 'citizen', masked: maskIdNumber(f.citizen.idNumber) },
          purpose,
          route,
          receivedAt: undefined, requestedAt: undefined, sealedAt: undefined, dataTime: undefined,
        },
      );
      assert.ok(!JSON.stringify(pkg.summary).includes(f.citizen.idNumber), 'the summary masks the subject');

      // the pure check, as anyone runs it with the hub's published key id
      const report = verifyEvidence(pkg, { hubKeyId });
      assert.equal(report.ok, true, JSON.stringify(report.failure));
      assert.deepEqual(report.checks.map((c) => [c.check, c.ok]), EVIDENCE_CHECKS.map((c) => [c, true]));
      assert.equal(report.hubKeyPinned, true);

      // the export is an access to personal data: audited, the subject masked, the package's digest kept
      await f.sh.server.audit.drain();
      const entries = await f.sh.server.store.db.selectFrom('audit_entry').selectAll().where('message_id', '=', id).where('action', '=', 'exchange.evidence.exported').execute();
      assert.equal(entries.length, 2, 'two exports, two entries');
      const entry = entries[1]!;
      assert.deepEqual([entry.category, entry.actor_type, entry.actor_id, entry.outcome, entry.counterparty, entry.subject_masked], ['exchange', 'user', 'sh-clerk', 'ok', '340000', maskIdNumber(f.citizen.idNumber)]);
      assert.equal(entry.response_hash, messageHash(suite, pkg), 'the entry names the very file handed out');
      assert.equal(entry.request_hash, row.request_hash);
      assert.ok(!JSON.stringify(entries).includes(f.citizen.idNumber), 'no ID number in clear in the audit log');

      // the CLI: 0 with the hub key given, 2 when it only takes the package's word for it, 1 naming a failure
      const file = join(dir, `tongban-evidence-${id}.json`);
      writeFileSync(file, JSON.stringify(pkg, null, 2));
      const bad = join(dir, 'changed.json');
      const changed = structuredClone(pkg);
      changed.response.payload.record!.name = '李四';
      writeFileSync(bad, JSON.stringify(changed));
      const [pinned, unpinned, broken, wrongKey] = await Promise.all([
        runCli(['exchange', 'verify-evidence', file, '--hub-key-id', hubKeyId]),
        runCli(['exchange', 'verify-evidence', file]),
        runCli(['exchange', 'verify-evidence', bad, '--hub-key-id', hubKeyId]),
        runCli(['exchange', 'verify-evidence', file, '--hub-key-id', f.ah.server.identity.keyId]),
      ]);
      assert.equal(pinned.code, 0, pinned.stdout + pinned.stderr);
      assert.match(pinned.stdout, /✓ VERIFIED 验证通过 — sealed by 安徽 340000, bound to the request 上海 310000 signed/);
      assert.match(pinned.stdout, new RegExp(`name\\s+${pkg.response.payload.record!.name}`));
      assert.match(pinned.stdout, /department 来源部门\s+安徽省公安厅/);
      assert.match(pinned.stdout, new RegExp(`subject 数据主体\\s+${maskIdNumber(f.citizen.idNumber).replace(/\*/g, '\\*')} \\(citizen\\)`));
      assert.match(pinned.stdout, new RegExp(`route 交换方式\\s+${route === 'direct' ? 'direct 桥梁式' : 'through the hub relay 辐射式'}`));
      for (const label of ['hub key 枢纽密钥', 'member list 成员清单', 'provider key 提供方密钥', 'seal 电子签章', 'binding 请求绑定', 'request signature 请求签名']) {
        assert.match(pinned.stdout, new RegExp(`✓ ${label}`));
      }
      assert.ok(pinned.stdout.includes(`package digest 存证包摘要: ${messageHash(pkg.request.signature.suite, pkg)}`));
      assert.ok(!pinned.stdout.includes(f.citizen.idNumber), 'the ID number is printed masked');
      assert.equal(unpinned.code, 2, unpinned.stdout + unpinned.stderr);
      assert.match(unpinned.stdout, /⚠ NOT PROVEN YET 尚未确认 — every check passed/);
      assert.ok(unpinned.stdout.includes(`compare ${hubKeyId} with the hub key id the hub operator publishes`));
      assert.equal(broken.code, 1, broken.stdout + broken.stderr);
      assert.match(broken.stdout, /✗ seal 电子签章 .*message is not in the signed batch/);
      assert.match(broken.stdout, /✗ NOT VERIFIED 验证未通过 — seal:/);
      assert.match(broken.stdout, /not checked 未校验: binding, requester-key, request-signature, summary/);
      assert.doesNotMatch(broken.stdout, /李四/, 'a record that does not verify is not shown');
      assert.equal(wrongKey.code, 1);
      assert.match(wrongKey.stdout, /NOT VERIFIED 验证未通过 — hub-key: the package names hub key/);

      // every change is caught, and named
      const other = suiteFor(suite);
      const stranger = makeSigner(other, other.generateKeyPair().privateKeyPem);
      const requesterKey = f.sh.server.identity.keyId;
      const hubSigner = f.hub.server.identity;
      const cases: Array<[string, EvidenceCheckName, RegExp, (c: EvidencePackage & Record<string, unknown>) => void | Promise<void>]> = [
        ['a record value changed', 'seal', /not in the signed batch/, (c) => void (c.response.payload.record!.name = '李四')],
        ['the request changed', 'binding', /not bound to this request/, (c) => void (c.request.payload.purpose.caseId = 'SH-2026-999999')],
        ['the seal value changed', 'seal', /does not verify/, (c) => void (c.response.seal.value = pkg.request.signature.value)],
        ['the proof changed', 'seal', /not in the signed batch/, (c) => void Object.assign(c.response.seal.batch, { size: 2, index: 0, proof: ['ab'.repeat(32)] })],
        ['the member list changed', 'member-list', /signature by .* does not verify/, (c) => void (c.memberList.payload.members[0]!.endpoint = 'https://evil.example')],
        ["the provider's key swapped for the requester's", 'provider-key', /is not a key of region 340000/, (c) => void (c.response.seal.keyId = requesterKey)],
        ['an unknown formatVersion', 'package', /format version 2 is not one this verifier knows/, (c) => void ((c as { formatVersion: number }).formatVersion = 2)],
        ['an extra top-level field', 'package', /unknown field "note"/, (c) => void (c.note = 'trust me')],
        ['an extra field in the response', 'package', /response payload: unknown field "verified"/, (c) => void ((c.response.payload as Record<string, unknown>).verified = true)],
        ['the request signature changed', 'request-signature', /does not verify/, (c) => void (c.request.signature.value = pkg.response.seal.value)],
        ['the summary changed', 'summary', /summary\.provider does not say what the signed documents say/, (c) => void (c.summary.provider.name = '北京')],
      ];
      for (const [what, check, reason, change] of cases) {
        const r = tampered(pkg, hubKeyId, (c) => void change(c));
        assert.equal(r.check, check, `${what}: ${r.detail}`);
        assert.match(r.detail, reason, what);
      }
      // the response sealed again by a key nobody listed
      const foreign = structuredClone(pkg);
      foreign.response.seal = await new BatchSigner(stranger).sign(foreign.response.payload);
      const byStranger = verifyEvidence(foreign, { hubKeyId });
      assert.equal(byStranger.failure?.check, 'provider-key');
      assert.match(byStranger.failure!.detail, /is not a key of region 340000/);
      // a wrong --hub-key-id
      assert.equal(verifyEvidence(pkg, { hubKeyId: stranger.keyId }).failure?.check, 'hub-key');
      // a member list of the attacker's own "hub": caught with the published key, and only with it
      const forgedList = signDocument({ ...structuredClone(pkg.memberList.payload), hub: { ...pkg.memberList.payload.hub, keys: [{ keyId: stranger.keyId, suite, publicKey: stranger.publicKeyPem }] } }, stranger);
      const forged = { ...structuredClone(pkg), memberList: forgedList, hubKeyId: stranger.keyId };
      assert.equal(verifyEvidence(forged, { hubKeyId }).failure?.check, 'hub-key');
      const unpinnedForged = verifyEvidence(forged);
      assert.deepEqual([unpinnedForged.ok, unpinnedForged.hubKeyPinned, unpinnedForged.hubKeyId], [true, false, stranger.keyId], 'without the published key id a forger passes: hence exit code 2 and the warning');
      // a list the hub signed in which the provider's key was retired before it sealed
      const retiredEarly = structuredClone(pkg.memberList.payload) as TrustListPayload;
      const ahKey = retiredEarly.members.find((m) => m.regionCode === '340000')!.keys[0]!;
      Object.assign(ahKey, { status: 'retired', retiredAt: new Date(Date.parse(pkg.response.payload.createdAt) - 1000).toISOString() });
      const early = verifyEvidence({ ...structuredClone(pkg), memberList: signDocument(retiredEarly, hubSigner) }, { hubKeyId });
      assert.equal(early.failure?.check, 'provider-key');
      assert.match(early.failure!.detail, /was retired at .*, before it signed at/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await f.close();
    }
  });
}

for (const engine of await engines()) {
  test(`${engine}: who may export (the clerk who made it, an auditor; 404 for another clerk, 401 signed out, 403 without a role), only a completed exchange, and a package made after the provider rotated its key still verifies`, async () => {
    const f = await exchangeFixture(engine, { suite: engine === 'sqlite' ? 'ed25519' : 'sm2-sm3' });
    try {
      const done = await ask(f);
      assert.equal(done.body.exchange.status, 'completed');
      const id: string = done.body.exchange.messageId;
      const hubKeyId = f.hub.server.identity.keyId;

      const otherClerk = await staffSession(f.sh, 'sh-clerk-2', ['clerk']);
      const auditor = await staffSession(f.sh, 'sh-auditor', ['auditor']);
      const admin = await staffSession(f.sh, 'sh-admin', ['admin']);
      const theirs = await download(f, id, otherClerk);
      assert.deepEqual([theirs.status, (theirs.body as { error: { code: string } }).error.code], [404, 'E_NOT_FOUND'], 'another clerk is not told it exists');
      assert.equal((await download(f, '01900000-0000-7000-8000-000000000000', await clerkCookie(f))).status, 404);
      assert.equal((await download(f, id)).status, 401);
      assert.equal((await download(f, id, admin)).status, 403);
      const audited = await download(f, id, auditor);
      assert.equal(audited.status, 200);
      assert.equal(verifyEvidence(audited.body, { hubKeyId }).ok, true);
      // an auditor reads the exchange too (the same rule)
      assert.equal((await fetch(`${f.sh.server.url}/api/exchange/requests/${id}`, { headers: { cookie: auditor } })).status, 200);
      assert.equal((await fetch(`${f.sh.server.url}/api/exchange/requests/${id}`, { headers: { cookie: otherClerk } })).status, 404);
      await f.sh.server.audit.drain();
      const entry = await f.sh.server.store.db.selectFrom('audit_entry').selectAll().where('message_id', '=', id).where('action', '=', 'exchange.evidence.exported').executeTakeFirstOrThrow();
      assert.equal(entry.actor_id, 'sh-auditor');
      assert.equal(JSON.parse(entry.detail!).requestedBy, 'sh-clerk');

      // a refused exchange and one still waiting for a slow source have no package; nothing is audited
      const refused = await f.clerk('/api/exchange/requests', {
        body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: makeIdNumber('340104', '19010101', 7) }, fields: ['name'], purpose },
      });
      assert.equal(refused.body.exchange.status, 'failed');
      const source = slowSource(f);
      const pending = await ask(f, { resource: 'archive.household', fields: ['archiveNo'], reply: 'async' });
      assert.equal(pending.body.exchange.status, 'pending');
      for (const x of [refused.body.exchange, pending.body.exchange]) {
        const r = await f.clerk(`/api/exchange/requests/${x.messageId}/evidence`);
        assert.equal(r.status, 409);
        assert.equal(r.body.error.code, 'E_CONFLICT');
        assert.match(r.body.error.detail, new RegExp(`is ${x.status}: only a completed exchange, with the provider's sealed record, has an evidence package`));
        await f.sh.server.audit.drain();
        const none = await f.sh.server.store.db.selectFrom('audit_entry').select('seq').where('message_id', '=', x.messageId).where('action', '=', 'exchange.evidence.exported').execute();
        assert.equal(none.length, 0);
      }

      // answered later, into 上海's inbox: now it has one
      const delivered = once(f.ah.server.exchange!.outbox, 'delivered');
      source.release({ values: { archiveNo: 'AH-1998-000417' }, dataTime: '2024-03-01T00:00:00.000Z', quality: [] });
      await delivered;
      const later = await f.clerk(`/api/exchange/requests/${pending.body.exchange.messageId}/evidence`);
      assert.equal(later.status, 200, JSON.stringify(later.body));
      assert.equal(verifyEvidence(later.body, { hubKeyId }).ok, true);
      assert.equal((later.body as EvidencePackage).response.payload.conversationId, pending.body.exchange.messageId);

      // 安徽 rotates its key; 上海's member list now holds the old key retired, after the seal
      const before = (await f.clerk(`/api/exchange/requests/${id}/evidence`)).body as EvidencePackage;
      const ah = f.ah.server;
      const rotated = await rotateNodeKey({ identity: ah.identity, dataDir: f.ah.dataDir, regionCode: '340000', hubUrl: f.hub.server.url, logger: ah.logger });
      const version = f.sh.server.federation!.current.trustList!.version;
      await f.sh.server.federation!.syncNow();
      await f.sh.server.federation!.waitFor((s) => (s.trustList?.version ?? 0) > version);
      const after = await f.clerk(`/api/exchange/requests/${id}/evidence`);
      assert.equal(after.status, 200, JSON.stringify(after.body));
      const pkg = after.body as EvidencePackage;
      const oldKey = pkg.memberList.payload.members.find((m) => m.regionCode === '340000')!.keys.find((k) => k.keyId === rotated.oldKeyId)!;
      assert.equal(oldKey.status, 'retired');
      assert.equal(pkg.response.seal.keyId, rotated.oldKeyId);
      const report = verifyEvidence(pkg, { hubKeyId });
      assert.equal(report.ok, true, JSON.stringify(report.failure));
      assert.match(report.checks.find((c) => c.check === 'provider-key')!.detail, /retired .*, after it sealed/);
      assert.equal(verifyEvidence(before, { hubKeyId }).ok, true, 'the package taken before the rotation verifies as it did');
    } finally {
      await f.close();
    }
  });
}

async function clerkCookie(f: ExchangeFixture): Promise<string> {
  const login = await fetch(`${f.sh.server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'sh-clerk', password: 'correct-horse-42' }) });
  return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}
