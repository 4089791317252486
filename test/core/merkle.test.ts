import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { allInclusionProofs, inclusionProof, leafHash, merkleRoot, rootFromProof } from '../../src/core/merkle.js';

const sha256 = (d: Uint8Array) => createHash('sha256').update(d).digest();

test('RFC 6962 hashing: the empty-string leaf and a two-leaf tree', () => {
  // RFC 6962 test vector: leaf hash of the empty string
  assert.equal(leafHash(sha256, Buffer.alloc(0)).toString('hex'), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  const a = leafHash(sha256, Buffer.from([0]));
  const b = leafHash(sha256, Buffer.from([0x10]));
  const root = merkleRoot(sha256, [a, b]);
  assert.equal(root.toString('hex'), sha256(Buffer.concat([Buffer.from([1]), a, b])).toString('hex'));
});

test('every leaf of trees of size 1..33 proves into the root, and nothing else does', () => {
  for (let n = 1; n <= 33; n++) {
    const leaves = Array.from({ length: n }, (_, i) => leafHash(sha256, Buffer.from(`m${i}`)));
    const { root, proofs } = allInclusionProofs(sha256, leaves);
    assert.deepEqual(root, merkleRoot(sha256, leaves));
    for (let i = 0; i < n; i++) {
      assert.deepEqual(proofs[i], inclusionProof(sha256, leaves, i), `proof ${i}/${n}`);
      assert.deepEqual(rootFromProof(sha256, leaves[i]!, i, n, proofs[i]!), root, `verify ${i}/${n}`);
      const other = leafHash(sha256, Buffer.from('forged'));
      assert.notDeepEqual(rootFromProof(sha256, other, i, n, proofs[i]!), root);
      if (n > 1) {
        assert.notDeepEqual(rootFromProof(sha256, leaves[i]!, (i + 1) % n, n, proofs[i]!), root, `wrong index ${i}/${n}`);
        assert.equal(rootFromProof(sha256, leaves[i]!, i, n, [...proofs[i]!, root]), undefined, 'too long a proof');
      }
    }
  }
  assert.equal(rootFromProof(sha256, Buffer.alloc(32), 5, 3, []), undefined);
});
