// Signing and sealing exchange messages, batched. Every message that is signed in the same turn of
// the event loop joins one Merkle tree; the node signs the root once and each message carries its
// inclusion proof. Under light load a batch holds one message (no added latency); under heavy load
// SM2's cost per signature is shared by the whole batch. Verification caches roots it has checked,
// so the messages of one batch cost one signature verification at the receiver too.
// docs/PROTOCOL.md §5.3 specifies the bytes.

import { canonicalBytes } from '../core/jcs.js';
import { allInclusionProofs, leafHash, rootFromProof } from '../core/merkle.js';
import { suiteFor, type SuiteName } from '../core/crypto/index.js';
import { signatureBytes, type Signer } from '../core/signed-document.js';
import { BoundedCache } from '../core/crypto/cache.js';
import type { RequestPayload, ResponsePayload } from './envelope.js';

export interface BatchInfo {
  /** messages in the batch */
  size: number;
  /** this message's leaf index */
  index: number;
  /** hex Merkle root (the signed bytes) */
  root: string;
  /** hex sibling hashes, leaf to root */
  proof: string[];
}

export interface SealBlock {
  suite: SuiteName;
  keyId: string;
  /** base64 signature over the 32-byte Merkle root */
  value: string;
  batch: BatchInfo;
}

interface Pending {
  leaf: Buffer;
  resolve: (b: SealBlock) => void;
  reject: (e: unknown) => void;
}

export interface BatchSignerOptions {
  /** largest batch (default 512) */
  maxBatch?: number;
}

export class BatchSigner {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  /** batches signed and messages covered, for metrics and benches */
  readonly stats = { batches: 0, messages: 0 };

  constructor(
    private readonly signer: Signer,
    opts: BatchSignerOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 512;
  }

  get keyId(): string {
    return this.signer.keyId;
  }

  get suiteName(): SuiteName {
    return this.signer.suite.name;
  }

  /** Signs the canonical bytes of `payload` (pass them if already computed) as part of the current batch. */
  sign(payload: unknown, bytes: Buffer = canonicalBytes(payload)): Promise<SealBlock> {
    const leaf = leafHash(this.signer.suite.digest, bytes);
    return new Promise((resolve, reject) => {
      this.queue.push({ leaf, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // after the I/O callbacks of this loop turn, so concurrent requests share a batch
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      const suite = this.signer.suite;
      const { root, proofs } = allInclusionProofs(suite.digest, batch.map((p) => p.leaf));
      const value = suite.sign(this.signer.privateKeyPem, root).toString('base64');
      const rootHex = root.toString('hex');
      this.stats.batches++;
      this.stats.messages += batch.length;
      batch.forEach((p, index) =>
        p.resolve({
          suite: suite.name,
          keyId: this.signer.keyId,
          value,
          batch: { size: batch.length, index, root: rootHex, proof: proofs[index]!.map((b) => b.toString('hex')) },
        }),
      );
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }
}

// Roots already verified: public key + root + signature → true. A forged proof cannot reuse an entry,
// because the root is recomputed from the message before the cache is consulted.
const verifiedRoots = new BoundedCache<string, true>(8192);

export type SealCheck = { ok: true } | { ok: false; reason: string };

/** Checks that `block` seals exactly `payload` with the given public key. */
export function verifySeal(payload: unknown, block: SealBlock, publicKeyPem: string, bytes: Buffer = canonicalBytes(payload)): SealCheck {
  const suite = suiteFor(block.suite);
  const b = block.batch;
  if (!b || !Array.isArray(b.proof) || typeof b.root !== 'string' || b.proof.some((p) => typeof p !== 'string' || !/^[0-9a-f]{64}$/.test(p))) {
    return { ok: false, reason: 'malformed batch proof' };
  }
  const leaf = leafHash(suite.digest, bytes);
  const root = rootFromProof(suite.digest, leaf, b.index, b.size, b.proof.map((p) => Buffer.from(p, 'hex')));
  if (!root) return { ok: false, reason: 'inclusion proof does not fit the batch size and index' };
  const rootHex = root.toString('hex');
  if (rootHex !== b.root) return { ok: false, reason: 'message is not in the signed batch (root mismatch)' };
  const cacheKey = `${publicKeyPem}|${rootHex}|${block.value}`;
  if (verifiedRoots.get(cacheKey)) return { ok: true };
  const sig = signatureBytes(block.value);
  if (!sig) return { ok: false, reason: 'signature value is not base64 as RFC 4648 §4 writes it' };
  if (!suite.verify(publicKeyPem, root, sig)) return { ok: false, reason: 'signature does not verify' };
  verifiedRoots.set(cacheKey, true);
  return { ok: true };
}

/** `<alg>:<hex>` digest of a message's canonical payload, binding a response to its request. */
export function messageHash(suiteName: SuiteName, payload: unknown, bytes: Buffer = canonicalBytes(payload)): string {
  const suite = suiteFor(suiteName);
  return `${suite.hashName}:${suite.digest(bytes).toString('hex')}`;
}

/** The same digest, computed with the algorithm a `<alg>:<hex>` string names. */
export function messageHashWithAlg(alg: string, payload: unknown, bytes?: Buffer): string | undefined {
  const name: SuiteName | undefined = alg === 'sm3' ? 'sm2-sm3' : alg === 'sha256' ? 'ed25519' : undefined;
  return name ? messageHash(name, payload, bytes) : undefined;
}

/**
 * How a response stands to the request it answers: `bound` when it names the request (`inReplyTo`) and
 * carries its hash, computed with the algorithm the response names (the provider's suite); `addressed`
 * when it goes from the request's addressee back to its sender. A requester shows a record only when
 * both hold — on a direct answer, on a delivery into its inbox, and in an evidence package checked later.
 * `knownHash` is the request's hash when the caller has it already (`<alg>:<hex>`, any algorithm).
 */
export function responseBinding(
  response: Pick<ResponsePayload, 'inReplyTo' | 'requestHash' | 'from' | 'to'>,
  request: RequestPayload,
  requestBytes?: Buffer,
  knownHash?: string,
): { bound: boolean; addressed: boolean } {
  const alg = response.requestHash?.split(':')[0];
  const expected = alg === undefined ? undefined : knownHash?.startsWith(`${alg}:`) ? knownHash : messageHashWithAlg(alg, request, requestBytes);
  return {
    bound: response.inReplyTo === request.messageId && response.requestHash !== null && expected === response.requestHash,
    addressed: response.from === request.to && response.to === request.from,
  };
}
