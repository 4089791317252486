// Each bad input gets the right error code in a sealed answer, is logged in the provider's audit
// log, and changes nothing: no record leaves the provider.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../helpers/engines.js';
import { exchangeFixture, purpose, type ExchangeFixture } from '../helpers/exchange.js';
import { buildRequestPayload, type RequestPayload } from '../../src/exchange/envelope.js';
import { REJECTIONS_PER_MINUTE } from '../../src/exchange/rejections.js';
import { BatchSigner, verifySeal } from '../../src/exchange/seal.js';
import { makeSigner, type Signer } from '../../src/core/signed-document.js';
import { suiteFor } from '../../src/core/crypto/index.js';

const engine = (await engines())[0]!; // the HTTP path is the same on both engines; storage is covered elsewhere

function requestFor(f: ExchangeFixture, over: Partial<Parameters<typeof buildRequestPayload>[0]> = {}, at?: Date): RequestPayload {
  return buildRequestPayload(
    {
      from: '310000', to: '340000',
      user: { id: 'sh-clerk', name: '王芳', department: '上海市浦东新区行政服务中心', roles: ['clerk'] },
      purpose, subject: { type: 'citizen', id: f.citizen.idNumber }, resource: 'hukou.person', fields: ['name', 'sex'],
      ...over,
    },
    at,
  );
}

