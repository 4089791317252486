// crypto: the suite interface (sign, verify, digest, key import/export) and its two implementations.
import { TongbanError } from '../errors.js';
import { ed25519Suite } from './ed25519.js';
import { sm2Suite } from './sm2.js';
import { isSuiteName, type CryptoSuite, type SuiteName } from './suite.js';

export * from './suite.js';

const SUITES: Record<SuiteName, CryptoSuite> = { ed25519: ed25519Suite, 'sm2-sm3': sm2Suite };

export function suiteFor(name: string): CryptoSuite {
  if (!isSuiteName(name)) throw new TongbanError('E_INVALID_REQUEST', `unknown crypto suite "${name}" (expected ed25519 or sm2-sm3)`);
  return SUITES[name];
}

/**
 * A key's identifier: the suite's digest of the SPKI DER, first 16 bytes, hex. Stable across PEM
 * formatting; `<suite>:` prefix so an id never matches a key of the other suite.
 */
export function keyIdOf(suite: CryptoSuite, publicKeyPem: string): string {
  const canonical = suite.normalisePublicKey(publicKeyPem);
  const der = Buffer.from(canonical.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return `${suite.name}:${suite.digest(der).subarray(0, 16).toString('hex')}`;
}
