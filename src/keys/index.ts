// keys: a server's signing key and operator token on disk. Generated on first start, kept in the
// data directory with owner-only permissions, never committed, never logged.

import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

// ---- rotation: the next key is staged beside the current one until the hub has accepted it ----

function nextKeyPath(dataDir: string, suite: SuiteName): string {
  return join(dataDir, 'keys', `${suite}-signing.next.key`);
}

/** Generates the next signing key and keeps it beside the current one (owner-only). */
export function stageNextKey(dataDir: string, suiteName: SuiteName): Signer {
  const suite = suiteFor(suiteName);
  const kp = suite.generateKeyPair();
  writeSecretFile(nextKeyPath(dataDir, suiteName), kp.privateKeyPem);
  return makeSigner(suite, kp.privateKeyPem);
}

/** The staged next key, if a rotation was started and not finished. */
export function stagedNextKey(dataDir: string, suiteName: SuiteName): Signer | undefined {
  const path = nextKeyPath(dataDir, suiteName);
  if (!existsSync(path)) return undefined;
  return makeSigner(suiteFor(suiteName), readFileSync(path, 'utf8'));
}

/**
 * Makes the staged key the current one. The retired private key is deleted (it must never sign
 * again); its public key is kept under keys/retired/ for verifying what it signed.
 */
export function promoteNextKey(dataDir: string, suiteName: SuiteName, retired: { keyId: string; publicKeyPem: string }): void {
  const paths = keyPaths(dataDir, suiteName);
  const next = nextKeyPath(dataDir, suiteName);
  const suite = suiteFor(suiteName);
  writeFileAtomic(join(dataDir, 'keys', 'retired', `${retired.keyId.replace(':', '_')}.pub`), retired.publicKeyPem, 0o644);
  writeFileAtomic(paths.publicKey, suite.publicKeyFromPrivate(readFileSync(next, 'utf8')), 0o644);
  renameSync(next, paths.privateKey);
}

export function discardNextKey(dataDir: string, suiteName: SuiteName): void {
  rmSync(nextKeyPath(dataDir, suiteName), { force: true });
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

/**
 * Admits a request whose `Authorization: Bearer <token>` matches a server token's stored hash (the
 * operator and metrics tokens); E_UNAUTHENTICATED otherwise, also while no token has been issued.
 */
export function requireBearerToken(authorization: unknown, expectedHash: string | undefined, refusal: string): void {
  const token = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
  if (!token || !expectedHash || !tokenMatches(token, expectedHash)) throw new TongbanError('E_UNAUTHENTICATED', refusal);
}