async function post(f: ExchangeFixture, body: string | object, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${f.ah.server.url}/api/exchange/v1/requests`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sealed answers and plain errors alike
  return { status: res.status, body: (await res.json()) as any };
}

async function signed(signer: Signer, payload: object) {
  return { payload, signature: await new BatchSigner(signer).sign(payload) };
}

test(`${engine}: bad exchange requests are refused with the right code, sealed, audited, and leak nothing`, async () => {
  const f = await exchangeFixture(engine, { access: [{ from: ['310000'], resources: ['hukou.person', 'marriage.record'], fields: ['name', 'sex', 'birthDate', 'registeredAddress', 'kind'] }] });
  const sh = f.sh.server.identity;
  const stranger = makeSigner(suiteFor('ed25519'), suiteFor('ed25519').generateKeyPair().privateKeyPem);
  try {
    const good = await signed(sh, requestFor(f));
    const ok = await post(f, good);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.payload.record.name, f.citizen.name);

    const cases: Array<[string, () => Promise<string | object>, number, string, RegExp?, string[]?]> = [
      ['replayed message id', async () => good, 409, 'E_REPLAY'],
      ['wrong signature', async () => {
        const d = await signed(sh, requestFor(f));
        return { ...d, signature: { ...d.signature, value: Buffer.alloc(64, 7).toString('base64') } };
      }, 401, 'E_SIGNATURE'],
      // one signature, one spelling: base64 as RFC 4648 §4 writes it and nothing else
      ...([
        ['without its padding', (v: string) => v.replace(/=+$/, '')],
        ['in the URL-safe alphabet', (v: string) => v.replace(/\+/g, '-').replace(/\//g, '_')],
        ['with a line break', (v: string) => `${v.slice(0, 44)}\n${v.slice(44)}`],
        ['with unused bits set', (v: string) => {
          const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
          const i = v.indexOf('=') - 1; // a 64-byte signature ends "xy==": y carries 4 bits that are not data
          return `${v.slice(0, i)}${alphabet[alphabet.indexOf(v[i]!) ^ 1]}${v.slice(i + 1)}`;
        }],
      ] as const).map(([how, respell]): [string, () => Promise<object>, number, string] => [`signature value ${how}`, async () => {
        // a signature whose respelling differs (one with neither + nor / reads the same in both alphabets)
        for (;;) {
          const d = await signed(sh, requestFor(f));
          assert.ok(d.signature.value.endsWith('=='), 'an Ed25519 signature is 64 bytes');
          const value = respell(d.signature.value);
          if (value !== d.signature.value) return { ...d, signature: { ...d.signature, value } };
        }
      }, 401, 'E_SIGNATURE']),
      ['payload changed after signing', async () => {
        const d = await signed(sh, requestFor(f));
        return { ...d, payload: { ...d.payload, fields: ['name', 'sex', 'birthDate'] } };
      }, 401, 'E_SIGNATURE'],
      ['unknown key', async () => signed(stranger, requestFor(f)), 403, 'E_NOT_TRUSTED', /not a key of region 310000/],
      ['not a member', async () => signed(stranger, requestFor(f, { from: '320000' })), 403, 'E_NOT_TRUSTED', /320000 is not a federation member/],
      ['clock outside the window', async () => signed(sh, requestFor(f, {}, new Date(Date.now() - 10 * 60_000))), 401, 'E_CLOCK_SKEW'],
      ['a date that does not exist', async () => signed(sh, { ...requestFor(f), createdAt: '2026-02-30T10:52:00.000Z' }), 400, 'E_INVALID_REQUEST', /payload.createdAt must be a UTC time/],
      ['addressed to another node', async () => signed(sh, requestFor(f, { to: '320000' })), 400, 'E_INVALID_REQUEST', /addressed to 320000/],
      ['unknown field in the envelope', async () => signed(sh, { ...requestFor(f), note: 'extra' }), 400, 'E_INVALID_REQUEST', /unknown field "note"/],
      ['field list naming a field that does not exist', async () => signed(sh, requestFor(f, { fields: ['name', 'shoeSize'] })), 400, 'E_INVALID_REQUEST', /no field "shoeSize"/, ['shoeSize']],
      ['field not granted', async () => signed(sh, requestFor(f, { fields: ['name', 'ethnicity'] })), 403, 'E_FIELD_NOT_ALLOWED', /ethnicity/, ['ethnicity']],
      ['sensitive field without authorisation', async () => signed(sh, requestFor(f, { fields: ['name', 'registeredAddress'] })), 403, 'E_NEEDS_AUTHORISATION', undefined, ['registeredAddress']],
      ['resource without a rule', async () => signed(sh, requestFor(f, { resource: 'social.pension', fields: ['status'] })), 403, 'E_NO_AGREEMENT'],
      ['subject not in the registry', async () => signed(sh, requestFor(f, { subject: { type: 'citizen', id: '11010519491231002X' } })), 404, 'E_SUBJECT_NOT_FOUND'],
      ['malformed JSON', async () => '{"payload": {', 400, 'E_INVALID_REQUEST'],
      ['a lone surrogate in a string (no canonical form to check a signature over)', async () => {
        const d = (await signed(sh, requestFor(f))) as { payload: { purpose: { caseId: string } } };
        return JSON.stringify(d).replace(`"caseId":"${d.payload.purpose.caseId}"`, '"caseId":"SH-\\ud800"');
      }, 400, 'E_INVALID_REQUEST', /lone surrogate/],
      ['not an exchange message', async () => ({ hello: '你好' }), 400, 'E_INVALID_REQUEST'],
      ['oversized body', async () => {
        const d = await signed(sh, requestFor(f));
        return { ...d, payload: { ...d.payload, padding: 'x'.repeat(300 * 1024) } };
      }, 413, 'E_PAYLOAD_TOO_LARGE'],
    ];
    for (const [name, make, status, code, detail, fields] of cases) {
      const r = await post(f, await make());
      assert.equal(r.status, status, `${name}: ${JSON.stringify(r.body).slice(0, 300)}`);
      const err = r.body.payload?.error ?? r.body.error;
      assert.equal(err?.code, code, name);
      assert.ok(err.messageZh && err.messageEn, `${name}: both languages`);
      if (detail) assert.match(err.detail ?? '', detail, name);
      // the fields a refusal is about travel by name, for the requester to show by their labels
      assert.deepEqual(err.fields, fields, `${name}: fields`);
      assert.equal(r.body.payload?.record, undefined, `${name}: no record`);
      if (r.body.payload) {
        // refusals are sealed by the provider too
        assert.ok(verifySeal(r.body.payload, r.body.seal, f.ah.server.identity.publicKeyPem).ok, `${name}: sealed`);
      }
    }
    // every refusal that reached the exchange code is in the provider's audit log
    const refused = await f.ah.server.store.db.selectFrom('audit_entry').select(['action', 'error_code']).where('outcome', '=', 'refused').execute();
    const codes = refused.map((r) => r.error_code).sort();
    for (const code of ['E_REPLAY', 'E_SIGNATURE', 'E_NOT_TRUSTED', 'E_CLOCK_SKEW', 'E_INVALID_REQUEST', 'E_FIELD_NOT_ALLOWED', 'E_NEEDS_AUTHORISATION', 'E_NO_AGREEMENT', 'E_SUBJECT_NOT_FOUND']) {
      assert.ok(codes.includes(code), `audited: ${code}`);
    }
    // unauthenticated messages are recorded as security events without trusting their content
    const rejected = await f.ah.server.store.db.selectFrom('audit_entry').selectAll().where('action', '=', 'exchange.request.rejected').execute();
    assert.ok(rejected.length >= 3);
    assert.ok(rejected.every((r) => r.subject_ref === null || r.subject_ref === ''), 'no subject recorded for unauthenticated messages');

    // a flood of unauthenticated messages from one address: sealed and audited up to the limit a
    // minute, then a plain 429 costing neither a signature nor an audit entry; members are not limited
    const before = rejected.length;
    const garbage = async () => signed(stranger, requestFor(f));
    const answers = [];
    for (let i = 0; i < REJECTIONS_PER_MINUTE + 5; i++) answers.push(await post(f, await garbage()));
    const limited = answers.filter((a) => a.status === 429);
    assert.ok(limited.length >= 5, `limited: ${limited.length}`);
    assert.ok(limited.every((a) => a.body.error?.code === 'E_RATE_LIMITED' && a.body.payload === undefined), 'plain, unsealed');
    const after = await f.ah.server.store.db.selectFrom('audit_entry').select('seq').where('action', '=', 'exchange.request.rejected').execute();
    assert.ok(after.length - before <= REJECTIONS_PER_MINUTE, `audited ${after.length - before}`);
    const member = await post(f, await signed(sh, requestFor(f)));
    assert.equal(member.status, 200, 'an authenticated member is still served');
  } finally {
    await f.close();
  }
});
