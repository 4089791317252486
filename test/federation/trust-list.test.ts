import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, freshDatabase } from '../helpers/engines.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { suiteFor } from '../../src/core/crypto/index.js';
import { makeSigner } from '../../src/core/signed-document.js';
import { buildJoinRequest, verifyTrustList } from '../../src/federation/documents.js';
import { handleJoinRequest, decideMembership, getMember } from '../../src/hub/membership.js';
import { memberHistory } from '../../src/hub/history.js';
import { currentTrustList, type TrustListContext } from '../../src/hub/trust-list.js';

const policy = { reservedCodes: ['000000'] };
const newSigner = (suite: 'ed25519' | 'sm2-sm3' = 'ed25519') => makeSigner(suiteFor(suite), suiteFor(suite).generateKeyPair().privateKeyPem);
const join = (signer: ReturnType<typeof newSigner>, regionCode: string, name: string, endpoint = `http://127.0.0.1:1/${regionCode}`, at = new Date()) =>
  buildJoinRequest(signer, { regionCode, name, endpoint, nonce: 'n0nce-123456' }, at);

for (const engine of await engines()) {
  test(`${engine}: member list versions follow content; re-signing keeps the version; lifecycle transitions`, async () => {
    const t = await freshDatabase(engine, 'trust');
    const store = await openDatabase<TongbanDB>(t.url);
    try {
      await migrateToLatest(store);
      const hubSigner = newSigner('sm2-sm3');
      const ctx: TrustListContext = { db: store.db, signer: hubSigner, hubName: '国家枢纽', hubUrl: 'http://hub', validitySeconds: 3600 };
      const t0 = new Date('2026-11-24T00:00:00.000Z');

      const v1 = await currentTrustList(ctx, t0);
      assert.equal(v1.version, 1);
      assert.deepEqual(v1.doc.payload.members, []);

      const ah = newSigner();
      assert.equal((await handleJoinRequest(store.db, join(ah, '340000', '安徽', undefined, t0), policy, t0)).status, 'pending');
      // a pending request is not on the list: same content, same version
      assert.equal((await currentTrustList(ctx, t0)).version, 1);
      await decideMembership(store.db, '340000', 'approve', 'test', undefined, t0);
      const v2 = await currentTrustList(ctx, t0);
      assert.equal(v2.version, 2);
      assert.deepEqual(v2.doc.payload.members.map((m) => [m.regionCode, m.status, m.keys[0]!.keyId]), [['340000', 'active', ah.keyId]]);
      const payload = verifyTrustList(v2.doc, { keyId: hubSigner.keyId });
      assert.equal(payload.expiresAt, '2026-11-24T01:00:00.000Z');

      // no change → the very same signed document
      const again = await currentTrustList(ctx, new Date(t0.getTime() + 10 * 60_000));
      assert.deepEqual(again.doc, v2.doc);
      // past half the validity → same version, fresh expiry, new signature
      const later = new Date(t0.getTime() + 31 * 60_000);
      const resigned = await currentTrustList(ctx, later);
      assert.equal(resigned.version, 2);
      assert.equal(resigned.doc.payload.expiresAt, '2026-11-24T01:31:00.000Z');
      assert.notEqual(resigned.etag, v2.etag);
      verifyTrustList(resigned.doc, { keyId: hubSigner.keyId });

      // the node moves: same key, new endpoint → the change waits for the operator; the list keeps
      // the approved endpoint (a signing key alone does not redirect a region's traffic)
      const moved = await handleJoinRequest(store.db, join(ah, '340000', '安徽', 'http://127.0.0.1:2/new', later), policy, later);
      assert.deepEqual([moved.status, moved.changed, moved.changePending], ['approved', true, true]);
      assert.deepEqual(await currentTrustList(ctx, later), resigned, 'the list is unchanged while the change waits');
      const waiting = (await getMember(store.db, '340000'))!;
      assert.deepEqual([waiting.endpoint, waiting.pendingChange?.endpoint, waiting.pendingChange?.name], ['http://127.0.0.1:1/340000', 'http://127.0.0.1:2/new', '安徽']);
      // asking again for the same change changes nothing; asking for the approved values withdraws it
      assert.deepEqual(await handleJoinRequest(store.db, join(ah, '340000', '安徽', 'http://127.0.0.1:2/new', later), policy, later), { ...moved, changed: false });
      assert.equal((await handleJoinRequest(store.db, join(ah, '340000', '安徽', undefined, later), policy, later)).changePending, undefined);
      assert.equal((await getMember(store.db, '340000'))!.pendingChange, null);
      await assert.rejects(decideMembership(store.db, '340000', 'approve-change', 'test', undefined, later), /E_CONFLICT: region 340000 has no pending change/);
      // asked for a name the operator does not accept: rejected (with a reason), nothing moves
      await handleJoinRequest(store.db, join(ah, '340000', '安徽省(新)', undefined, later), policy, later);
      await assert.rejects(decideMembership(store.db, '340000', 'reject-change', 'test', undefined, later), /needs a reason/);
      await decideMembership(store.db, '340000', 'reject-change', 'test', 'name not as registered', later);
      assert.deepEqual([(await getMember(store.db, '340000'))!.name, (await getMember(store.db, '340000'))!.pendingChange], ['安徽', null]);
      assert.equal((await currentTrustList(ctx, later)).version, 2);
      // asked again and approved: a new version with the new endpoint
      await handleJoinRequest(store.db, join(ah, '340000', '安徽', 'http://127.0.0.1:2/new', later), policy, later);
      const approved = await decideMembership(store.db, '340000', 'approve-change', 'test', undefined, later);
      assert.deepEqual([approved.status, approved.endpoint, approved.pendingChange], ['approved', 'http://127.0.0.1:2/new', null]);
      const v3 = await currentTrustList(ctx, later);
      assert.equal(v3.version, 3);
      assert.equal(v3.doc.payload.members[0]!.endpoint, 'http://127.0.0.1:2/new');

      // suspend → listed as suspended; reinstate; revoke ends it and frees the code for a new key
      await decideMembership(store.db, '340000', 'suspend', 'test', 'audit pending', later);
      assert.equal((await currentTrustList(ctx, later)).doc.payload.members[0]!.status, 'suspended');
      // suspended, it cannot move its endpoint or rename itself: refused, nothing changed
      const suspendedList = (await currentTrustList(ctx, later)).doc;
      await assert.rejects(handleJoinRequest(store.db, join(ah, '340000', '安徽-改名', 'http://10.9.9.9:1/x', later), policy, later), /E_FORBIDDEN/);
      assert.deepEqual((await currentTrustList(ctx, later)).doc, suspendedList);
      await assert.rejects(decideMembership(store.db, '340000', 'approve', 'test'), /E_CONFLICT/);
      await decideMembership(store.db, '340000', 'reinstate', 'test', undefined, later);
      await assert.rejects(decideMembership(store.db, '340000', 'revoke', 'test'), /needs a reason/);
      await decideMembership(store.db, '340000', 'revoke', 'test', 'key lost', later);
      assert.deepEqual((await currentTrustList(ctx, later)).doc.payload.members, []);
      await assert.rejects(handleJoinRequest(store.db, join(ah, '340000', '安徽', undefined, later), policy, later), /E_MEMBERSHIP_REJECTED: key lost/);
      const replacement = newSigner('sm2-sm3');
      assert.equal((await handleJoinRequest(store.db, join(replacement, '340000', '安徽', undefined, later), policy, later)).status, 'pending');
      // the old key cannot come back for another region either
      await assert.rejects(handleJoinRequest(store.db, join(ah, '320000', '江苏', undefined, later), policy, later), /E_CONFLICT: key .* is registered to region 340000/);
      const history = await memberHistory(store.db, '340000');
      assert.deepEqual(history.map((e) => e.action), [
        'requested', 'approved', 'change-requested', 'change-withdrawn', 'change-requested', 'change-rejected', 'change-requested', 'change-approved',
        'suspended', 'reinstated', 'revoked', 'requested',
      ]);
      // each event's facts, structured (for a client to say in its language) and in English words
      const moveTo = { endpoint: { from: 'http://127.0.0.1:1/340000', to: 'http://127.0.0.1:2/new' } };
      const rename = { name: { from: '安徽', to: '安徽省(新)' } };
      assert.deepEqual(history.map((e) => e.data), [
        null, null, { kind: 'change', ...moveTo }, null, { kind: 'change', ...rename }, { kind: 'change', ...rename, reason: 'name not as registered' },
        { kind: 'change', ...moveTo }, { kind: 'change', ...moveTo },
        { kind: 'reason', reason: 'audit pending' }, null, { kind: 'reason', reason: 'key lost' }, { kind: 'after-rejection' },
      ]);
      assert.deepEqual(history.map((e) => e.detail), [
        null, null, 'endpoint http://127.0.0.1:1/340000 → http://127.0.0.1:2/new', null, 'name 安徽 → 安徽省(新)', 'name 安徽 → 安徽省(新) (name not as registered)',
        'endpoint http://127.0.0.1:1/340000 → http://127.0.0.1:2/new', 'endpoint http://127.0.0.1:1/340000 → http://127.0.0.1:2/new',
        'audit pending', null, 'key lost', 'new request after rejection',
      ]);
      assert.ok(history.every((e) => e.actorName === null), 'nodes and labels are no accounts');
      // stored as JSON beside the old text column, which new events leave empty
      const stored = await store.db.selectFrom('hub_member_event').select(['detail', 'detail_json']).where('region_code', '=', '340000').where('action', '=', 'revoked').executeTakeFirstOrThrow();
      assert.deepEqual([stored.detail, JSON.parse(stored.detail_json!)], [null, { kind: 'reason', reason: 'key lost' }]);
      await assert.rejects(decideMembership(store.db, '999999', 'approve', 'test'), /E_NOT_FOUND/);
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
}

test('a member list is accepted only with the pinned hub key, untampered', async () => {
  const t = await freshDatabase('sqlite', 'trustv');
  const store = await openDatabase<TongbanDB>(t.url);
  try {
    await migrateToLatest(store);
    const hubSigner = newSigner();
    const { doc } = await currentTrustList({ db: store.db, signer: hubSigner, hubName: 'h', hubUrl: 'http://hub', validitySeconds: 3600 });
    assert.throws(() => verifyTrustList(doc, { keyId: 'ed25519:' + '0'.repeat(32) }), /E_NOT_TRUSTED/);
    const tampered = structuredClone(doc);
    tampered.payload.version = 99;
    assert.throws(() => verifyTrustList(tampered, { keyId: hubSigner.keyId }), /E_SIGNATURE/);
    // an attacker's list carrying the pinned id but another key
    const evil = newSigner();
    const forged = structuredClone(doc);
    forged.payload.hub.keys = [{ keyId: hubSigner.keyId, suite: 'ed25519', publicKey: evil.publicKeyPem }];
    assert.throws(() => verifyTrustList(forged, { keyId: hubSigner.keyId }), /E_NOT_TRUSTED: hub key id does not match/);
    assert.throws(() => verifyTrustList({ payload: { type: 'x' }, signature: doc.signature }, { keyId: hubSigner.keyId }), /E_INVALID_REQUEST/);
  } finally {
    await store.close();
    await t.cleanup();
  }
});
