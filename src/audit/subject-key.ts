// The secret behind subject_ref (the keyed hash of a citizen's ID number in the audit log). It lives
// in the data directory beside the signing key — owner-only, never in the database — so a copy of the
// database alone cannot be searched by brute-forcing ID numbers. Replicas share it like the signing key.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TongbanError } from '../core/errors.js';
import { writeSecretFile } from '../keys/index.js';

export function subjectKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'audit-subject.key');
}

/** Loads the 32-byte subject key, creating it on first start. */
export function loadOrCreateSubjectKey(dataDir: string): Buffer {
  const path = subjectKeyPath(dataDir);
  if (!existsSync(path)) writeSecretFile(path, `${randomBytes(32).toString('base64')}\n`);
  return readSubjectKey(path);
}

/** Loads the subject key if it exists (read-only tools such as `tongban audit`). */
export function readSubjectKey(path: string): Buffer {
  let key: Buffer;
  try {
    key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  } catch (e) {
    throw new TongbanError('E_INVALID_CONFIG', `cannot read the audit subject key ${path}: ${(e as Error).message}`);
  }
  if (key.length !== 32) throw new TongbanError('E_INVALID_CONFIG', `${path} does not hold a 32-byte base64 key`);
  return key;
}
