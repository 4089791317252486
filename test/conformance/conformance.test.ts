// Conformance: a node written from docs/PROTOCOL.md alone (./foreign-node.ts and its modules, nothing
// imported from src/) joins a real Tongban federation started by the test harness, exchanges with real
// Tongban nodes in both directions, and meets the documented error vocabulary. The harness drives the real
// servers only where a test must not wait on their timers: it makes them fetch the member list now
// (federation.syncNow) and their outbox deliver now (outbox.retryNow); everything the foreign node does
// goes over HTTP as PROTOCOL.md describes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { join } from 'node:path';
import { exchangeFixture, purpose } from '../helpers/exchange.js';
import { staffSession } from '../helpers/federation.js';
import { citizenId, ForeignNode, isPlainError, signDocument, type HttpResult, type RequestPayload, type ResourceDefinition, type SealedResponse, type SignedRequest } from './foreign-node.js';
import { digest, generateSigningKey, sm2KeyFromPkcs8, sm2Z, verifySignature, type Suite } from './suites.js';
import { canonicalText } from './canonical.js';
import { leafOf, signBatch, verifyBatchSignature } from './merkle.js';
import { resourceList } from './shape.js';
import { AuditLog, checkAnchor, checkPage, directoryDigest, publication, verifyCheckpointSignature } from './records.js';

const JS = '320000';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever JSON comes back
const jsonOf = async (r: Response): Promise<any> => r.json();
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
  {
    id: 'gongjijin.account',
    name: { zh: '住房公积金账户', en: 'Housing provident fund account' },
    department: '江苏省住房公积金管理中心',
    sourceSystem: '公积金业务系统',
    subjectType: 'citizen',
    sharing: 'conditional',
    fields: [{ name: 'balance', label: { zh: '账户余额', en: 'Balance' }, type: 'number', sensitivity: 'general' }],
    records: new Map([[JS_PERSON, { balance: 52_340.5 }]]),
    dataTime: '2026-11-01T00:00:00.000Z',
    slow: true,
  },
];

test('the foreign node’s own primitives: RFC 8785, RFC 9162 proofs, SM2 with Z_A as §1.3 describes', () => {
  // RFC 8785 §3.2.2 and §3.2.3's examples
  const parsed = JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}');
  assert.equal(canonicalText(parsed), '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  const keys = ['\u20ac', '\r', '\ufb33', '1', '\ud83d\ude00', '\u0080', '\u00f6'];
  const sorted = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
  assert.equal(canonicalText(Object.fromEntries(keys.map((k) => [k, 0]))), `{${sorted.map((k) => `${JSON.stringify(k)}:0`).join(',')}}`);
  assert.throws(() => canonicalText({ x: '\ud800' }), /lone surrogate/);

  // RFC 9162: every leaf of trees of 1–20 leaves proves inclusion, and no other index does
  for (const suite of ['ed25519', 'sm2-sm3'] as Suite[]) {
    const key = generateSigningKey(suite);
    // SM2 verification in BigInt arithmetic is slow: its trees stay small
    for (const n of suite === 'ed25519' ? Array.from({ length: 20 }, (_, i) => i + 1) : [1, 2, 3, 5]) {
      const payloads = Array.from({ length: n }, (_, i) => ({ i }));
      const sigs = signBatch(key, payloads);
      sigs.forEach((sig, i) => {
        assert.deepEqual(verifyBatchSignature(payloads[i], sig, key.publicKeyPem), { ok: true }, `${suite} ${i} of ${n}`);
        if (n > 1) assert.equal(verifyBatchSignature(payloads[i], { ...sig, batch: { ...sig.batch, index: (i + 1) % n } }, key.publicKeyPem).ok, false);
      });
    }
    // size 3 by hand: root = H(0x01 ‖ H(0x01 ‖ l0 ‖ l1) ‖ l2)
    const [l0, l1, l2] = [0, 1, 2].map((i) => leafOf(suite, { i }));
    const three = signBatch(key, [{ i: 0 }, { i: 1 }, { i: 2 }]);
    const h = (...p: Buffer[]) => digest(suite, Buffer.from([1]), ...p);
    assert.equal(three[0]!.batch.root, h(h(l0!, l1!), l2!).toString('hex'));
    assert.deepEqual(three[2]!.batch.proof, [h(l0!, l1!).toString('hex')]);
  }

  // SM2: this implementation's signatures and node:crypto's streaming signer fed Z_A ‖ M agree both ways;
  // the one-shot signer (an empty distinguishing ID) does not
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const ours = sm2KeyFromPkcs8(pem);
  const openssl = createPrivateKey(pem);
  const message = Buffer.from('{"type":"tongban.exchange.request"}');
  const za = sm2Z(ours.publicKeyPem);
  const theirs = createSign('SM3').update(za).update(message).sign(openssl);
  assert.equal(verifySignature('sm2-sm3', ours.publicKeyPem, message, theirs), true);
  assert.equal(createVerify('SM3').update(za).update(message).verify(createPublicKey(ours.publicKeyPem), ours.sign(message)), true);
  assert.equal(verifySignature('sm2-sm3', ours.publicKeyPem, message, sign('sm3', message, openssl)), false);
  // …and neither is a key object straight from generateKeyPairSync (an `ec` key: ECDSA), even streamed
  assert.equal(verifySignature('sm2-sm3', ours.publicKeyPem, message, createSign('SM3').update(za).update(message).sign(privateKey)), false);
});

