import { test } from 'node:test';
import { pino } from 'pino';
import assert from 'node:assert/strict';
import { engines } from '../helpers/engines.js';
import { exchangeFixture, purpose } from '../helpers/exchange.js';
import { verifySeal } from '../../src/exchange/seal.js';
import { makeIdNumber } from '../../src/core/ids/index.js';
import type { SealedResponse, SignedRequest } from '../../src/exchange/envelope.js';

for (const engine of await engines()) {
  for (const route of ['direct', 'relay'] as const) {
    test(`${engine}, ${route}: a 上海 clerk fetches an 安徽 citizen's household record, sealed, with provenance, audited on both sides`, async () => {
      const f = await exchangeFixture(engine, { route, suite: engine === 'sqlite' ? 'sm2-sm3' : 'ed25519' });
      try {
        const partners = await f.clerk('/api/exchange/partners');
        assert.equal(partners.status, 200);
        assert.deepEqual(partners.body.partners.map((p: { regionCode: string; route: string }) => [p.regionCode, p.route]), [['340000', route]]);
        const resources = await f.clerk('/api/exchange/partners/340000/resources');
        assert.equal(resources.status, 200);
        const hukou = resources.body.resources.find((r: { id: string }) => r.id === 'hukou.person');
        assert.equal(hukou.department, '安徽省公安厅');

        const res = await f.clerk('/api/exchange/requests', {
          body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name', 'sex', 'birthDate', 'registeredDivision'], purpose },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const x = res.body.exchange;
        assert.equal(x.status, 'completed');
        assert.equal(x.route, route);
        assert.equal(x.result.record.name, f.citizen.name);
        assert.deepEqual(Object.keys(x.result.record).sort(), ['birthDate', 'name', 'registeredDivision', 'sex']);
        assert.match(x.result.record.registeredDivision, /^安徽省/);
        assert.equal(x.result.provenance.department, '安徽省公安厅');
        assert.equal(x.result.provenance.sourceSystem, '人口信息管理系统');
        assert.match(x.result.provenance.dataTime, /^\d{4}-\d{2}-\d{2}T/);
        assert.equal(x.result.seal.verified, true);
        assert.equal(x.result.seal.requestHashMatches, true);
        assert.equal(x.result.seal.signer.regionCode, '340000');
        assert.equal(x.result.seal.keyId, f.ah.server.identity.keyId);
        assert.match(x.subjectMasked, /^\d{4}\*{10}[\dX]{4}$/);

        // the clerk can read it back; both audit logs hold the exchange with a masked subject
        const again = await f.clerk(`/api/exchange/requests/${x.messageId}`);
        assert.equal(again.body.exchange.result.record.name, f.citizen.name);
        const list = await f.clerk('/api/exchange/requests?limit=5');
        assert.equal(list.body.exchanges[0].messageId, x.messageId);
        for (const [node, action] of [[f.sh, 'exchange.request.sent'], [f.ah, 'exchange.request.served']] as const) {
          await node.server.audit.drain?.();
          const rows = await node.server.store.db.selectFrom('audit_entry').selectAll().where('message_id', '=', x.messageId).execute();
          assert.equal(rows.length, 1, `${node.config.region.code} audit`);
          assert.equal(rows[0]!.action, action);
          assert.equal(rows[0]!.outcome, 'ok');
          assert.equal(rows[0]!.subject_masked, x.subjectMasked);
          assert.ok(!JSON.stringify(rows[0]).includes(f.citizen.idNumber), 'no ID number in clear in the audit log');
        }
        // the evidence kept for the case: the signed request and the sealed response as they travelled,
        // each verifiable on its own with the signer's key from the member list
        const evidence = await f.sh.server.store.db.selectFrom('exchange_request').selectAll().where('message_id', '=', x.messageId).executeTakeFirstOrThrow();
        const sealed = JSON.parse(evidence.response!) as SealedResponse;
        const signed = JSON.parse(evidence.request) as SignedRequest;
        assert.ok(verifySeal(sealed.payload, sealed.seal, f.ah.server.identity.publicKeyPem).ok, 'the stored response verifies with 安徽\'s key');
        assert.ok(verifySeal(signed.payload, signed.signature, f.sh.server.identity.publicKeyPem).ok, 'the stored request verifies with 上海\'s key');
        assert.equal(sealed.payload.requestHash, evidence.request_hash);
        assert.equal(sealed.payload.record!.name, f.citizen.name);
        // a purpose at every limit the clerk's API accepts (a 200-character 事项 name, as the catalogue
        // allows) is carried, served and audited on both sides — not refused by an audit log after the read
        if (route === 'direct') {
          const longest = { serviceItem: '跨省通办'.repeat(50), caseId: 'C'.repeat(64), agreementId: 'A'.repeat(64) };
          const long = await f.clerk('/api/exchange/requests', {
            body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name'], purpose: longest },
          });
          assert.equal(long.status, 200, JSON.stringify(long.body));
          assert.equal(long.body.exchange.status, 'completed', JSON.stringify(long.body.exchange.error));
          for (const node of [f.sh, f.ah]) {
            await node.server.audit.drain?.();
            const row = await node.server.store.db.selectFrom('audit_entry').select(['purpose', 'outcome']).where('message_id', '=', long.body.exchange.messageId).executeTakeFirstOrThrow();
            assert.deepEqual([JSON.parse(row.purpose!), row.outcome], [longest, 'ok']);
          }
          const tooLong = await f.clerk('/api/exchange/requests', {
            body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name'], purpose: { ...longest, serviceItem: `${longest.serviceItem}办` } },
          });
          assert.equal(tooLong.status, 400);
          assert.equal(tooLong.body.error.code, 'E_INVALID_REQUEST');
        }
        if (route === 'relay') {
          const relayed = await f.hub.server.store.db.selectFrom('hub_relay_log').selectAll().where('message_id', '=', x.messageId).execute();
          assert.equal(relayed.length, 1);
          assert.equal(relayed[0]!.status, 200);
          assert.equal(relayed[0]!.from_region, '310000');
          assert.ok(!JSON.stringify(relayed[0]).includes(f.citizen.name), 'the relay keeps metadata only');
        }
        assert.equal(x.authorisation, undefined, 'the first was sent on no particular basis');

        // sent on a legal basis (法定依据): the view tells it, fresh and read back
        const statutory = { type: 'statutory', reference: '《中华人民共和国民事诉讼法》第六十七条' };
        const onBasis = await f.clerk('/api/exchange/requests', {
          body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name'], purpose, authorisation: statutory },
        });
        assert.deepEqual(onBasis.body.exchange.authorisation, statutory);
        assert.deepEqual((await f.clerk(`/api/exchange/requests/${onBasis.body.exchange.messageId}`)).body.exchange.authorisation, statutory);
      } finally {
        await f.close();
      }
    });
  }
}

test('an invalid ID number is refused before anything is sent, and neither the answer nor the log quotes its birth date or address code', async () => {
  const lines: string[] = [];
  const shLogger = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
  const f = await exchangeFixture((await engines())[0]!, { shLogger });
  try {
    // a well-formed number whose check digit is right but whose birth date (19990230) does not exist
    const bad = makeIdNumber('340104', '19990230', 123);
    const res = await f.clerk('/api/exchange/requests', {
      body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: bad }, fields: ['name'], purpose },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'E_INVALID_REQUEST');
    assert.match(res.body.error.detail, /subject: not a valid GB 11643 ID number: the birth date does not exist/);
    const logged = lines.join('');
    assert.match(logged, /request refused/);
    for (const part of ['19990230', '1999-02-30', bad, '340104']) {
      assert.ok(!JSON.stringify(res.body).includes(part), `the answer does not quote ${part}`);
      assert.ok(!logged.includes(part), `the log does not quote ${part}`);
    }
    const sent = await f.sh.server.store.db.selectFrom('exchange_request').select('message_id').execute();
    assert.equal(sent.length, 0, 'nothing was recorded or sent');
  } finally {
    await f.close();
  }
});
