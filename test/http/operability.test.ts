import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromObject } from '../../src/config/index.js';
import { startServer } from '../../src/server/start.js';
import { createLogger } from '../../src/http/logger.js';
import { buildApp } from '../../src/http/app.js';
import pino from 'pino';
import { ERRORS } from '../../src/core/errors.js';

test('every server: healthz, readyz, OpenAPI 3.1 from the route schemas, API docs, error vocabulary, web UI fallback, masked logs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-ops-'));
  const logFile = join(dir, 'server.log');
  const logger = createLogger({ level: 'info', file: logFile });
  const cfg = configFromObject({ database: `sqlite:${join(dir, 'hub.db')}`, dataDir: dir, listen: { port: 0 } }, { baseDir: dir, role: 'hub', source: 'test' });
  const hub = await startServer(cfg, { logger });
  try {
    const base = hub.url;
    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(((await ready.json()) as { checks: object }).checks, { database: { ok: true } });

    const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
      openapi: string; paths: Record<string, Record<string, { summary?: string; responses?: object }>>; components: { schemas: Record<string, unknown> };
    };
    assert.equal(spec.openapi, '3.1.0');
    for (const p of ['/healthz', '/readyz', '/api/info', '/api/hub/members/join', '/api/hub/trust-list', '/api/hub/members/{code}/approve', '/api/federation/members']) {
      assert.ok(spec.paths[p], `OpenAPI documents ${p}`);
    }
    assert.ok(spec.paths['/api/hub/members/join']!.post!.summary);
    assert.ok(JSON.stringify(spec.components.schemas).includes('E_REGION_TAKEN'), 'the error vocabulary is in the document');

    const docs = await fetch(`${base}/api/docs`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);

    // a body declared in another charset than UTF-8 is refused before it is read (PROTOCOL §1.1)
    const join = (contentType: string) => fetch(`${base}/api/hub/members/join`, { method: 'POST', headers: { 'content-type': contentType }, body: '{}' });
    const latin1 = await join('application/json; charset=latin1');
    assert.equal(latin1.status, 400);
    assert.match(((await latin1.json()) as { error: { detail: string } }).error.detail, /bodies are UTF-8 JSON: charset=latin1 is not accepted/);
    for (const ok of ['application/json; charset=UTF-8', 'application/json;charset="utf-8"', 'application/json']) {
      const read = await join(ok);
      assert.equal(read.status, 400);
      assert.doesNotMatch(((await read.json()) as { error: { detail: string } }).error.detail, /charset/, `${ok}: read, and refused for what it says (not a join request)`);
    }

    // unknown API path: the vocabulary, in the caller's language
    const nf = await fetch(`${base}/api/nope?idNumber=110105194912310021`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    assert.equal(nf.status, 404);
    const body = (await nf.json()) as { error: { code: string; message: string; messageZh: string } };
    assert.equal(body.error.code, 'E_NOT_FOUND');
    assert.equal(body.error.message, ERRORS.E_NOT_FOUND.en);
    assert.equal(body.error.messageZh, ERRORS.E_NOT_FOUND.zh);
    assert.ok(nf.headers.get('x-request-id'));
    const zh = (await (await fetch(`${base}/api/nope`)).json()) as { error: { message: string } };
    assert.equal(zh.error.message, ERRORS.E_NOT_FOUND.zh);

    // client-side routes of the UI get index.html; no stack traces anywhere
    const page = await fetch(`${base}/federation`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /<div id="root">/);
  } finally {
    await hub.close();
  }
  // the request log masks the ID number in the query string
  const log = readFileSync(logFile, 'utf8');
  assert.ok(log.length > 0);
  assert.ok(!log.includes('110105194912310021'), 'no ID number in clear in the log');
  assert.ok(log.includes('1101**********0021'));
  for (const line of log.trim().split('\n')) JSON.parse(line); // structured JSON, one object a line
  rmSync(dir, { recursive: true, force: true });
});

test('an unexpected error is logged with its message and stack masked (no ID number in clear)', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
  const app = await buildApp({ logger, title: 't', description: 'd', readiness: [], serveWeb: false });
  app.get('/boom', async () => {
    throw new Error('lookup of 110105194912310021 failed');
  });
  await app.ready();
  try {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(res.statusCode, 500);
    assert.ok(!res.body.includes('110105194912310021'));
    const logged = lines.join('');
    assert.match(logged, /request failed/);
    assert.ok(logged.includes('"stack"'), 'the stack is logged');
    assert.ok(!logged.includes('110105194912310021'), `no ID number in the log: ${logged.slice(0, 300)}`);
  } finally {
    await app.close();
  }
});

test('a state-changing request a browser sends from another site is refused before it runs; same-origin and non-browser callers pass', async () => {
  const logger = pino({ level: 'silent' });
  const app = await buildApp({ logger, title: 't', description: 'd', readiness: [], serveWeb: false });
  let ran = 0;
  app.post('/api/admin/keys/rotate', async () => ({ rotated: ++ran }));
  app.get('/api/thing', async () => ({ ok: true }));
  await app.ready();
  try {
    const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/api/admin/keys/rotate', headers: { host: 'tongban.ah.example.gov.cn', cookie: 'tb_session=x', ...headers } });
    const refusals: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'https://portal.ah.example.gov.cn' }, // a sibling subdomain: same site, other origin
      { origin: 'https://evil.example', 'content-type': 'text/plain' },
      { origin: 'null' },
    ];
    for (const h of refusals) {
      const res = await post(h);
      assert.equal(res.statusCode, 403, JSON.stringify(h));
      assert.equal(res.json().error.code, 'E_FORBIDDEN');
    }
    assert.equal(ran, 0, 'nothing ran');
    const allowed: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'same-origin', origin: 'https://tongban.ah.example.gov.cn' },
      { origin: 'https://tongban.ah.example.gov.cn' },
      { origin: 'https://tongban.ah.example.gov.cn', 'x-forwarded-host': 'tongban.ah.example.gov.cn' },
      {}, // a node, the CLI, curl: no browser headers
    ];
    for (const h of allowed) assert.equal((await post(h)).statusCode, 200, JSON.stringify(h));
    assert.equal(ran, 4);
    // reading is never refused: links from other sites to a page or the public catalogue work
    assert.equal((await app.inject({ method: 'GET', url: '/api/thing', headers: { 'sec-fetch-site': 'cross-site' } })).statusCode, 200);
  } finally {
    await app.close();
  }
});
