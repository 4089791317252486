// http adapters against a real HTTP server on 127.0.0.1: mapping JSON paths, credentials from the
// environment, 404, several matches, malformed JSON, status fields, timeouts and retries with
// backoff, and the circuit breaker (open → fail fast → half-open after the cool-down → closed),
// with an injected clock and backoff so nothing waits on wall-clock time except one short timeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdapterHost, createAdapter, validateAdapterConfig, type AdapterConfig, type HttpAdapterConfig } from '../../src/adapters/index.js';
import { makeIdNumber } from '../../src/core/ids/index.js';
import { TongbanError } from '../../src/core/errors.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let handler: Handler = (_req, res) => res.end();
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
const hanging = new Set<ServerResponse>();
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    handler(req, res, body);
  });
});
let base = '';
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const r of hanging) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const isCode = (code: string, detail?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof TongbanError, `not a TongbanError: ${e}`);
  assert.equal(e.code, code, e.message);
  if (detail) assert.match(e.detail ?? '', detail);
  return true;
};

const ID = makeIdNumber('340104', '19900101', 123);
const person = { idNumber: ID, name: '张三', sexCode: '1', birth: '19900101', addrs: [{ code: '340104' }], updated: '2024-03-05 14:30:00', months: 120 };
const fields = [
  { name: 'name', element: 'TB.PERSON.NAME' }, { name: 'sex', element: 'TB.PERSON.SEX' }, { name: 'birthDate', element: 'TB.PERSON.BIRTH_DATE' },
  { name: 'division', element: 'TB.PERSON.DIVISION' }, { name: 'paidMonths', element: 'TB.PENSION.MONTHS' },
];
const cfg = (over: Partial<HttpAdapterConfig> = {}): AdapterConfig => ({
  kind: 'http',
  url: `${base}/api/persons/{subject}?fields=basic`,
  headers: { Authorization: { env: 'DEPT_TOKEN', prefix: 'Bearer ' }, 'X-Client': 'tongban' },
  timeoutMs: 2000,
  okWhen: { path: 'code', equals: [0], messagePath: 'msg' },
  notFoundWhen: { path: 'code', equals: [1004] },
  record: 'data.person',
  subjectPath: 'idNumber',
  fields: {
    name: 'name',
    sex: { from: 'sexCode', transforms: [{ fn: 'code-table', table: 'gb2261-sex' }] },
    birthDate: { from: 'birth', transforms: [{ fn: 'date' }] },
    division: { from: 'addrs[0].code', transforms: [{ fn: 'division-name' }] },
    paidMonths: 'months',
  },
  dataTime: 'updated',
  ...over,
});
const env = { DEPT_TOKEN: 's3cret-token' };
const all = fields.map((f) => f.name);

function harness(over: Partial<HttpAdapterConfig> = {}) {
  let now = Date.parse('2026-03-01T00:00:00Z');
  const waits: number[] = [];
  const adapter = createAdapter(cfg(over), { fields, env, clock: () => now, sleep: async (ms) => void waits.push(ms), random: () => 0.5, label: '人社接口' });
  return { adapter, waits, advance: (ms: number) => (now += ms) };
}

test('http: a record from a JSON API, mapped by paths and transformed, with the secret from the environment', async () => {
  handler = json(200, { code: 0, msg: 'ok', data: { person } });
  seen.length = 0;
  const { adapter } = harness();
  try {
    const r = await adapter.fetch(ID, all);
    assert.deepEqual(r.values, { name: '张三', sex: '男', birthDate: '1990-01-01', division: '安徽省合肥市蜀山区', paidMonths: 120 });
    assert.deepEqual(r.quality, []);
    assert.equal(r.dataTime, '2024-03-05T06:30:00.000Z');
    assert.equal(seen[0]!.url, `/api/persons/${ID}?fields=basic`);
    assert.equal(seen[0]!.headers.authorization, 'Bearer s3cret-token');
    assert.equal(seen[0]!.headers['x-client'], 'tongban');
    assert.ok(!JSON.stringify(adapter.health()).includes('s3cret'), 'the secret is not in the health record');
    assert.equal(adapter.health().status, 'ok');

    // the subject id is URL-encoded into the template
    handler = json(200, { code: 0, data: { person: { ...person, idNumber: 'A/B C?' } } });
    await adapter.fetch('A/B C?', ['name']);
    assert.equal(seen[1]!.url, '/api/persons/A%2FB%20C%3F?fields=basic');

    // wrong types and bad values are flags
    handler = json(200, { code: 0, data: { person: { ...person, name: { given: '三' }, months: 'many', birth: '20230230', sexCode: 3 } } });
    const bad = await adapter.fetch(ID, all);
    assert.deepEqual(bad.values, { name: null, sex: 3, birthDate: '20230230', division: '安徽省合肥市蜀山区', paidMonths: 'many' });
    assert.deepEqual(bad.quality, ['name: not a single value (an object)', 'sex: code "3" is not in GB/T 2261.1', 'birthDate: not a valid date ("20230230")', 'paidMonths: not a number ("many")']);
  } finally {
    await adapter.close();
  }
});

