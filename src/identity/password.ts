// Passwords: scrypt (node:crypto) with a per-user random salt; the parameters travel inside the
// stored string, so they can be raised later without invalidating existing hashes:
//   scrypt$N=32768,r=8,p=1$<salt, base64url>$<32-byte key, base64url>
// Also: generating strong passwords to print once, and the minimum rules for chosen ones.

import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** ~65 ms on a 2-core machine; 32 MiB of memory per hash. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** refuse absurd parameters read back from the database (a tampered row must not exhaust memory) */
const MAX_N = 2 ** 20;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const opts: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, KEY_LENGTH, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password, salt, params);
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!(N >= 2 && N <= MAX_N && (N & (N - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return null;
  const salt = Buffer.from(m[4]!, 'base64url');
  const key = Buffer.from(m[5]!, 'base64url');
  if (salt.length < 8 || key.length < 16) return null;
  return { params: { N, r, p }, salt, key };
}

/** Constant-time comparison; false (never a throw) for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when the hash was made with weaker parameters than the current default (re-hash on next sign-in). */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.params.N < DEFAULT_SCRYPT.N || parsed.params.r < DEFAULT_SCRYPT.r;
}

let dummy: Promise<string> | undefined;
/**
 * Spends the same time as verifying a real password, for sign-ins with an unknown or disabled user
 * id: the response time must not tell whether an account exists.
 */
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(12).toString('base64url'));
  await verifyPassword(password, await dummy);
}

// Unambiguous characters only (no 0/O, 1/l/I), so a password read aloud or copied from a printout works.
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGIT = '23456789';
const ALPHABET = LOWER + UPPER + DIGIT;

/**
 * A strong random password in four groups of four, e.g. `Kf7q-Vn3x-Rb9m-Tz4w` (~92 bits), always
 * with lower case, upper case and digits, so it also satisfies common "three character classes" rules.
 */
export function generatePassword(): string {
  for (;;) {
    const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]!);
    const s = chars.join('');
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[2-9]/.test(s)) return [0, 4, 8, 12].map((i) => s.slice(i, i + 4)).join('-');
  }
}

export const MIN_PASSWORD_LENGTH = 10;

/**
 * Rules for a password an administrator chooses (GB/T 22239 等保 practice): at least 10 characters,
 * at least three of lower case, upper case, digits and symbols, not containing the user id.
 * Returns the reason in both languages, or null when acceptable.
 */
export function passwordProblem(password: string, userId?: string): { en: string; zh: string } | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return { en: `a password needs at least ${MIN_PASSWORD_LENGTH} characters`, zh: `密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符` };
  }
  if ([...password].length > 200) return { en: 'a password may have at most 200 characters', zh: '密码最多 200 个字符' };
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) {
    return { en: 'a password needs three of: lower case, upper case, digits, symbols', zh: '密码需包含小写字母、大写字母、数字、符号中的至少三类' };
  }
  if (userId && password.toLowerCase().includes(userId.toLowerCase())) {
    return { en: 'a password must not contain the user id', zh: '密码不得包含用户名' };
  }
  return null;
}
