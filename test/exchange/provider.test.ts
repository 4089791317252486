// Provider checks that need a controlled member list: an expired list refuses everything; a
// retired key no longer signs; a suspended member is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase } from '../helpers/engines.js';
import { quietLogger } from '../helpers/federation.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { suiteFor, keyIdOf } from '../../src/core/crypto/index.js';
import { makeSigner } from '../../src/core/signed-document.js';
import { Provider } from '../../src/exchange/provider.js';
import { ReplayGuard } from '../../src/exchange/replay.js';
import { BatchSigner } from '../../src/exchange/seal.js';
import { QUALITY_NOTE_MAX, RECORD_VALUE_MAX, assertResponseShape, buildRequestPayload } from '../../src/exchange/envelope.js';
import { ResourceRegistry } from '../../src/adapters/index.js';
import type { AuditEvent as ExchangeAuditEvent } from '../../src/audit/index.js';
import type { TrustListPayload } from '../../src/federation/documents.js';

const ed = suiteFor('ed25519');

test('provider: expired member list, retired key and suspended member are refused', async () => {
  const t = await freshDatabase('sqlite', 'prov');
  const store = await openDatabase<TongbanDB>(t.url);
  try {
    await migrateToLatest(store);
    const requester = makeSigner(ed, ed.generateKeyPair().privateKeyPem);
    const retired = makeSigner(ed, ed.generateKeyPair().privateKeyPem);
    const provider = makeSigner(ed, ed.generateKeyPair().privateKeyPem);
    const key = (s: typeof requester, status: 'active' | 'retired') => ({ keyId: s.keyId, suite: 'ed25519' as const, publicKey: s.publicKeyPem, status, addedAt: '2026-01-01T00:00:00.000Z' });
    let list: TrustListPayload = {
      type: 'tongban.trust-list', formatVersion: 1, version: 3, issuedAt: new Date(Date.now() - 3_600_000).toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      hub: { name: 'h', url: 'http://h', keys: [] },
      members: [
        { regionCode: '310000', name: '上海', endpoint: 'http://sh', status: 'active', keys: [key(requester, 'active'), key(retired, 'retired')] },
        { regionCode: '320000', name: '江苏', endpoint: 'http://js', status: 'suspended', keys: [] },
        { regionCode: '340000', name: '安徽', endpoint: 'http://ah', status: 'active', keys: [key(provider, 'active')] },
      ],
    };
    const events: ExchangeAuditEvent[] = [];
    const resources = new ResourceRegistry();
    resources.register({
      def: { id: 'hukou.person', name: { zh: '户籍', en: 'Hukou' }, department: '安徽省公安厅', sourceSystem: '人口信息管理系统', subjectType: 'citizen', sharing: 'conditional',
        fields: [{ name: 'name', label: { zh: '姓名', en: 'Name' }, type: 'string', sensitivity: 'general' }] },
      adapter: { fetch: async () => ({ values: { name: '张三' }, dataTime: '2024-01-01T00:00:00.000Z', quality: [] }) },
    });
    // a source whose record does not fit an answer as it is: a value too long to carry, long quality notes
    let remarks = 'x'.repeat(RECORD_VALUE_MAX + 1);
    resources.register({
      def: { id: 'archive.note', name: { zh: '档案备注', en: 'Archive notes' }, department: '安'.repeat(190), sourceSystem: '档案数字化系统', subjectType: 'citizen', sharing: 'conditional',
        fields: [{ name: 'remarks', label: { zh: '备注', en: 'Remarks' }, type: 'string', sensitivity: 'general' }] },
      adapter: { fetch: async () => ({ values: { remarks }, dataTime: '2024-01-01T00:00:00.000Z', quality: ['q'.repeat(500), ...Array.from({ length: 80 }, (_, i) => `flag ${i}`)] }) },
    });
    const p = new Provider({
      self: '340000', trustList: () => list, resources, rules: () => [{ from: '*', resources: '*' }],
      sealer: new BatchSigner(provider), replay: new ReplayGuard(store.db, 300_000),
      audit: { append: async (e) => void events.push(e) }, logger: quietLogger(), clockWindowMs: 300_000, syncBudgetMs: 1000,
      conversations: { remember: async () => undefined, answerIn: async () => undefined, answered: () => undefined, unfinished: () => undefined }, // never slow here
    });
    const request = async (signer: typeof requester, from = '310000') => {
      const payload = buildRequestPayload({
        from, to: '340000', user: { id: 'u', name: '王芳', department: 'd', roles: ['clerk'] }, purpose: { serviceItem: 'x', caseId: 'c' },
        subject: { type: 'citizen', id: '11010519491231002X' }, resource: 'hukou.person', fields: ['name'],
      });
      return { payload, signature: await new BatchSigner(signer).sign(payload) };
    };

    const ok = await p.serve(await request(requester));
    assert.equal(ok.status, 200);
    assert.equal(ok.doc.payload.record?.name, '张三');

    // what the provider seals, every requester accepts: a value over the limit is the source's problem
    // (sealed E_SOURCE_UNAVAILABLE naming it, never a cut value); quality notes are shortened and capped
    const archive = async () => {
      const payload = buildRequestPayload({
        from: '310000', to: '340000', user: { id: 'u', name: '王芳', department: 'd', roles: ['clerk'] }, purpose: { serviceItem: 'x', caseId: 'c' },
        subject: { type: 'citizen', id: '11010519491231002X' }, resource: 'archive.note', fields: ['remarks'],
      });
      return p.serve({ payload, signature: await new BatchSigner(requester).sign(payload) });
    };
    const tooLong = await archive();
    assert.equal(tooLong.status, 503);
    assert.equal(tooLong.doc.payload.error!.code, 'E_SOURCE_UNAVAILABLE');
    assert.match(tooLong.doc.payload.error!.detail!, new RegExp(`field remarks holds ${RECORD_VALUE_MAX + 1} characters`));
    assertResponseShape(tooLong.doc);
    remarks = '档'.repeat(RECORD_VALUE_MAX);
    const fits = await archive();
    assert.equal(fits.status, 200);
    assert.equal(fits.doc.payload.record!.remarks, remarks);
    assert.equal(fits.doc.payload.provenance!.quality.length, 64);
    assert.ok(fits.doc.payload.provenance!.quality.every((q) => q.length <= QUALITY_NOTE_MAX));
    assertResponseShape(fits.doc); // what a requester checks first

    const old = await p.serve(await request(retired));
    assert.equal(old.status, 403);
    assert.match(old.doc.payload.error!.detail!, /is retired/);

    const suspended = await p.serve(await request(requester, '320000'));
    assert.equal(suspended.doc.payload.error!.code, 'E_NOT_TRUSTED');
    assert.match(suspended.doc.payload.error!.detail!, /320000 is suspended/);

    list = { ...list, expiresAt: new Date(Date.now() - 1000).toISOString() };
    const expired = await p.serve(await request(requester));
    assert.equal(expired.status, 503);
    assert.equal(expired.doc.payload.error!.code, 'E_TRUST_LIST_EXPIRED');
    assert.equal(events.at(-1)!.action, 'exchange.request.rejected');
    assert.equal(keyIdOf(ed, provider.publicKeyPem), ok.doc.seal.keyId);
  } finally {
    await store.close();
    await t.cleanup();
  }
});
