// Merkle trees for batch signatures, hashed as in RFC 6962 / RFC 9162 (Certificate Transparency):
// leaf = H(0x00 || data), node = H(0x01 || left || right), the tree split at the largest power of
// two below its size. One signature over the root covers every message in the batch; each message
// carries its inclusion proof. H is the signer's suite digest (SM3 or SHA-256).

export type Digest = (data: Uint8Array) => Buffer;

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export function leafHash(h: Digest, data: Uint8Array): Buffer {
  return h(Buffer.concat([LEAF, data]));
}

function nodeHash(h: Digest, left: Buffer, right: Buffer): Buffer {
  return h(Buffer.concat([NODE, left, right]));
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Root over already-hashed leaves (RFC 9162 §2.1.1 MTH). */
export function merkleRoot(h: Digest, leaves: Buffer[]): Buffer {
  if (leaves.length === 0) throw new Error('merkle: no leaves');
  if (leaves.length === 1) return leaves[0]!;
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(h, merkleRoot(h, leaves.slice(0, k)), merkleRoot(h, leaves.slice(k)));
}

/** Inclusion proof (audit path) for leaf `index` (RFC 9162 §2.1.3.1). */
export function inclusionProof(h: Digest, leaves: Buffer[], index: number): Buffer[] {
  if (index < 0 || index >= leaves.length) throw new Error('merkle: index out of range');
  if (leaves.length === 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  if (index < k) return [...inclusionProof(h, leaves.slice(0, k), index), merkleRoot(h, leaves.slice(k))];
  return [...inclusionProof(h, leaves.slice(k), index - k), merkleRoot(h, leaves.slice(0, k))];
}

/** All proofs of a batch at once, sharing subtree hashes (O(n log n) instead of O(n²)). */
export function allInclusionProofs(h: Digest, leaves: Buffer[]): { root: Buffer; proofs: Buffer[][] } {
  const proofs: Buffer[][] = leaves.map(() => []);
  const build = (lo: number, hi: number): Buffer => {
    const n = hi - lo;
    if (n === 1) return leaves[lo]!;
    const k = largestPowerOfTwoBelow(n);
    const left = build(lo, lo + k);
    const right = build(lo + k, hi);
    for (let i = lo; i < lo + k; i++) proofs[i]!.push(right);
    for (let i = lo + k; i < hi; i++) proofs[i]!.push(left);
    return nodeHash(h, left, right);
  };
  const root = build(0, leaves.length);
  return { root, proofs };
}

/** Recomputes the root from a leaf and its proof (RFC 9162 §2.1.3.2); undefined when the proof is malformed. */
export function rootFromProof(h: Digest, leaf: Buffer, index: number, size: number, proof: Buffer[]): Buffer | undefined {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(h, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(h, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}
