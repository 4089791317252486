// Signed documents: the member list, join requests and (later) the directory all travel as
// { payload, signature } where the signature covers the RFC 8785 canonical bytes of the payload
// exactly as received. One module signs and verifies them.

import { canonicalBytes } from './jcs.js';
import { keyIdOf, suiteFor, type CryptoSuite, type SuiteName } from './crypto/index.js';
import { TongbanError } from './errors.js';

export interface SignatureBlock {
  suite: SuiteName;
  keyId: string;
  /** base64 of the raw signature bytes (SM2: DER) */
  value: string;
}

export interface SignedDocument<P> {
  payload: P;
  signature: SignatureBlock;
}

export interface Signer {
  suite: CryptoSuite;
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export function makeSigner(suite: CryptoSuite, privateKeyPem: string): Signer {
  const publicKeyPem = suite.publicKeyFromPrivate(privateKeyPem);
  return { suite, keyId: keyIdOf(suite, publicKeyPem), privateKeyPem, publicKeyPem };
}

export function signDocument<P>(payload: P, signer: Signer): SignedDocument<P> {
  const value = signer.suite.sign(signer.privateKeyPem, canonicalBytes(payload)).toString('base64');
  return { payload, signature: { suite: signer.suite.name, keyId: signer.keyId, value } };
}

export interface VerificationKey {
  suite: string;
  keyId: string;
  publicKeyPem: string;
}

/**
 * Verifies a signed document against the one key the caller trusts for it. Throws E_NOT_TRUSTED
 * when the document names another key, E_SIGNATURE when the bytes do not verify.
 */
export function verifyDocument<P>(doc: unknown, key: VerificationKey): SignedDocument<P> {
  const d = assertSignedShape<P>(doc);
  if (d.signature.keyId !== key.keyId || d.signature.suite !== key.suite) {
    throw new TongbanError('E_NOT_TRUSTED', `signed by ${d.signature.keyId}, expected ${key.keyId}`);
  }
  const suite = suiteFor(key.suite);
  const sig = signatureBytes(d.signature.value);
  const ok = sig !== undefined && suite.verify(key.publicKeyPem, canonicalBytes(d.payload), sig);
  if (!ok) throw new TongbanError('E_SIGNATURE', `signature by ${key.keyId} does not verify`);
  return d;
}

/**
 * A signature `value`'s bytes, or undefined unless it is base64 exactly as RFC 4648 §4 writes it:
 * standard alphabet, `=` padding, no line breaks, unused bits zero (PROTOCOL.md §1.3). Node's decoder
 * skips what it does not know, so one signature would otherwise have many spellings.
 */
export function signatureBytes(value: string): Buffer | undefined {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : undefined;
}

/**
 * The closed shape of a signed document: `{ payload, signature: { suite, keyId, value } }` and nothing
 * else (PROTOCOL.md §1.4). `extra` names top-level members a document type adds (a key rotation's
 * `proof`). A member outside the signature that a reader ignored could still mislead whoever reads the
 * stored document later, so none is let through.
 */
export function assertSignedShape<P>(doc: unknown, extra: readonly string[] = []): SignedDocument<P> {
  const d = doc as Partial<SignedDocument<P>> | null;
  const s = d?.signature;
  if (
    !d || typeof d !== 'object' || Array.isArray(d) || d.payload === undefined || d.payload === null || typeof d.payload !== 'object' || Array.isArray(d.payload) ||
    !s || typeof s !== 'object' || typeof s.suite !== 'string' || typeof s.keyId !== 'string' || typeof s.value !== 'string'
  ) {
    throw new TongbanError('E_INVALID_REQUEST', 'expected a signed document { payload, signature: { suite, keyId, value } }');
  }
  const unknownTop = Object.keys(d).find((k) => k !== 'payload' && k !== 'signature' && !extra.includes(k));
  if (unknownTop !== undefined) throw new TongbanError('E_INVALID_REQUEST', `signed document: unknown member "${unknownTop.slice(0, 64)}"`);
  const unknownSig = Object.keys(s).find((k) => k !== 'suite' && k !== 'keyId' && k !== 'value');
  if (unknownSig !== undefined) throw new TongbanError('E_INVALID_REQUEST', `signed document: unknown member "signature.${unknownSig.slice(0, 64)}"`);
  return d as SignedDocument<P>;
}
