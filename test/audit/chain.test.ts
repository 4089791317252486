import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalize } from '../../src/core/jcs.js';
import { suiteFor } from '../../src/core/crypto/index.js';
import { makeSigner } from '../../src/core/signed-document.js';
import { GENESIS_HASH, canonicalContent, chainEntries, computeEntryHash, entryContent, verifyChain, type AuditEntryRecord } from '../../src/audit/chain.js';
import { prepareEntry, subjectRefOf } from '../../src/audit/event.js';
import { anchorProblem, buildAnchor, buildCheckpoint, buildRestoreDeclaration, buildRestoreReceipt, checkCheckpointShape, checkRestoreShape, memberSignatureProblem, restoreReceiptProblem, type Checkpoint } from '../../src/audit/documents.js';

function entries(n: number, alg: 'sha256' | 'sm3' = 'sha256'): AuditEntryRecord[] {
  const prepared = Array.from({ length: n }, (_, i) =>
    prepareEntry(
      { category: 'exchange', action: 'exchange.request.served', actor: { type: 'node', id: '310000', regionCode: '310000' }, outcome: 'ok', messageId: `m-${i + 1}`, counterparty: '310000' },
      { algorithm: alg, at: new Date(Date.UTC(2026, 10, 24, 10, 0, i)).toISOString(), subjectRef: () => 'x' },
    ),
  );
  return chainEntries({ seq: 0, hash: GENESIS_HASH }, prepared);
}

test('the hash is H(bytes(prev_hash) || JCS(content)), content = the columns without hash, NULLs omitted', () => {
  const [first] = entries(1);
  const e = first!;
  assert.equal(e.seq, 1);
  assert.equal(e.prev_hash, GENESIS_HASH);
  const content = entryContent(e);
  assert.equal('hash' in content, false);
  assert.equal('subject_ref' in content, false, 'NULL columns are omitted');
  assert.equal(content.seq, 1);
  // recomputed by hand, independently of computeEntryHash
  const expected = createHash('sha256').update(Buffer.concat([Buffer.alloc(32), Buffer.from(canonicalize(content), 'utf8')])).digest('hex');
  assert.equal(e.hash, expected);
  assert.match(e.hash, /^[0-9a-f]{64}$/);
  // SM3 for sm2-sm3 servers
  const [sm] = entries(1, 'sm3');
  assert.equal(sm!.alg, 'sm3');
  assert.equal(sm!.hash, createHash('sm3').update(Buffer.concat([Buffer.alloc(32), Buffer.from(canonicalize(entryContent(sm!)), 'utf8')])).digest('hex'));
  assert.notEqual(sm!.hash, computeEntryHash({ ...sm!, alg: 'sha256' }));
});

test('the fast canonical form of an entry is exactly RFC 8785 JCS', () => {
  const [base] = entries(1);
  const awkward = ['引号 "quoted" \\ back\\slash', 'tab\tnewline\n\u0001\u001f', '𠮷 emoji 😀 é', '</script>', ''];
  for (const text of awkward) {
    const e = { ...base!, actor_department: text, detail: JSON.stringify({ note: text }), seq: 123456789, subject_ref: null };
    assert.equal(canonicalContent(e), canonicalize(entryContent(e)));
  }
});