test('http: 404 and a "no such subject" status are E_SUBJECT_NOT_FOUND; several records E_AMBIGUOUS_SUBJECT; a record of another subject is refused', async () => {
  const { adapter } = harness();
  try {
    handler = json(404, { code: 404 });
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SUBJECT_NOT_FOUND'));
    handler = json(200, { code: 1004, msg: '无此人' });
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SUBJECT_NOT_FOUND'));
    handler = json(200, { code: 0, data: { person: null } });
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SUBJECT_NOT_FOUND'));
    handler = json(200, { code: 0, data: { person: [person, { ...person, name: '张叁' }] } });
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_AMBIGUOUS_SUBJECT', /2 records/));
    handler = json(200, { code: 0, data: { person: [] } });
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SUBJECT_NOT_FOUND'));
    handler = json(200, { code: 0, data: { person: [person] } });
    assert.equal((await adapter.fetch(ID, ['name'])).values.name, '张三');
    handler = json(200, { code: 0, data: { person: { ...person, idNumber: makeIdNumber('340104', '19900101', 124) } } });
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /another subject/));
    // answers that do not count against the source
    assert.equal(adapter.health().reads.notFound, 4);
  } finally {
    await adapter.close();
  }
});

test('http: garbage is E_SOURCE_UNAVAILABLE with the reason (malformed JSON, missing record, error status, other 4xx, too large), never retried', async () => {
  const { adapter } = harness({ maxBytes: 4096, breaker: { failures: 100 } });
  try {
    const cases: Array<[Handler, RegExp]> = [
      [json(200, '{"code":0,"data":{"person":'), /人社接口: answered HTTP 200 with malformed JSON/],
      [json(200, '<html>维护中</html>'), /malformed JSON/],
      [json(200, { code: 0, result: {} }), /the answer has no data\.person/],
      [json(200, { code: 0, data: { person: 'yes' } }), /the record is not a JSON object/],
      [json(200, { code: 500, msg: '系统繁忙' }), /answered code = 500: 系统繁忙/],
      [json(403, { code: 403 }), /answered HTTP 403/],
      [json(200, { code: 0, data: { person: { ...person, blob: 'x'.repeat(10_000) } } }), /larger than 4096 bytes/],
    ];
    for (const [h, detail] of cases) {
      handler = h;
      seen.length = 0;
      await assert.rejects(adapter.fetch(ID, ['name']), (e) => isCode('E_SOURCE_UNAVAILABLE', detail)(e) && !(e as Error).message.includes(ID));
      assert.equal(seen.length, 1, `not retried: ${detail}`);
    }
    // garbage counts against the source: its health says so
    assert.equal(adapter.health().reads.failed, cases.length);
    assert.equal(adapter.health().status, 'down');
  } finally {
    await adapter.close();
  }
});

test('http: a slow source times out, is retried with backoff, then fails as E_SOURCE_UNAVAILABLE', async () => {
  handler = (_req, res) => void hanging.add(res); // never answers
  seen.length = 0;
  const { adapter, waits } = harness({ timeoutMs: 100, retries: 2, backoffMs: 200 });
  try {
    const t0 = performance.now();
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /^人社接口: did not answer within 100 ms \(3 attempts\)$/));
    assert.ok(performance.now() - t0 < 2000);
    assert.equal(seen.length, 3);
    assert.deepEqual(waits, [150, 300], 'exponential backoff with jitter (random fixed at 0.5)');
    assert.match(adapter.health().lastError ?? '', /did not answer within 100 ms/);
  } finally {
    await adapter.close();
  }
});

test('http: 500s are retried, then the breaker opens and fails fast; after the cool-down one trial read half-opens it; success closes it', async () => {
  seen.length = 0;
  handler = json(500, { error: 'boom' });
  const { adapter, advance, waits } = harness({ retries: 2, breaker: { failures: 2, coolDownMs: 30_000 } });
  try {
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /HTTP 500 \(3 attempts\)/));
    assert.equal(adapter.health().breaker?.state, 'closed');
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /HTTP 500/));
    assert.equal(seen.length, 6);
    assert.equal(waits.length, 4);
    let h = adapter.health();
    assert.equal(h.breaker?.state, 'open');
    assert.equal(h.breaker?.openUntil, '2026-03-01T00:00:30.000Z');
    assert.equal(h.status, 'down');

    // open: fails fast without touching the source
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /circuit open after 2 consecutive failures until 2026-03-01T00:00:30.000Z; last error: 人社接口: HTTP 500/));
    assert.equal(seen.length, 6);
    advance(29_999);
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /circuit open/));
    assert.equal(seen.length, 6);

    // half-open: one trial read goes through; others meanwhile fail fast
    advance(1);
    assert.equal(adapter.health().breaker?.state, 'half-open');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const arrived = new Promise<void>((r) => {
      handler = (req, res) => {
        r();
        void gate.then(() => json(200, { code: 0, data: { person } })(req, res));
      };
    });
    const trial = adapter.fetch(ID, ['name']);
    await arrived; // the trial request is at the server, unanswered
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /a trial read is in progress/));
    release();
    assert.equal((await trial).values.name, '张三');
    h = adapter.health();
    assert.equal(h.breaker?.state, 'closed');
    assert.equal(h.status, 'ok');
    assert.equal(h.consecutiveFailures, 0);
    assert.deepEqual(h.reads, { ok: 1, notFound: 0, failed: 2, rejectedByBreaker: 3 });
    assert.equal((await adapter.fetch(ID, ['name'])).values.name, '张三');
  } finally {
    await adapter.close();
  }
});

