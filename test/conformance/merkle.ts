// Clean-room conformance node, part 3: the batch signatures of docs/PROTOCOL.md §5.3 — an RFC 9162 §2.1
// Merkle tree over the messages signed in one turn, and its inclusion proofs. Independent of Tongban's
// own batch code in src/ on purpose (the duplication is intended).
import { canonicalBytes } from './canonical.js';
import { decodeStrictBase64, digest, verifySignature, type SigningKey, type Suite } from './suites.js';

export interface Batch {
  size: number;
  index: number;
  root: string;
  proof: string[];
}

export interface BatchSignature {
  suite: Suite;
  keyId: string;
  value: string;
  batch: Batch;
}

const node = (suite: Suite, left: Buffer, right: Buffer): Buffer => digest(suite, Buffer.from([1]), left, right);

/** leaf = H(0x00 ‖ JCS(P)) */
export const leafOf = (suite: Suite, payload: unknown): Buffer => digest(suite, Buffer.from([0]), canonicalBytes(payload));

/** the largest power of two strictly below n (n ≥ 2) */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function treeHash(suite: Suite, leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return node(suite, treeHash(suite, leaves.slice(0, k)), treeHash(suite, leaves.slice(k)));
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]), leaf to root */
function path(suite: Suite, m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...path(suite, m, leaves.slice(0, k)), treeHash(suite, leaves.slice(k))]
    : [...path(suite, m - k, leaves.slice(k)), treeHash(suite, leaves.slice(0, k))];
}

/**
 * Signs `payloads` in one turn: one signature over the root, a batch member per message. `extraLeaves`
 * puts other leaves into the tree after the payloads' (a signer batching with messages sent elsewhere).
 */
export function signBatch(key: SigningKey, payloads: unknown[], extraLeaves: Buffer[] = []): BatchSignature[] {
  const leaves = [...payloads.map((p) => leafOf(key.suite, p)), ...extraLeaves];
  const root = treeHash(key.suite, leaves);
  const value = key.sign(root).toString('base64');
  return payloads.map((_, index) => ({
    suite: key.suite,
    keyId: key.keyId,
    value,
    batch: { size: leaves.length, index, root: root.toString('hex'), proof: path(key.suite, index, leaves).map((h) => h.toString('hex')) },
  }));
}

/** RFC 9162 §2.1.3.2: the root that `proof` leads to from `leaf` at `index` of `size`, or undefined. */
export function rootFromProof(suite: Suite, leaf: Buffer, index: number, size: number, proof: Buffer[]): Buffer | undefined {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = node(suite, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = node(suite, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** §5.3 verification of a batched signature over `payload` with the signer's public key. */
export function verifyBatchSignature(payload: unknown, sig: BatchSignature, publicKeyPem: string): { ok: true } | { ok: false; why: string } {
  const { batch } = sig;
  if (!/^[0-9a-f]{64}$/.test(batch.root) || !batch.proof.every((h) => /^[0-9a-f]{64}$/.test(h))) return { ok: false, why: 'root or proof not lower-case hex' };
  const root = rootFromProof(sig.suite, leafOf(sig.suite, payload), batch.index, batch.size, batch.proof.map((h) => Buffer.from(h, 'hex')));
  if (!root) return { ok: false, why: 'the proof does not fit index and size' };
  if (root.toString('hex') !== batch.root) return { ok: false, why: 'the proof does not lead to the root' };
  const value = decodeStrictBase64(sig.value);
  if (!value) return { ok: false, why: 'the signature is not strict base64' };
  if (!verifySignature(sig.suite, publicKeyPem, root, value)) return { ok: false, why: 'the signature does not verify over the root' };
  return { ok: true };
}
