// The one small crypto interface every caller uses. Callers never branch on the suite: they ask
// `suiteFor(name)` and call sign / verify / digest. Keys travel as PEM (PKCS#8 private, SPKI public),
// so OpenSSL and other teams' tooling read them as they are.

export const SUITE_NAMES = ['ed25519', 'sm2-sm3'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface CryptoSuite {
  readonly name: SuiteName;
  /** node:crypto hash name used by `digest` and by the audit chain. */
  readonly hashName: 'sha256' | 'sm3';
  digest(data: Uint8Array): Buffer;
  generateKeyPair(): KeyPairPem;
  /** Signature bytes: Ed25519 raw 64 bytes; SM2 DER SEQUENCE{r,s} (GB/T 35276). */
  sign(privateKeyPem: string, data: Uint8Array): Buffer;
  verify(publicKeyPem: string, data: Uint8Array, signature: Uint8Array): boolean;
  /** Throws if the PEM is not a public key of this suite. Returns the canonical SPKI PEM. */
  normalisePublicKey(publicKeyPem: string): string;
  publicKeyFromPrivate(privateKeyPem: string): string;
}

export function isSuiteName(s: unknown): s is SuiteName {
  return typeof s === 'string' && (SUITE_NAMES as readonly string[]).includes(s);
}