test('an intact chain verifies; each kind of damage is named at the first bad entry', () => {
  const good = entries(30);
  assert.deepEqual(verifyChain(good).problems, []);
  assert.equal(verifyChain(good).head?.seq, 30);

  const altered = good.map((e) => (e.seq === 17 ? { ...e, action: 'exchange.request.refused' } : e));
  assert.equal(verifyChain(altered).firstProblem?.reason, 'seq 17: hash does not match its content');

  const rehashed = good.map((e) => {
    if (e.seq !== 17) return e;
    const changed = { ...e, outcome: 'refused' };
    return { ...changed, hash: computeEntryHash(changed) };
  });
  assert.deepEqual(verifyChain(rehashed).firstProblem, { seq: 18, reason: 'seq 18: prev_hash does not link to seq 17' });

  const deleted = good.filter((e) => e.seq !== 20);
  assert.deepEqual(verifyChain(deleted).firstProblem, { seq: 20, reason: 'gap: seq 20 missing after 19' });
  assert.equal(verifyChain(deleted).problems.length, 1, 'a gap is reported once, not again as a broken link');

  const twoGone = good.filter((e) => e.seq !== 20 && e.seq !== 21);
  assert.equal(verifyChain(twoGone).firstProblem?.reason, 'gap: seq 20–21 missing after 19');
  assert.equal(verifyChain(good.slice(1)).firstProblem?.reason, 'gap: seq 1 missing at the start of the log');

  // reordered: two rows swap their seq
  const swapped = good.map((e) => (e.seq === 5 ? { ...e, seq: 6 } : e.seq === 6 ? { ...e, seq: 5 } : e)).sort((a, b) => a.seq - b.seq);
  assert.deepEqual(verifyChain(swapped).firstProblem, { seq: 5, reason: 'seq 5: hash does not match its content' });

  // the wrong algorithm for this server's suite
  assert.equal(verifyChain(good, { expectedAlgorithm: 'sm3' }).firstProblem?.reason, 'seq 1: hashed with sha256, but this server\'s suite uses sm3');
  // a bad genesis
  const badGenesis = [{ ...good[0]!, prev_hash: 'f'.repeat(64) }];
  badGenesis[0]!.hash = computeEntryHash(badGenesis[0]!);
  assert.equal(verifyChain(badGenesis).firstProblem?.reason, 'seq 1: prev_hash is not the genesis value (64 zeros)');
});

test('events: the ID number is kept only as a keyed hash and a masked form; bad events are named', () => {
  const key = Buffer.alloc(32, 7);
  const row = prepareEntry(
    {
      category: 'exchange', action: 'exchange.request.sent', actor: { type: 'user', id: 'clerk-17', regionCode: '310000', department: '市民政局' }, outcome: 'ok',
      subject: { idNumber: '34010419900307123x' }, purpose: { serviceItem: '婚姻登记', caseId: 'C-1' }, fields: ['name', 'marital_status'],
      detail: { note: 'citizen 340104199003071234 at the window', ms: 12 },
    },
    { algorithm: 'sm3', at: '2026-11-24T10:00:00.000Z', subjectRef: (id) => subjectRefOf(key, 'sm3', id) },
  );
  assert.equal(row.subject_masked, '3401**********123X');
  assert.equal(row.subject_ref, subjectRefOf(key, 'sm3', '34010419900307123X'), 'case-insensitive X');
  assert.match(row.subject_ref!, /^[0-9a-f]{64}$/);
  assert.equal(row.purpose, '{"caseId":"C-1","serviceItem":"婚姻登记"}');
  assert.equal(row.fields, '["name","marital_status"]');
  assert.ok(!JSON.stringify(row).includes('340104199003071234'), 'no ID number in clear, even in detail');
  const ctx = { algorithm: 'sha256' as const, at: 'x', subjectRef: () => 'r' };
  assert.throws(() => prepareEntry({ category: 'nope', action: 'x', actor: { type: 'user', id: 'u' }, outcome: 'ok' } as never, ctx), /category must be one of/);
  assert.throws(() => prepareEntry({ category: 'admin', action: 'Bad Action', actor: { type: 'user', id: 'u' }, outcome: 'ok' }, ctx), /action must be dotted/);
  assert.throws(() => prepareEntry({ category: 'admin', action: 'a.b', actor: { type: 'user', id: '' }, outcome: 'ok' }, ctx), /actor\.id must be/);
  assert.throws(() => prepareEntry({ category: 'admin', action: 'a.b', actor: { type: 'user', id: 'u' }, outcome: 'ok', counterparty: '31' }, ctx), /counterparty/);
  assert.throws(() => prepareEntry({ category: 'admin', action: 'a.b', actor: { type: 'user', id: 'u\u0000' }, outcome: 'ok' }, ctx), /actor\.id/);
  assert.throws(() => prepareEntry({ category: 'admin', action: 'a.b', actor: { type: 'user', id: '\ud800' }, outcome: 'ok' }, ctx), /actor\.id/);
});

