// Conformance: a node written from docs/PROTOCOL.md alone (./foreign-node.ts, no imports from src/)
// joins a real Tongban federation started by the test harness, exchanges with real Tongban nodes in both
// directions, and meets the documented error vocabulary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exchangeFixture, purpose } from '../helpers/exchange.js';
import { citizenId, ForeignNode, isPlainError, type RequestPayload, type ResourceDefinition, type SealedResponse, type SignedRequest } from './foreign-node.js';
import type { Suite } from './suites.js';

const JS = '320000';
const AH = '340000';
const JS_PERSON = citizenId('32010219850615123');

const resources: ResourceDefinition[] = [
  {
    id: 'shebao.person',
    name: { zh: '社会保险参保信息', en: 'Social insurance enrolment' },
    department: '江苏省人力资源和社会保障厅',
    sourceSystem: '社会保险信息系统',
    subjectType: 'citizen',
    sharing: 'conditional',
    fields: [
      { name: 'name', label: { zh: '姓名', en: 'Name' }, type: 'string', sensitivity: 'general' },
      { name: 'insuredSince', label: { zh: '参保日期', en: 'Insured since' }, type: 'date', sensitivity: 'general' },
      { name: 'monthlyBase', label: { zh: '缴费基数', en: 'Contribution base' }, type: 'number', sensitivity: 'sensitive' },
    ],
    records: new Map([[JS_PERSON, { name: '周敏', insuredSince: '2008-07-01', monthlyBase: 8600 }]]),
    dataTime: '2026-10-01T00:00:00.000Z',
  },
];

