// The directory's refusals on both engines: the hub refuses older publication sequences, non-members,
// pending members, bad signatures and bad entries (changing nothing); a node refuses a tampered or
// foreign-signed directory and keeps its cache; a node's publication is retried until the hub is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { engines } from '../helpers/engines.js';
import { cleanupAll, startHub, startNode, stopAll, type Started } from '../helpers/federation.js';
import { decideMembership } from '../../src/hub/membership.js';
import { buildJoinRequest } from '../../src/federation/documents.js';
import { makeSigner, signDocument, type Signer } from '../../src/core/signed-document.js';
import { suiteFor } from '../../src/core/crypto/index.js';
import { buildPublication, verifyDirectory } from '../../src/directory/documents.js';
import { entriesOf } from '../../src/directory/entry.js';
import { TestCatalog, item, provinceCatalog, waitUntil } from './fixture.js';

function newSigner(suite: 'ed25519' | 'sm2-sm3' = 'ed25519'): Signer {
  const s = suiteFor(suite);
  return makeSigner(s, s.generateKeyPair().privateKeyPem);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the API returns
async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

for (const engine of await engines()) {
  test(`${engine}: the hub refuses older sequences, non-members, pending members, bad signatures and bad entries, and changes nothing`, async () => {
    let hub: Started | undefined;
    try {
      hub = await startHub(engine);
      const url = `${hub.server.url}/api/hub/directory/publications`;
      const js = newSigner();
      const join = await post(`${hub.server.url}/api/hub/members/join`, buildJoinRequest(js, { regionCode: '320000', name: '江苏', endpoint: 'http://127.0.0.1:9', nonce: randomBytes(9).toString('hex') }));
      assert.equal(join.status, 202);
      const entries = entriesOf(provinceCatalog('320000', '江苏省'));

      const pending = await post(url, buildPublication(js, '320000', 1, entries));
      assert.equal(pending.status, 403);
      assert.equal(pending.body.error.code, 'E_FORBIDDEN');
      await decideMembership(hub.server.store.db, '320000', 'approve', 'test');

      const first = await post(url, buildPublication(js, '320000', 5, entries));
      assert.equal(first.status, 201);
      assert.deepEqual(first.body, { regionCode: '320000', sequence: 5, accepted: true, added: 10, updated: 0, withdrawn: 0, unchanged: 0, head: 10 });
      // a retry (same sequence, same entries, signed again later) changes nothing
      const retry = await post(url, buildPublication(js, '320000', 5, entries, new Date(Date.now() + 1000)));
      assert.equal(retry.status, 200);
      assert.equal(retry.body.accepted, false);
      // the same sequence with other entries, and an older sequence, are refused
      const same = await post(url, buildPublication(js, '320000', 5, entries.slice(1)));
      assert.equal(same.status, 409);
      assert.equal(same.body.error.code, 'E_CONFLICT');
      const older = await post(url, buildPublication(js, '320000', 4, entries.slice(1)));
      assert.equal(older.status, 409);
      assert.match(older.body.error.detail, /sequence 4 is not above the accepted 5/);

      // a stranger: not a member at all, or posing as a member with its own key
      const stranger = newSigner();
      const notMember = await post(url, buildPublication(stranger, '330000', 1, entries));
      assert.equal(notMember.status, 403);
      assert.equal(notMember.body.error.code, 'E_NOT_TRUSTED');
      const posing = await post(url, buildPublication(stranger, '320000', 9, entries));
      assert.equal(posing.status, 403);
      assert.equal(posing.body.error.code, 'E_NOT_TRUSTED');
      // tampered after signing
      const tampered = buildPublication(js, '320000', 9, structuredClone(entries));
      (tampered.payload.entries[0]!.content as { summary: string }).summary = '改过的摘要';
      const bad = await post(url, tampered);
      assert.equal(bad.status, 401);
      assert.equal(bad.body.error.code, 'E_SIGNATURE');
      // bad entries name the entry; a future date is a clock problem; unknown payload fields are refused
      const draft = structuredClone(entries);
      (draft[2]!.content as { status: string }).status = 'draft';
      const drafted = await post(url, buildPublication(js, '320000', 9, draft));
      assert.equal(drafted.status, 400);
      assert.match(drafted.body.error.detail, /entries\[2\].*status "draft"/);
      const twice = await post(url, buildPublication(js, '320000', 9, [...entries, entries[0]!]));
      assert.equal(twice.status, 400);
      assert.match(twice.body.error.detail, /appears twice/);
      const mismatch = structuredClone(entries);
      mismatch[0]!.id = 'other.id';
      assert.match((await post(url, buildPublication(js, '320000', 9, mismatch))).body.error.detail, /differs from the content/);
      const noName = structuredClone(entries);
      (noName[8]!.content as { name?: string }).name = '';
      assert.match((await post(url, buildPublication(js, '320000', 9, noName))).body.error.detail, /entries\[8\].*name is required/);
      const future = await post(url, buildPublication(js, '320000', 9, entries, new Date(Date.now() + 10 * 60_000)));
      assert.equal(future.status, 401);
      assert.equal(future.body.error.code, 'E_CLOCK_SKEW');
      const extraField = buildPublication(js, '320000', 9, entries);
      (extraField.payload as unknown as Record<string, unknown>).note = 'x';
      const extra = await post(url, signDocument(extraField.payload, js));
      assert.equal(extra.status, 400);
      assert.match(extra.body.error.detail, /unknown fields: note/);

      // none of that changed the directory
      const page = (await (await fetch(`${hub.server.url}/api/hub/directory?since=0`)).json()) as { payload: { head: number; entries: unknown[] } };
      assert.equal(page.payload.head, 10);
      assert.equal(page.payload.entries.length, 10);
      const status = (await (await fetch(`${hub.server.url}/api/hub/directory/publications/320000`)).json()) as { sequence: number };
      assert.equal(status.sequence, 5);
      assert.equal((await fetch(`${hub.server.url}/api/hub/directory/publications/330000`)).status, 404);

      // a withdrawal: the next sequence without one item → a tombstone with the next directory sequence
      const next = await post(url, buildPublication(js, '320000', 6, entries.filter((e) => e.id !== '320000-HY-001')));
      assert.deepEqual([next.status, next.body.withdrawn, next.body.unchanged, next.body.head], [201, 1, 9, 11]);
      const since10 = (await (await fetch(`${hub.server.url}/api/hub/directory?since=10`)).json()) as { payload: { entries: Array<{ seq: number; id: string; deleted?: boolean }> } };
      assert.deepEqual(since10.payload.entries.map((e) => [e.seq, e.id, e.deleted]), [[11, '320000-HY-001', true]]);
      // the whole directory (since=0) leaves tombstones out
      const all = (await (await fetch(`${hub.server.url}/api/hub/directory`)).json()) as { payload: { entries: Array<{ deleted?: boolean }> } };
      assert.equal(all.payload.entries.length, 9);
      assert.ok(all.payload.entries.every((e) => !e.deleted));
      // a withdrawn entry published again comes back under a new sequence
      const back = await post(url, buildPublication(js, '320000', 7, entries));
      assert.deepEqual([back.body.added, back.body.head], [1, 12]);

    } finally {
      await stopAll(hub);
      await cleanupAll(hub);
    }
  });

  test(`${engine}: a node refuses a tampered or foreign-signed directory and keeps its cache; publications are retried until the hub is back`, async () => {
    let hub: Started | undefined;
    let node: Started | undefined;
    let proxy: Server | undefined;
    try {
      hub = await startHub(engine);
      // everything the node says to the hub goes through this proxy, which can tamper with directory pages
      let mode: 'pass' | 'tamper' | 'foreign' = 'pass';
      const foreign = newSigner();
      const hubPort = hub.server.port;
      proxy = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', async () => {
          try {
            const upstream = await fetch(`http://127.0.0.1:${hubPort}${req.url}`, {
              method: req.method,
              headers: { ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}) },
              ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
            });
            let text = await upstream.text();
            if (req.url?.startsWith('/api/hub/directory?') && mode !== 'pass' && upstream.status === 200) {
              const doc = JSON.parse(text);
              if (mode === 'tamper') doc.payload.entries[0].content.summary = '伪造的摘要';
              else text = JSON.stringify(signDocument(doc.payload, foreign));
              if (mode === 'tamper') text = JSON.stringify(doc);
            }
            res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
            res.end(text);
          } catch {
            res.writeHead(502).end();
          }
        });
      });
      await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', () => r()));
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;

      const catalog = new TestCatalog(provinceCatalog('330000', '浙江省'));
      node = await startNode(engine, { url: proxyUrl, keyId: hub.server.identity.keyId }, { code: '330000', name: '浙江' }, {
        start: { directory: { catalog, refreshSeconds: 0, retryBaseMs: 100 } },
      });
      await node.server.federation!.waitFor((s) => s.membership === 'pending');
      await decideMembership(hub.server.store.db, '330000', 'approve', 'test');
      await node.server.federation!.syncNow();
      const dir = node.server.directory!;
      await waitUntil(() => dir.publisher!.current.accepted, 'first publication accepted');
      await waitUntil(async () => (await dir.sync.syncNow(), dir.sync.current.sequence === 10), 'cache at sequence 10');

      // a new change, served tampered: refused, the cache stays as it was
      await dir.sync.stop(); // no background round between the modes below
      catalog.set.items.push(item('330000-GJJ-001', '购房提取住房公积金', '浙江省住房公积金管理中心', ['online'], ['购房合同']));
      catalog.announce();
      await waitUntil(() => dir.publisher!.current.sequence === 2 && dir.publisher!.current.accepted, 'second publication');
      mode = 'tamper';
      await dir.sync.syncNow();
      assert.match(dir.sync.current.error ?? '', /E_SIGNATURE/);
      assert.equal(dir.sync.current.sequence, 10);
      mode = 'foreign';
      await dir.sync.syncNow();
      assert.match(dir.sync.current.error ?? '', /E_NOT_TRUSTED/);
      assert.equal(dir.sync.current.sequence, 10);
      const search = async (q: string) => (await (await fetch(`${node!.server.url}/api/directory/search?q=${encodeURIComponent(q)}`)).json()) as { total: number };
      assert.equal((await search('公积金')).total, 0);
      assert.equal((await search('伪造')).total, 0);
      mode = 'pass';
      await dir.sync.syncNow();
      assert.equal(dir.sync.current.error, undefined);
      assert.equal(dir.sync.current.sequence, 11);
      assert.equal((await search('公积金')).total, 1);

      // the hub goes down; a publication fails and is retried until the hub is back on its port
      const hubDb = hub.database;
      const hubDir = hub.dataDir;
      await hub.server.close();
      catalog.set.items = catalog.set.items.filter((i) => i.code !== '330000-GJJ-001');
      catalog.announce();
      await waitUntil(() => !dir.publisher!.current.accepted && (dir.publisher!.current.error ?? '').includes('E_HUB_UNAVAILABLE'), 'a failed publication');
      hub = await startHub(engine, { database: hubDb, dataDir: hubDir, port: hubPort });
      await waitUntil(() => dir.publisher!.current.accepted && dir.publisher!.current.sequence === 3, 'the publication retried and accepted', 30_000);
      const held = (await (await fetch(`${hub.server.url}/api/hub/directory/publications/330000`)).json()) as { sequence: number; entries: number };
      assert.deepEqual([held.sequence, held.entries], [3, 10]);
    } finally {
      await stopAll(node, hub);
      await new Promise((r) => (proxy ? proxy.close(() => r(undefined)) : r(undefined)));
      await cleanupAll(node, hub);
    }
  });
}

test('verifyDirectory: the pinned hub key only, signature over the payload as received', () => {
  const hubKey = newSigner('sm2-sm3');
  const keys = [{ keyId: hubKey.keyId, suite: hubKey.suite.name, publicKey: hubKey.publicKeyPem }];
  const doc = signDocument(
    { type: 'tongban.directory', formatVersion: 1, directoryId: 'd', since: 0, sequence: 1, head: 1, more: false, issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString(), entries: [] },
    hubKey,
  );
  assert.equal(verifyDirectory(doc, hubKey.keyId, keys).sequence, 1);
  assert.throws(() => verifyDirectory(doc, 'sm2-sm3:other', keys), /E_NOT_TRUSTED/);
  const changed = structuredClone(doc);
  changed.payload.head = 2;
  assert.throws(() => verifyDirectory(changed, hubKey.keyId, keys), /E_SIGNATURE/);
  const outside = signDocument({ ...doc.payload, entries: [{ seq: 5, region: { code: '310000', name: '上海' }, kind: 'item', id: 'x', changedAt: '', publication: 1, deleted: true }] }, hubKey);
  assert.throws(() => verifyDirectory(outside, hubKey.keyId, keys), /outside/);
});