test('checkpoint and anchor documents: signature by a member key, countersignature bound to the exact checkpoint', () => {
  const ed = suiteFor('ed25519');
  const node = makeSigner(ed, ed.generateKeyPair().privateKeyPem);
  const hub = makeSigner(suiteFor('sm2-sm3'), suiteFor('sm2-sm3').generateKeyPair().privateKeyPem);
  const key = (s: typeof node) => ({ keyId: s.keyId, suite: s.suite.name, publicKey: s.publicKeyPem });
  const cp = buildCheckpoint(node, { regionCode: '340000', seq: 40, headHash: 'a'.repeat(64), algorithm: 'sha256' });
  assert.deepEqual(checkCheckpointShape(JSON.parse(JSON.stringify(cp))), cp);
  assert.equal(memberSignatureProblem(cp, [key(node)]), undefined);
  assert.match(memberSignatureProblem(cp, [key(hub)]) ?? '', /not a key of region 340000/);
  const altered: Checkpoint = { ...cp, payload: { ...cp.payload, headHash: 'b'.repeat(64) } };
  assert.equal(memberSignatureProblem(altered, [key(node)]), 'signature does not verify');
  assert.throws(() => checkCheckpointShape({ ...cp, payload: { ...cp.payload, extra: 1 } }), /exactly the fields/);
  assert.throws(() => checkCheckpointShape({ ...cp, payload: { ...cp.payload, count: 39 } }), /count must equal/);

  const anchor = buildAnchor(hub, cp);
  assert.equal(anchorProblem(anchor, cp, [key(hub)]), undefined);
  assert.match(anchorProblem(anchor, cp, [key(node)]) ?? '', /not a hub key/);
  const resigned = buildCheckpoint(node, { regionCode: '340000', seq: 40, headHash: 'a'.repeat(64), algorithm: 'sha256' }, new Date(Date.now() + 1000));
  assert.match(anchorProblem(anchor, resigned, [key(hub)]) ?? '', /digest differs/);
  assert.equal(anchorProblem({ ...anchor, payload: { ...anchor.payload, seq: 41 } }, cp, [key(hub)]), 'hub countersignature does not verify');
});

test('restore declaration and receipt: closed shape, sane ranges, a receipt bound to the exact declaration', () => {
  const ed = suiteFor('ed25519');
  const node = makeSigner(ed, ed.generateKeyPair().privateKeyPem);
  const hub = makeSigner(ed, ed.generateKeyPair().privateKeyPem);
  const key = (s: typeof node) => ({ keyId: s.keyId, suite: s.suite.name, publicKey: s.publicKeyPem });
  const fields = { regionCode: '340000', keepThrough: 40, keepHeadHash: 'a'.repeat(64), supersededThrough: 90, reason: '恢复了前一天的备份', algorithm: 'sha256' as const };
  const decl = buildRestoreDeclaration(node, fields);
  assert.deepEqual(checkRestoreShape(JSON.parse(JSON.stringify(decl))), decl);
  assert.equal(memberSignatureProblem(decl, [key(node)]), undefined);
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an extra field', { extra: 1 }, /exactly the fields/],
    ['a head with nothing kept', { keepThrough: 0 }, /keepHeadHash must be .* \(null when keepThrough is 0\)/],
    ['nothing superseded', { supersededThrough: 40 }, /supersededThrough must be an integer above keepThrough/],
    ['no reason', { reason: '  ' }, /reason must be 1–500 characters/],
    ['a reason too long', { reason: '因'.repeat(501) }, /reason must be 1–500 characters/],
    ['another type', { type: 'tongban.audit-checkpoint' }, /payload.type must be "tongban.audit-restore"/],
  ];
  for (const [name, change, message] of bad) assert.throws(() => checkRestoreShape({ ...decl, payload: { ...decl.payload, ...change } }), message, name);
  assert.doesNotThrow(() => checkRestoreShape(buildRestoreDeclaration(node, { ...fields, keepThrough: 0, keepHeadHash: null })));

  const receipt = buildRestoreReceipt(hub, decl, { from: 41, through: 90, count: 12 });
  assert.equal(restoreReceiptProblem(receipt, decl, [key(hub)]), undefined);
  assert.match(restoreReceiptProblem(receipt, decl, [key(node)]) ?? '', /not a hub key/);
  const other = buildRestoreDeclaration(node, { ...fields, reason: '例行维护' });
  assert.match(restoreReceiptProblem(receipt, other, [key(hub)]) ?? '', /digest differs/);
  assert.equal(restoreReceiptProblem({ ...receipt, payload: { ...receipt.payload, superseded: 1 } }, decl, [key(hub)]), 'restore receipt does not verify');
  assert.match(restoreReceiptProblem(buildAnchor(hub, buildCheckpoint(node, { regionCode: '340000', seq: 40, headHash: 'a'.repeat(64), algorithm: 'sha256' })), decl, [key(hub)]) ?? '', /not a tongban.audit-restore-receipt document/);
});