test('http: a failed half-open trial opens the breaker again for another cool-down', async () => {
  handler = json(503, {});
  const { adapter, advance } = harness({ retries: 0, breaker: { failures: 1, coolDownMs: 1000 } });
  try {
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /HTTP 503$/));
    assert.equal(adapter.health().breaker?.state, 'open');
    advance(1000);
    await assert.rejects(adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /HTTP 503/));
    assert.equal(adapter.health().breaker?.state, 'open');
    assert.equal(adapter.health().breaker?.openUntil, '2026-03-01T00:00:02.000Z');
  } finally {
    await adapter.close();
  }
});

test('http: POST with the subject in the body is not retried unless declared idempotent', async () => {
  seen.length = 0;
  handler = json(500, {});
  const post = harness({ url: `${base}/api/query`, method: 'POST', body: { query: { sfzh: '{subject}' }, page: 1 }, retries: 2 });
  try {
    await assert.rejects(post.adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /HTTP 500$/));
    assert.equal(seen.length, 1);
    assert.deepEqual(JSON.parse(seen[0]!.body), { query: { sfzh: ID }, page: 1 });
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
  } finally {
    await post.adapter.close();
  }
  seen.length = 0;
  const idem = harness({ url: `${base}/api/query`, method: 'POST', body: { sfzh: '{subject}' }, retries: 2, idempotent: true });
  try {
    await assert.rejects(idem.adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /\(3 attempts\)/));
    assert.equal(seen.length, 3);
  } finally {
    await idem.adapter.close();
  }
});

test('http: a source that refuses connections, and a missing secret, are E_SOURCE_UNAVAILABLE naming the cause', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const down = harness({ url: `http://127.0.0.1:${port}/p/{subject}`, retries: 1 });
  try {
    await assert.rejects(down.adapter.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /connection failed \(ECONNREFUSED\) \(2 attempts\)/));
  } finally {
    await down.adapter.close();
  }
  const noSecret = createAdapter(cfg(), { fields, env: {} });
  try {
    await assert.rejects(noSecret.fetch(ID, ['name']), isCode('E_SOURCE_UNAVAILABLE', /environment variable DEPT_TOKEN is not set/));
    assert.match(noSecret.health().lastError ?? '', /DEPT_TOKEN/);
  } finally {
    await noSecret.close();
  }
  assert.deepEqual(validateAdapterConfig(cfg(), { env: {} }), [{ path: 'headers.Authorization.env', message: 'environment variable DEPT_TOKEN is not set' }]);
});

test('http: two resources naming one adapter id each keep their own adapter; rebuilding or releasing one leaves the other reading', async () => {
  handler = json(200, { code: 0, msg: 'ok', data: { person } });
  const host = new AdapterHost({ env });
  try {
    const forPension = host.create('rs.persons', cfg(), { fields, owner: 'pension.status' });
    const forHukou = host.create('rs.persons', cfg(), { fields, owner: 'person.basic' });
    assert.equal((await forPension.fetch(ID, ['paidMonths'])).values.paidMonths, 120);
    assert.equal((await forHukou.fetch(ID, ['name'])).values.name, '张三');
    // the second resource is republished: its adapter is rebuilt, the first one's is untouched
    const rebuilt = host.create('rs.persons', cfg(), { fields, owner: 'person.basic' });
    assert.equal((await forPension.fetch(ID, ['paidMonths'])).values.paidMonths, 120, 'the other resource still reads');
    assert.equal((await rebuilt.fetch(ID, ['name'])).values.name, '张三');
    assert.deepEqual(Object.keys(host.health()), ['rs.persons (pension.status)', 'rs.persons (person.basic)']);
    // retiring one resource closes its adapter only
    host.release('person.basic');
    assert.deepEqual(Object.keys(host.health()), ['rs.persons (pension.status)']);
    assert.equal((await forPension.fetch(ID, ['name'])).values.name, '张三');
  } finally {
    await host.close();
  }
});
