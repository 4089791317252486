// keys: a server's signing key and operator token on disk. Generated on first start, kept in the
// data directory with owner-only permissions, never committed, never logged.

import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { suiteFor, type SuiteName } from '../core/crypto/index.js';
import { makeSigner, type Signer } from '../core/signed-document.js';
import { TongbanError } from '../core/errors.js';

export interface Identity extends Signer {
  /** true when this start created the key */
  created: boolean;
  privateKeyPath: string;
}

export function keyPaths(dataDir: string, suite: SuiteName): { privateKey: string; publicKey: string } {
  return { privateKey: join(dataDir, 'keys', `${suite}-signing.key`), publicKey: join(dataDir, 'keys', `${suite}-signing.pub`) };
}

/** Loads the server's signing key for its suite, creating it on first start. */
export function loadOrCreateIdentity(dataDir: string, suiteName: SuiteName): Identity {
  const suite = suiteFor(suiteName);
  const paths = keyPaths(dataDir, suiteName);
  let created = false;
  if (!existsSync(paths.privateKey)) {
    const kp = suite.generateKeyPair();
    writeSecretFile(paths.privateKey, kp.privateKeyPem);
    writeFileAtomic(paths.publicKey, kp.publicKeyPem, 0o644);
    created = true;
  }
  let pem: string;
  try {
    pem = readFileSync(paths.privateKey, 'utf8');
  } catch (e) {
    throw new TongbanError('E_INVALID_CONFIG', `cannot read signing key ${paths.privateKey}: ${(e as Error).message}`);
  }
  try {
    return { ...makeSigner(suite, pem), created, privateKeyPath: paths.privateKey };
  } catch (e) {
    throw new TongbanError('E_INVALID_CONFIG', `${paths.privateKey} is not a ${suiteName} private key: ${(e as Error).message}`);
  }
}

/** Writes a file readable by the owner only, atomically (no half-written key after a crash). */
export function writeSecretFile(path: string, content: string): void {
  writeFileAtomic(path, content, 0o600);
}

function writeFileAtomic(path: string, content: string, mode: number): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

// ---- operator token (hub operator API) -----------------------------------------------------

export function operatorTokenPath(dataDir: string): string {
  return join(dataDir, 'operator.token');
}

export function newOperatorToken(): string {
  return `tbop_${randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenMatches(presented: string, expectedHash: string): boolean {
  const a = Buffer.from(hashToken(presented), 'hex');
  const b = Buffer.from(expectedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