// [the real servers' suite, the foreign node's]: SM2 throughout, and both mixed federations, so that each
// suite is verified by Tongban and by the foreign node, and a request hash follows the provider's suite
const matrix: Array<[Suite, Suite]> = [['sm2-sm3', 'sm2-sm3'], ['ed25519', 'sm2-sm3'], ['sm2-sm3', 'ed25519']];

for (const [federation, suite] of matrix) {
  test(`a ${suite} node built from PROTOCOL.md alone joins a ${federation} Tongban federation and exchanges with its nodes`, async (t) => {
    const f = await exchangeFixture('sqlite', { suite: federation, access: [{ from: ['310000', JS], resources: '*' }] });
    const hubUrl = f.hub.server.url;
    // the hub key id, published by the hub operator out of band (OPERATIONS §3), pinned by the foreign node
    const info = await (await fetch(`${hubUrl}/api/info`)).json() as { keyId: string };
    assert.equal(info.keyId, f.hub.server.identity.keyId);
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

      await t.test('§2.1–§2.3: the join table, the operator API and the member list’s ETag', async () => {
        const token = readFileSync(join(f.hub.dataDir, 'operator.token'), 'utf8').trim();
        const operator = (path: string, body?: unknown, auth = `Bearer ${token}`) =>
          fetch(`${hubUrl}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        const code = async (r: HttpResult | Response) => {
          const body = r instanceof Response ? await r.json() : r.body;
          assert.equal(isPlainError(body, 'body'), undefined, JSON.stringify(body));
          return [r.status, body.error.code];
        };
        const before = await js.fetchMemberList();

        // an approved member asking for another endpoint waits for the operator; asking with the approved one withdraws it
        const moved = await js.join({ endpoint: 'http://127.0.0.1:9' });
        assert.deepEqual([moved.status, moved.body], [200, { status: 'approved', regionCode: JS, keyId: js.key.keyId, changePending: true }]);
        const back = await js.join();
        assert.deepEqual([back.status, back.body], [200, { status: 'approved', regionCode: JS, keyId: js.key.keyId }]);
        // again, and the operator refuses the change (a reason is required); the member list keeps the approved endpoint
        assert.equal((await js.join({ endpoint: 'http://127.0.0.1:9' })).body.changePending, true);
        assert.deepEqual(await code(await operator(`/api/hub/members/${JS}/reject-change`, {})), [400, 'E_INVALID_REQUEST']);
        assert.equal((await operator(`/api/hub/members/${JS}/reject-change`, { reason: 'address not confirmed' })).status, 200);
        assert.deepEqual((await js.join()).body, { status: 'approved', regionCode: JS, keyId: js.key.keyId });
        assert.deepEqual(await code(await operator('/api/hub/members/330000/approve', {})), [404, 'E_NOT_FOUND']);

        const other = generateSigningKey(suite);
        const asOther = (over: Record<string, unknown> = {}) => js.join({ key: { keyId: other.keyId, suite: other.suite, publicKey: other.publicKeyPem }, ...over }, other);
        assert.deepEqual(await code(await asOther()), [409, 'E_REGION_TAKEN']);
        assert.deepEqual(await code(await js.join({ regionCode: '330000', name: '浙江' })), [409, 'E_CONFLICT']);
        assert.deepEqual(await code(await asOther({ regionCode: '330000', requestedAt: new Date(Date.now() - 6 * 60_000).toISOString() })), [401, 'E_CLOCK_SKEW']);
        for (const over of [{ endpoint: `${js.endpoint}/` }, { endpoint: js.endpoint.replace('http', 'HTTP') }, { regionCode: '000000' }, { regionCode: '999999' }, { nonce: 'short' }]) {
          assert.deepEqual(await code(await asOther({ regionCode: '330000', ...over })), [400, 'E_INVALID_REQUEST'], JSON.stringify(over));
        }
        // announcing one key and signing with another; a signature that does not verify; another member at the top
        const announced = { keyId: other.keyId, suite: other.suite, publicKey: other.publicKeyPem };
        const byMe = signDocument(js.key, js.joinPayload({ regionCode: '330000', key: announced }));
        const post = (doc: unknown) => fetch(`${hubUrl}/api/hub/members/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
        assert.deepEqual(await code(await post(byMe)), [403, 'E_NOT_TRUSTED']);
        const forged = { ...byMe, signature: { ...byMe.signature, keyId: other.keyId, suite: other.suite } };
        assert.deepEqual(await code(await post(forged)), [401, 'E_SIGNATURE']);
        const honest = signDocument(other, js.joinPayload({ regionCode: '330000', key: announced }));
        assert.deepEqual(await code(await post({ ...honest, note: 'x' })), [400, 'E_INVALID_REQUEST']);
        assert.deepEqual(await code(await post({ ...honest, signature: { ...honest.signature, note: 'x' } })), [400, 'E_INVALID_REQUEST']);

        // §2.2: a transition the table does not allow; no operator token
        assert.deepEqual(await code(await operator(`/api/hub/members/${JS}/approve`, {})), [409, 'E_CONFLICT']);
        assert.deepEqual(await code(await operator(`/api/hub/members/${JS}/suspend`, {}, 'Bearer not-the-token')), [401, 'E_UNAUTHENTICATED']);
        assert.deepEqual(await code(await operator(`/api/hub/members/${JS}/reject`, {})), [400, 'E_INVALID_REQUEST'], 'reject needs a reason');
        const history = await operator(`/api/hub/members/${JS}`);
        assert.equal(history.status, 200);

        // every refusal left the records as they were: the member list has not changed
        const after = await js.fetchMemberList();
        assert.equal(after.version, before.version);
        assert.deepEqual(after.members, before.members);

        // §2.3: ETag and If-None-Match
        const first = await fetch(`${hubUrl}/api/hub/trust-list`);
        const etag = first.headers.get('etag');
        assert.ok(etag, 'the member list carries an ETag');
        const again = await fetch(`${hubUrl}/api/hub/trust-list`, { headers: { 'if-none-match': etag } });
        assert.equal(again.status, 304);
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
        assert.match(p.record!.birthDate as string, /^\d{4}-\d{2}-\d{2}$/, 'a date field as §5.5 says');
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

      await t.test('§1.1, §5.1, §5.2: the limits and forms of a request, as the provider reads them', async () => {
        const ask = (o: Partial<RequestPayload> = {}) => js.newRequest(AH, { resource: 'hukou.person', fields: ['name'], subject: { type: 'citizen', id: f.citizen.idNumber }, ...o });
        const status = async (payload: RequestPayload) => {
          const [signed] = js.sign([payload]);
          const r = await js.send(AH, signed);
          return [r.status, r.body?.payload?.error?.code ?? r.body?.error?.code];
        };
        const now = new Date().toISOString();
        // accepted: six fractional digits or none, no roles, lengths counted in code points, an authorisation with its time, an agreement
        assert.deepEqual(await status(ask({ createdAt: now.replace('Z', '456Z') })), [200, undefined]);
        assert.deepEqual(await status(ask({ createdAt: now.replace(/\.\d+Z$/, 'Z') })), [200, undefined]);
        assert.deepEqual(await status(ask({ user: { id: 'x', name: '𠀀'.repeat(64), department: 'd', roles: [] } })), [200, undefined]);
        assert.deepEqual(await status(ask({ authorisation: { type: 'citizen-consent', reference: 'SQ-1', grantedAt: now }, purpose: { serviceItem: 's', caseId: 'c', agreementId: 'a' } })), [200, undefined]);
        // refused at step 1
        for (const bad of [
          ask({ user: { id: 'x', name: '𠀀'.repeat(65), department: 'd', roles: [] } }),
          ask({ messageId: randomUUID().toUpperCase() }),
          ask({ createdAt: now.replace('Z', '+00:00') }),
          ask({ createdAt: now.replace('Z', '4567Z') }),
          ask({ fields: ['name', 'name'] }),
          ask({ fields: [] }),
          ask({ subject: { type: 'citizen', id: '3401-0419900101123' } }),
          { ...ask(), reply: undefined } as unknown as RequestPayload,
          { ...ask(), formatVersion: 2 } as unknown as RequestPayload,
        ]) {
          assert.deepEqual(await status(JSON.parse(JSON.stringify(bad))), [400, 'E_INVALID_REQUEST'], JSON.stringify(bad));
        }
        // plain §4 bodies: over 256 KiB, an unknown path; text/plain is taken as a string and refused sealed
        const [big] = js.sign([ask()]);
        const huge = await js.send(AH, { ...big, padding: 'x'.repeat(300 * 1024) });
        assert.deepEqual([huge.status, huge.body?.error?.code], [413, 'E_PAYLOAD_TOO_LARGE'], huge.text.slice(0, 300));
        const nowhere = await fetch(`${js.member(AH)!.endpoint}/api/exchange/v1/nothing`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        assert.deepEqual([nowhere.status, ((await nowhere.json()) as { error: { code: string } }).error.code], [404, 'E_NOT_FOUND']);
        const text = await fetch(`${js.member(AH)!.endpoint}/api/exchange/v1/requests`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(big) });
        const textBody = await text.json();
        assert.equal(text.status, 400);
        assert.deepEqual(js.checkSeal(AH, textBody), [], JSON.stringify(textBody));
        // JSON that is not an exchange request is refused sealed; an empty body or another media type, plain
        const post = (body: string, type: string) => fetch(`${js.member(AH)!.endpoint}/api/exchange/v1/requests`, { method: 'POST', headers: { 'content-type': type }, body });
        for (const json of ['{}', '[]', 'null', '"x"']) {
          const r = await post(json, 'application/json');
          const b = await jsonOf(r);
          assert.deepEqual([r.status, js.checkSeal(AH, b), b.payload.error.code, b.payload.inReplyTo], [400, [], 'E_INVALID_REQUEST', null], json);
        }
        for (const [body, type] of [['', 'application/json'], [JSON.stringify(big), 'application/xml']]) {
          const r = await post(body!, type!);
          const b = await jsonOf(r);
          assert.deepEqual([r.status, isPlainError(b, 'body'), b.error.code], [400, undefined, 'E_INVALID_REQUEST'], `${type}: ${JSON.stringify(b)}`);
        }
        // §2.1: the join request's payload is open (§1.4 leaves it to each document): another member is ignored
        const extra = await js.join({ colour: 'blue' });
        assert.deepEqual([extra.status, extra.body.status], [200, 'approved'], extra.text);
      });

      await t.test('§5.5, §5.6: the provider’s resource list; a request through the hub’s relay', async () => {
        const list = await fetch(`${js.member(AH)!.endpoint}/api/exchange/v1/resources`);
        assert.equal(list.status, 200);
        const body = await list.json();
        assert.equal(resourceList(body, 'resources'), undefined, JSON.stringify(body).slice(0, 2000));
        const hukou = (body as { resources: Array<{ id: string; subjectType: string; fields: Array<{ name: string }> }> }).resources.find((r) => r.id === 'hukou.person')!;
        assert.equal(hukou.subjectType, 'citizen');
        assert.ok(['name', 'sex', 'birthDate'].every((n) => hukou.fields.some((x) => x.name === n)));

        // §5.6: the same request through POST {hub}/api/relay/v1/{to}/requests, bytes unchanged both ways
        const [viaHub] = js.sign([js.newRequest(AH, { resource: 'hukou.person', fields: ['name'], subject: { type: 'citizen', id: f.citizen.idNumber } })]);
        const relayed = await fetch(`${hubUrl}/api/relay/v1/${AH}/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(viaHub) });
        const answer = await relayed.json();
        assert.equal(relayed.status, 200, JSON.stringify(answer));
        assert.deepEqual(js.checkResponse(viaHub!, answer), []);
        // the relay carries a message only to its addressee; its refusals are plain §4 bodies
        const [misdirected] = js.sign([js.newRequest('310000', { resource: 'hukou.person', fields: ['name'], subject: { type: 'citizen', id: f.citizen.idNumber } })]);
        const refused = await fetch(`${hubUrl}/api/relay/v1/${AH}/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(misdirected) });
        const plain = (await refused.json()) as { error: { code: string } };
        assert.equal(isPlainError(plain, 'body'), undefined, JSON.stringify(plain));
        assert.deepEqual([refused.status, plain.error.code], [400, 'E_INVALID_REQUEST']);
        const unknown = await fetch(`${hubUrl}/api/relay/v1/${AH}/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(new ForeignNode({ regionCode: JS, name: '江苏', suite, hubUrl, hubKeyId: info.keyId }).sign([viaHub!.payload])[0]) });
        assert.deepEqual([unknown.status, (await jsonOf(unknown)).error.code], [403, 'E_NOT_TRUSTED'], 'a key that is not an active key of payload.from');
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
        const misaddressed = await refused(elsewhere, 400, 'E_INVALID_REQUEST');
        assert.deepEqual([misaddressed.inReplyTo, misaddressed.to], [elsewhere!.payload.messageId, JS], 'past step 1 the answer is bound to the request');
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

      await t.test('§5.4 both ways: a real provider delivers into this node’s inbox; this node delivers into a real requester’s', async () => {
        // as requester: reply.mode async → 202 accepted, then the sealed answer arrives at POST {endpoint}/api/exchange/v1/inbox
        const [later] = js.sign([js.newRequest(AH, { resource: 'hukou.person', fields: ['name', 'sex'], subject: { type: 'citizen', id: f.citizen.idNumber }, reply: { mode: 'async' } })]);
        const delivered = js.nextDelivery();
        const accepted = await js.send(AH, later);
        assert.equal(accepted.status, 202, accepted.text);
        assert.deepEqual(js.checkResponse(later!, accepted.body), []);
        assert.deepEqual([accepted.body.payload.status, accepted.body.payload.conversationId], ['accepted', later!.payload.messageId]);
        await f.ah.server.exchange!.outbox.retryNow();
        const answer = await delivered;
        assert.deepEqual(js.checkResponse(later!, answer), []);
        assert.deepEqual([answer.payload.status, answer.payload.conversationId, answer.payload.record!.name], ['ok', later!.payload.messageId, f.citizen.name]);

        // as provider: a slow source answers 202, and the answer is delivered later into 上海's inbox
        const res = await f.clerk('/api/exchange/requests', { body: { target: JS, resource: 'gongjijin.account', subject: { type: 'citizen', idNumber: JS_PERSON }, fields: ['balance'], purpose } });
        assert.deepEqual([res.status, res.body.exchange?.status], [202, 'pending'], JSON.stringify(res.body));
        assert.equal(js.served.at(-1)!.status, 202);
        const id = js.openConversations.at(-1)!;
        const request = (js.served.at(-1)!.request as SignedRequest).payload;
        const inbox = (body: unknown) => fetch(`${js.member('310000')!.endpoint}/api/exchange/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const codeOf = async (r: Response | HttpResult) => {
          const body = r instanceof Response ? await r.json() : r.body;
          return [r.status, body?.error?.code];
        };
        // refused for good (§5.4: only for a delivery it will never accept): a record changed under the seal,
        // a sealed answer bound to another request, a synchronous answer
        assert.deepEqual(await codeOf(await js.deliver(id, (a) => ({ ...a, payload: { ...a.payload, record: { balance: 1 } } }))), [401, 'E_SIGNATURE']);
        assert.deepEqual(await codeOf(await js.deliver(id, (a) => js.sealFor({ ...request, fields: ['name'] }, { status: a.payload.status, resource: a.payload.resource, record: a.payload.record, provenance: a.payload.provenance, conversationId: id }))), [401, 'E_SIGNATURE']);
        const sync = js.sealFor(request, { status: 'error', error: { code: 'E_SUBJECT_NOT_FOUND', message: 'No record of this subject', messageZh: '未找到该数据主体的记录', messageEn: 'No record of this subject' } });
        assert.deepEqual(await codeOf(await inbox(sync)), [400, 'E_INVALID_REQUEST']);
        // an answer to a request 上海 never sent: 404, which the provider retries
        const never = randomUUID();
        assert.deepEqual(await codeOf(await inbox(js.sealFor({ ...request, messageId: never }, { status: 'ok', record: { balance: 1 }, conversationId: never }))), [404, 'E_NOT_FOUND']);

        const ok = await js.deliver(id);
        assert.deepEqual([ok.status, ok.body], [200, { received: true, duplicate: false }], ok.text);
        const shown = await f.clerk(`/api/exchange/requests/${id}`);
        assert.equal(shown.body.exchange.status, 'completed', JSON.stringify(shown.body));
        assert.deepEqual(shown.body.exchange.result.record, { balance: 52_340.5 });
        assert.equal(shown.body.exchange.result.seal.verified, true);
        // the same delivery again: a duplicate; another final answer: acknowledged, not applied
        const again = await inbox(ok.sent);
        assert.deepEqual([again.status, await again.json()], [200, { received: true, duplicate: true }]);
        const second = js.sealFor(request, { status: 'ok', resource: 'gongjijin.account', record: { balance: 1 }, conversationId: id, provenance: (ok.sent as SealedResponse).payload.provenance! });
        const other = await inbox(second);
        assert.deepEqual([other.status, await other.json()], [200, { received: true, duplicate: false }]);
        assert.deepEqual((await f.clerk(`/api/exchange/requests/${id}`)).body.exchange.result.record, { balance: 52_340.5 });
      });

      await t.test('§6: this node’s hash-chained log, anchored at the hub; the countersignature verified', async () => {
        const log = new AuditLog(js.key);
        log.append({ category: 'membership', action: 'key.generated', actor_type: 'system', actor_id: 'js-node' });
        log.append({ category: 'exchange', action: 'exchange.request.sent', actor_type: 'user', actor_id: 'js-clerk', actor_region: JS, counterparty: AH, resource: 'hukou.person', fields: '["name"]' });
        log.append({ category: 'exchange', action: 'exchange.request.served', actor_type: 'node', actor_id: '310000', outcome: 'refused', error_code: 'E_SUBJECT_NOT_FOUND' });
        const anchors = (doc: unknown) => fetch(`${hubUrl}/api/hub/audit/anchors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
        const checkpoint = log.checkpoint(JS);
        const first = await anchors(checkpoint);
        const firstBody = await jsonOf(first);
        assert.equal(first.status, 201, JSON.stringify(firstBody));
        assert.deepEqual(checkAnchor(js, checkpoint, firstBody.anchor), []);
        // the same checkpoint again: the same anchor; the same head re-signed: a fresh anchor for it
        const again = await anchors(checkpoint);
        assert.deepEqual([again.status, await jsonOf(again)], [200, firstBody]);
        const resigned = log.checkpoint(JS, new Date(Date.now() + 1000).toISOString());
        const fresh = await anchors(resigned);
        const freshBody = await jsonOf(fresh);
        assert.equal(fresh.status, 200, JSON.stringify(freshBody));
        assert.deepEqual(checkAnchor(js, resigned, freshBody.anchor), []);
        // another head for a recorded seq: the log was rewritten
        const rewritten = signDocument(js.key, { ...checkpoint.payload, headHash: 'f'.repeat(64) });
        assert.deepEqual([(await anchors(rewritten)).status], [409]);
        // refusals: an algorithm not the key's suite's, a checkpoint from the future, a signature that does not verify
        const code = async (r: Response) => [r.status, (await jsonOf(r)).error?.code];
        const wrongAlg = signDocument(js.key, { ...checkpoint.payload, seq: 2, headHash: log.entries[1]!.hash, count: 2, algorithm: suite === 'ed25519' ? 'sm3' : 'sha256' });
        assert.deepEqual(await code(await anchors(wrongAlg)), [400, 'E_INVALID_REQUEST']);
        const future = signDocument(js.key, { ...checkpoint.payload, seq: 2, headHash: log.entries[1]!.hash, count: 2, at: new Date(Date.now() + 10 * 60_000).toISOString() });
        assert.deepEqual(await code(await anchors(future)), [401, 'E_CLOCK_SKEW']);
        const forged = { ...checkpoint, payload: { ...checkpoint.payload, seq: 2, headHash: log.entries[1]!.hash, count: 2 } };
        assert.deepEqual(await code(await anchors(forged)), [401, 'E_SIGNATURE']);
        // §6.5: what the hub holds, readable by anyone, each anchor's two signatures checked here
        const read = await jsonOf(await fetch(`${hubUrl}/api/hub/audit/anchors/${JS}?after=0&limit=10`));
        assert.equal(read.regionCode, JS);
        assert.deepEqual(read.anchors.map((a: { seq: number; headHash: string }) => [a.seq, a.headHash]), [[3, log.entries[2]!.hash]]);
        const held = read.anchors[0];
        assert.deepEqual(checkAnchor(js, held.checkpoint, held.countersignature), []);
        assert.equal(verifyCheckpointSignature(js, held.checkpoint), true);
      });

      await t.test('§7: this node publishes its catalog; the hub’s signed directory pages carry it', async () => {
        const entry = (id: string, name: string) => ({ kind: 'resource' as const, id, content: { id, status: 'published', name: { zh: name }, department: { name: '江苏省人力资源和社会保障厅' }, sharing: { type: 'conditional' } } });
        const entries = [entry('shebao.person', '社会保险参保信息'), entry('gongjijin.account', '住房公积金账户')];
        const publish = (doc: unknown) => fetch(`${hubUrl}/api/hub/directory/publications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
        const first = await publish(publication(js, 1, entries));
        const firstBody = await jsonOf(first);
        assert.equal(first.status, 201, JSON.stringify(firstBody));
        assert.deepEqual({ ...firstBody, head: undefined }, { regionCode: JS, sequence: 1, accepted: true, added: 2, updated: 0, withdrawn: 0, unchanged: 0, head: undefined });
        const retry = await publish(publication(js, 1, entries));
        assert.deepEqual([retry.status, (await jsonOf(retry)).accepted], [200, false]);
        const changed = await publish(publication(js, 1, entries.slice(0, 1)));
        assert.deepEqual([changed.status, (await jsonOf(changed)).error.code], [409, 'E_CONFLICT']);
        const second = await publish(publication(js, 2, entries.slice(0, 1)));
        const secondBody = await jsonOf(second);
        assert.deepEqual([second.status, secondBody.withdrawn, secondBody.unchanged], [201, 1, 1], JSON.stringify(secondBody));
        const held = await jsonOf(await fetch(`${hubUrl}/api/hub/directory/publications/${JS}`));
        assert.deepEqual([held.sequence, held.entries, held.entriesDigest], [2, 1, directoryDigest(entries.slice(0, 1))]);

        // the whole directory in one page from 0 leaves tombstones out; page by page (limit 4) later pages
        // may carry them, and applying each page as §7.3 says ends at the same copy
        const whole = await jsonOf(await fetch(`${hubUrl}/api/hub/directory?since=0`));
        assert.deepEqual(checkPage(js, 0, whole), []);
        assert.equal(whole.payload.more, false);
        const ids = (entries: Array<{ region: { code: string }; id: string; deleted?: true }>) => entries.filter((e) => e.region.code === JS).map((e) => [e.id, e.deleted ?? false]);
        assert.deepEqual(ids(whole.payload.entries), [['shebao.person', false]]);
        const copy = new Map<string, unknown>();
        let since = 0;
        let pages = 0;
        for (; ; pages++) {
          const page = await jsonOf(await fetch(`${hubUrl}/api/hub/directory?since=${since}&limit=4`));
          assert.deepEqual(checkPage(js, since, page), [], JSON.stringify(page).slice(0, 500));
          for (const e of page.payload.entries) {
            const k = `${e.region.code}/${e.kind}/${e.id}`;
            if (e.deleted) copy.delete(k);
            else copy.set(k, e.content);
          }
          since = page.payload.sequence;
          if (!page.payload.more) break;
        }
        assert.ok(pages > 1, `read in ${pages + 1} pages`);
        assert.equal(since, whole.payload.head);
        assert.deepEqual([...copy.keys()].sort(), whole.payload.entries.map((e: { region: { code: string }; kind: string; id: string }) => `${e.region.code}/${e.kind}/${e.id}`).sort());
        // read on from before the withdrawal: the tombstone comes
        const tail = await jsonOf(await fetch(`${hubUrl}/api/hub/directory?since=${firstBody.head}`));
        assert.deepEqual(checkPage(js, firstBody.head, tail), []);
        assert.deepEqual(tail.payload.entries.filter((e: { region: { code: string } }) => e.region.code === JS).map((e: { id: string; deleted?: true }) => [e.id, e.deleted]), [['gongjijin.account', true]]);
      });

      await t.test('§2.4 as provider: a real node rotates its key; its next request makes this node fetch the member list once, and is served', async () => {
        const cookie = await staffSession(f.sh, 'sh-key-admin', ['admin']);
        const oldKeyId = f.sh.server.identity.keyId;
        const refetches = js.memberListRefetches;
        const r = await fetch(`${f.sh.server.url}/api/admin/keys/rotate`, { method: 'POST', headers: { cookie } });
        const rotated = await jsonOf(r);
        assert.equal(r.status, 200, JSON.stringify(rotated));
        assert.deepEqual([rotated.oldKeyId, rotated.newKeyId], [oldKeyId, f.sh.server.identity.keyId]);
        assert.ok(!js.member('310000')!.keys.some((k) => k.keyId === rotated.newKeyId), 'this node has not seen the new key yet');

        const res = await f.clerk('/api/exchange/requests', { body: { target: JS, resource: 'shebao.person', subject: { type: 'citizen', idNumber: JS_PERSON }, fields: ['name'], purpose } });
        assert.equal(res.body.exchange?.status, 'completed', JSON.stringify(res.body));
        const served = js.served.at(-1)!;
        assert.deepEqual([served.status, served.verifiedSender, (served.request as SignedRequest).signature.keyId], [200, '310000', rotated.newKeyId]);
        assert.equal(js.memberListRefetches, refetches + 1, 'one refetch, before deciding');
        assert.deepEqual(js.member('310000')!.keys.map((k) => [k.keyId, k.status]), [[oldKeyId, 'retired'], [rotated.newKeyId, 'active']]);
      });

      await t.test('§2.2, §2.4: suspended, then reinstated; a key rotation, the retired key refused, the new one served', async () => {
        const token = readFileSync(join(f.hub.dataDir, 'operator.token'), 'utf8').trim();
        const decide = (action: string) => fetch(`${hubUrl}/api/hub/members/${JS}/${action}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'conformance' }) });
        const ask = () => js.newRequest(AH, { resource: 'hukou.person', fields: ['name'], subject: { type: 'citizen', id: f.citizen.idNumber } });
        const providerSees = async (status: string, keyId: string) => {
          await f.ah.server.federation!.syncNow();
          await f.ah.server.federation!.waitFor((s) => s.trustList?.members.some((m) => m.regionCode === JS && m.status === status && m.keys.some((k) => k.keyId === keyId && k.status === 'active')) ?? false);
        };

        assert.equal((await decide('suspend')).status, 200);
        const suspended = await js.join();
        assert.deepEqual([suspended.status, suspended.body.error.code], [403, 'E_FORBIDDEN']);
        assert.equal((await js.fetchMemberList(), js.member(JS)!.status), 'suspended');
        await providerSees('suspended', js.key.keyId);
        const [whileSuspended] = js.sign([ask()]);
        const refused = await js.send(AH, whileSuspended);
        assert.deepEqual([refused.status, refused.body.payload.error.code], [403, 'E_NOT_TRUSTED']);
        const rotation = async (o: Parameters<ForeignNode['rotate']>[0]) => {
          const r = await js.rotate(o);
          return [r.status, r.body?.error?.code];
        };
        assert.deepEqual(await rotation({}), [409, 'E_CONFLICT'], 'a suspended member does not rotate');
        assert.equal((await decide('reinstate')).status, 200);

        // §2.4's refusals, in the documented order
        const third = generateSigningKey(suite);
        assert.deepEqual(await rotation({ payload: { requestedAt: new Date().toISOString().replace('Z', '+00:00') } }), [400, 'E_INVALID_REQUEST'], 'a time not in the §1.1 form');
        assert.deepEqual(await rotation({ payload: { requestedAt: new Date(Date.now() - 6 * 60_000).toISOString() } }), [401, 'E_CLOCK_SKEW']);
        assert.deepEqual(await rotation({ prover: third }), [403, 'E_NOT_TRUSTED'], 'a proof by another key than newKey');
        assert.deepEqual(await rotation({ payload: { oldKeyId: third.keyId }, signer: third }), [403, 'E_NOT_TRUSTED'], 'not a key of the region');
        assert.deepEqual(await rotation({ signer: { ...third, keyId: js.key.keyId } }), [401, 'E_SIGNATURE'], 'the old key did not sign');
        assert.deepEqual(await rotation({ next: js.key }), [400, 'E_INVALID_REQUEST'], 'the new key is the old');

        const oldKey = js.key;
        const rotated = await js.rotate();
        assert.deepEqual([rotated.status, rotated.body], [200, { regionCode: JS, oldKeyId: oldKey.keyId, newKeyId: js.key.keyId }], rotated.text);
        const again = await js.rotate({ payload: { oldKeyId: oldKey.keyId }, signer: oldKey });
        assert.deepEqual([again.status, again.body.error.code], [403, 'E_NOT_TRUSTED'], 'the retired key has no authority');
        assert.deepEqual(await rotation({ next: oldKey }), [409, 'E_CONFLICT'], 'a key registered already (retired)');
        const list = await js.fetchMemberList();
        assert.deepEqual(js.member(JS)!.keys.map((k) => [k.keyId, k.status, typeof k.retiredAt]), [[oldKey.keyId, 'retired', 'string'], [js.key.keyId, 'active', 'undefined']]);
        assert.ok(list.version > 0);
        await providerSees('active', js.key.keyId);
        const [byNew] = js.sign([ask()]);
        const served = await js.send(AH, byNew);
        assert.equal(served.status, 200, served.text);
        assert.deepEqual(js.checkResponse(byNew!, served.body), []);
        const retiredSigner = new ForeignNode({ regionCode: JS, name: '江苏', suite, hubUrl, hubKeyId: info.keyId });
        retiredSigner.key = oldKey;
        const [byOld] = retiredSigner.sign([ask()]);
        const old = await js.send(AH, byOld);
        assert.deepEqual([old.status, old.body.payload.error.code], [403, 'E_NOT_TRUSTED']);
      });

      // last: it uses up this address's share of unauthenticated messages at 安徽 for a minute
      await t.test('§5.2, §4: past 60 unauthenticated messages a minute from one address, a plain 429 with Retry-After; a member is still served', async () => {
        const impostor = new ForeignNode({ regionCode: JS, name: '江苏', suite, hubUrl, hubKeyId: info.keyId });
        impostor.key = generateSigningKey(suite); // a key no member holds
        const ask = () => js.newRequest(AH, { resource: 'hukou.person', fields: ['name'], subject: { type: 'citizen', id: f.citizen.idNumber } });
        let limited: Response | undefined;
        // the count runs per minute: two minutes' share meets the limit even if a window turns over meanwhile
        for (let i = 0; i < 125 && !limited; i++) {
          const [doc] = impostor.sign([ask()]);
          const res = await fetch(`${f.ah.server.url}/api/exchange/v1/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
          if (res.status === 429) limited = res;
          else assert.deepEqual([res.status, (await jsonOf(res)).payload?.error?.code], [403, 'E_NOT_TRUSTED'], 'sealed refusals up to the limit');
        }
        assert.ok(limited, 'no 429 after 125 unauthenticated messages');
        const retryAfter = Number(limited.headers.get('retry-after'));
        assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${limited.headers.get('retry-after')}`);
        const body = await jsonOf(limited);
        assert.equal(isPlainError(body, 'body'), undefined, JSON.stringify(body));
        assert.equal(body.error.code, 'E_RATE_LIMITED');
        const [signed] = js.sign([ask()]);
        const served = await js.send(AH, signed);
        assert.equal(served.status, 200, served.text);
      });
    } finally {
      await js.close();
      await f.close();
    }
  });
}