for (const suite of ['ed25519', 'sm2-sm3'] as Suite[]) {
  test(`${suite}: a node built from PROTOCOL.md alone joins a Tongban federation and exchanges with its nodes`, async (t) => {
    const f = await exchangeFixture('sqlite', { suite, access: [{ from: ['310000', JS], resources: '*' }] });
    const hubUrl = f.hub.server.url;
    const info = await (await fetch(`${hubUrl}/api/info`)).json() as { keyId: string };
    const js = new ForeignNode({ regionCode: JS, name: '江苏', suite, hubUrl, hubKeyId: info.keyId, allowFrom: ['310000'], resources });
    await js.listen();
    try {
      await t.test('§2.1–§2.3: joins, is approved by the operator API, verifies the member list', async () => {
        const pending = await js.join();
        assert.equal(pending.status, 202, pending.text);
        assert.deepEqual(pending.body, { status: 'pending', regionCode: JS, keyId: js.key.keyId });
        const token = readFileSync(join(f.hub.dataDir, 'operator.token'), 'utf8').trim();
        const approve = await fetch(`${hubUrl}/api/hub/members/${JS}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'conformance' }) });
        assert.equal(approve.status, 200, await approve.text());
        const approved = await js.join();
        assert.equal(approved.status, 200, approved.text);
        assert.deepEqual(approved.body, { status: 'approved', regionCode: JS, keyId: js.key.keyId });
        const list = await js.fetchMemberList();
        assert.deepEqual(list.members.map((m) => m.regionCode), ['310000', JS, '340000']);
        const me = js.member(JS)!;
        assert.equal(me.endpoint, js.endpoint);
        assert.deepEqual(me.keys.map((k) => [k.keyId, k.status]), [[js.key.keyId, 'active']]);
      });

      await t.test('§5.1–§5.3: requests to a real provider, single and batched, verified from the member list', async () => {
        for (const n of [f.ah, f.sh]) {
          await n.server.federation!.syncNow();
          await n.server.federation!.waitFor((s) => (s.trustList?.members.length ?? 0) === 3);
        }
        const fields = ['name', 'sex', 'birthDate'];
        const ask = () => js.newRequest(AH, { resource: 'hukou.person', fields, subject: { type: 'citizen', id: f.citizen.idNumber } });
        const [one] = js.sign([ask()]);
        assert.deepEqual([one!.signature.batch.size, one!.signature.batch.proof], [1, []]);
        const res = await js.send(AH, one);
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(js.checkResponse(one!, res.body), []);
        const p = (res.body as SealedResponse).payload;
        assert.equal(p.status, 'ok');
        assert.equal(p.conversationId, undefined);
        assert.deepEqual(Object.keys(p.record!).sort(), [...fields].sort());
        assert.equal(p.record!.name, f.citizen.name);
        assert.equal(p.provenance!.regionCode, AH);
        assert.equal(p.provenance!.department, '安徽省公安厅');

        // five signed in one turn (one signature, proofs of up to three siblings); three are sent
        const batch = js.sign([ask(), ask(), ask(), ask(), ask()]);
        for (const i of [0, 3, 4]) {
          const r = await js.send(AH, batch[i]);
          assert.equal(r.status, 200, r.text);
          assert.equal(batch[i]!.signature.batch.index, i);
          assert.deepEqual(js.checkResponse(batch[i]!, r.body), []);
          assert.equal((r.body as SealedResponse).payload.record!.name, f.citizen.name);
        }
        // a batch whose tree holds leaves of messages sent elsewhere
        const [lonely] = js.sign([ask()], [Buffer.alloc(32, 7), Buffer.alloc(32, 9)]);
        const r = await js.send(AH, lonely);
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(js.checkResponse(lonely!, r.body), []);
      });

      await t.test('§4, §5.7: refusals come sealed, with the documented status and code', async () => {
        const ask = (o: Partial<RequestPayload> = {}) => js.newRequest(AH, { resource: 'hukou.person', fields: ['name'], subject: { type: 'citizen', id: f.citizen.idNumber }, ...o });
        const refused = async (body: unknown, status: number, code: string, bound?: SignedRequest) => {
          const res = await js.send(AH, body);
          assert.equal(res.status, status, res.text);
          assert.deepEqual(js.checkSeal(AH, res.body), [], res.text);
          const p = (res.body as SealedResponse).payload;
          assert.equal(p.status, 'error');
          assert.equal(p.error!.code, code, res.text);
          assert.equal(p.error!.message, p.error!.messageEn);
          if (bound) assert.deepEqual(js.checkResponse(bound, res.body), []);
          return p;
        };

        // a replayed message id
        const [once] = js.sign([ask()]);
        assert.equal((await js.send(AH, once)).status, 200);
        await refused(once, 409, 'E_REPLAY', once);

        // a bad signature: another root's signature; then a payload changed after signing. Neither uses its id up.
        const [good] = js.sign([ask()]);
        const [other] = js.sign([ask()]);
        await refused({ ...good, signature: { ...good!.signature, value: other!.signature.value } }, 401, 'E_SIGNATURE', good);
        await refused({ ...good, payload: { ...good!.payload, fields: ['name', 'sex'] } }, 401, 'E_SIGNATURE');
        // the same signature bytes spelled otherwise than strict base64 (§1.3): a line break, the URL-safe
        // alphabet, no padding
        const v = good!.signature.value;
        const spellings = [`${v.slice(0, 40)}\n${v.slice(40)}`, v.replace(/\+/g, '-').replace(/\//g, '_'), v.replace(/=+$/, '')].filter((x) => x !== v);
        for (const value of spellings) {
          assert.ok(Buffer.from(value, 'base64').equals(Buffer.from(v, 'base64')), 'a lenient decoder reads the same bytes');
          await refused({ ...good, signature: { ...good!.signature, value } }, 401, 'E_SIGNATURE', good);
        }
        assert.equal((await js.send(AH, good)).status, 200, 'an id refused before its claim is not used up');

        // a clock outside the window (default ±300 s), also not using the id up
        const late = ask({ createdAt: new Date(Date.now() - 10 * 60_000).toISOString() });
        const [stale] = js.sign([late]);
        await refused(stale, 401, 'E_CLOCK_SKEW', stale);
        const [fresh] = js.sign([{ ...late, createdAt: new Date().toISOString() }]);
        assert.equal((await js.send(AH, fresh)).status, 200);

        // an unknown field: in the payload, in a nested object, in the signature — refused before anything is read
        for (const mutate of [
          (x: SignedRequest) => ({ ...x, payload: { ...x.payload, extra: 1 } }),
          (x: SignedRequest) => ({ ...x, payload: { ...x.payload, subject: { ...x.payload.subject, name: '张三' } } }),
          (x: SignedRequest) => ({ ...x, signature: { ...x.signature, extra: 'x' } }),
          (x: SignedRequest) => ({ ...x, extra: true }),
        ]) {
          const [signed] = js.sign([ask()]);
          const body = mutate(signed!);
          // sign what is sent, so that only the shape is wrong
          const p = await refused(body, 400, 'E_INVALID_REQUEST');
          assert.deepEqual([p.inReplyTo, p.requestHash, p.to], [null, null, null]);
          assert.equal((await js.send(AH, signed)).status, 200, 'a shape refusal does not use the id up');
        }

        // not the addressee; a key that is not on the member list
        const [elsewhere] = js.sign([ask({ to: '310000' })]);
        await refused(elsewhere, 400, 'E_INVALID_REQUEST');
        const stranger = new ForeignNode({ regionCode: JS, name: '江苏', suite, hubUrl, hubKeyId: info.keyId });
        stranger.memberList = js.memberList;
        const [forged] = stranger.sign([ask()]);
        await refused(forged, 403, 'E_NOT_TRUSTED', forged);

        // an unknown resource passes the claim: its id is used up
        const [unknown] = js.sign([ask({ resource: 'no.such.resource' })]);
        await refused(unknown, 400, 'E_INVALID_REQUEST', unknown);
        await refused(unknown, 409, 'E_REPLAY', unknown);
        // an unknown field of the resource: named in error.fields
        const [field] = js.sign([ask({ fields: ['name', 'favouriteColour'] })]);
        const pf = await refused(field, 400, 'E_INVALID_REQUEST', field);
        assert.deepEqual(pf.error!.fields, ['favouriteColour']);
        // a subject the provider does not hold
        const [nobody] = js.sign([ask({ subject: { type: 'citizen', id: citizenId('34010419000101999') } })]);
        await refused(nobody, 404, 'E_SUBJECT_NOT_FOUND', nobody);

        // JSON with a lone surrogate has no canonical form; a body that is not JSON gets the plain §4 body
        const [lone] = js.sign([ask()]);
        const text = JSON.stringify(lone).replace('"李明"', '"\\ud800"');
        const surrogate = await js.send(AH, text);
        assert.equal(surrogate.status, 400, surrogate.text);
        assert.deepEqual(js.checkSeal(AH, surrogate.body), [], 'refused sealed, as a request that could not be read');
        assert.deepEqual([surrogate.body.payload.error.code, surrogate.body.payload.inReplyTo], ['E_INVALID_REQUEST', null]);
        for (const [lang, message] of [['en-GB', 'The request is malformed or invalid'], ['zh-CN', '请求格式或内容无效']]) {
          const garbage = await js.send(AH, '{"payload": ', { 'accept-language': lang! });
          assert.equal(garbage.status, 400);
          assert.equal(isPlainError(garbage.body, 'body'), undefined, garbage.text);
          assert.deepEqual([garbage.body.error.code, garbage.body.error.message], ['E_INVALID_REQUEST', message]);
        }
      });

      await t.test('§5.1–§5.5 as provider: a real Tongban requester accepts this node’s sealed answers', async () => {
        const asked = (fields: string[], idNumber = JS_PERSON) =>
          f.clerk('/api/exchange/requests', { body: { target: JS, resource: 'shebao.person', subject: { type: 'citizen', idNumber }, fields, purpose } });
        const res = await asked(['name', 'insuredSince']);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const x = res.body.exchange;
        assert.equal(x.status, 'completed', JSON.stringify(x));
        assert.deepEqual(x.result.record, { name: '周敏', insuredSince: '2008-07-01' });
        assert.equal(x.result.seal.verified, true);
        assert.equal(x.result.seal.requestHashMatches, true);
        assert.equal(x.result.seal.signer.regionCode, JS);
        assert.equal(x.result.seal.keyId, js.key.keyId);
        const served = js.served.at(-1)!;
        assert.deepEqual([served.status, served.verifiedSender], [200, '310000'], 'this node verified the real node\'s request');

        // a seal shared with four other messages: the real requester folds a proof of three siblings
        js.sealBatchPadding = 4;
        const batched = await asked(['name']);
        assert.equal(batched.body.exchange?.status, 'completed', JSON.stringify(batched.body));
        assert.equal(js.served.at(-1)!.response!.seal.batch.proof.length, 3);
        js.sealBatchPadding = 0;

        // refusals, sealed by this node, reach the clerk with their code (and the fields they concern)
        const nobody = await asked(['name'], citizenId('32010219850615456'));
        assert.equal(nobody.body.exchange?.status, 'failed', JSON.stringify(nobody.body));
        assert.equal(nobody.body.exchange.error.code, 'E_SUBJECT_NOT_FOUND');
        assert.equal(js.served.at(-1)!.status, 404);
        const sensitive = await asked(['name', 'monthlyBase']);
        assert.equal(sensitive.body.exchange?.status, 'failed', JSON.stringify(sensitive.body));
        assert.deepEqual([sensitive.body.exchange.error.code, sensitive.body.exchange.error.fields], ['E_NEEDS_AUTHORISATION', ['monthlyBase']]);
        assert.equal(js.served.at(-1)!.status, 403);
      });
    } finally {
      await js.close();
      await f.close();
    }
  });
}
