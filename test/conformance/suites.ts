// Clean-room conformance node, part 2: the two crypto suites of docs/PROTOCOL.md §1.3 — key ids, strict
// base64, Ed25519 through node:crypto, and SM2/SM3 with its own elliptic-curve arithmetic (node:crypto
// supplies SM3 only: its one-shot SM2 `sign` hashes with an empty distinguishing ID, which §1.3 says is
// not conformant). Written from the document alone, independent of src/core/crypto: the duplication of
// Tongban's crypto is intended, since two implementations of one document are what the test compares.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export type Suite = 'ed25519' | 'sm2-sm3';

/** The suite's hash: SHA-256 for ed25519, SM3 for sm2-sm3 (§1.3). */
export function digest(suite: Suite, ...parts: Uint8Array[]): Buffer {
  const h = createHash(suite === 'ed25519' ? 'sha256' : 'sm3');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The name of the suite's hash as it prefixes a request hash (§5.2). */
export const hashName = (suite: Suite): 'sha256' | 'sm3' => (suite === 'ed25519' ? 'sha256' : 'sm3');

/** §1.3: "<suite>:" + lower-case hex of the first 16 bytes of digest(SPKI DER). */
export function keyIdOf(suite: Suite, publicKeyPem: string): string {
  return `${suite}:${digest(suite, spkiDer(publicKeyPem)).subarray(0, 16).toString('hex')}`;
}

function spkiDer(pem: string): Buffer {
  const m = /^-----BEGIN PUBLIC KEY-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END PUBLIC KEY-----\r?\n?$/.exec(pem);
  if (!m) throw new Error('not a PEM public key');
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}

const pemOf = (der: Buffer): string => `-----BEGIN PUBLIC KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END PUBLIC KEY-----\n`;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** §1.3's one spelling of a signature: standard alphabet, padding, no whitespace, zero unused bits. */
export function decodeStrictBase64(s: string): Buffer | undefined {
  if (!BASE64.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? bytes : undefined;
}

export interface SigningKey {
  suite: Suite;
  keyId: string;
  publicKeyPem: string;
  sign(message: Uint8Array): Buffer;
}

export function generateSigningKey(suite: Suite): SigningKey {
  if (suite === 'ed25519') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    return { suite, keyId: keyIdOf(suite, publicKeyPem), publicKeyPem, sign: (m) => nodeSign(null, m, privateKey) };
  }
  const d = randomScalar();
  const [x, y] = mul(d, G)!;
  const publicKeyPem = pemOf(Buffer.concat([SM2_SPKI_PREFIX, be32(x), be32(y)]));
  return { suite, keyId: keyIdOf(suite, publicKeyPem), publicKeyPem, sign: (m) => sm2Sign(d, [x, y], m) };
}

/** Verifies a signature made by the key of `publicKeyPem` under `suite` over `message`. */
export function verifySignature(suite: Suite, publicKeyPem: string, message: Uint8Array, signature: Uint8Array): boolean {
  if (suite === 'ed25519') {
    let key: KeyObject;
    try {
      key = createPublicKey(publicKeyPem);
    } catch {
      return false;
    }
    if (key.asymmetricKeyType !== 'ed25519' || signature.length !== 64) return false;
    return nodeVerify(null, message, key, signature);
  }
  const point = sm2PublicPoint(publicKeyPem);
  return point !== undefined && sm2Verify(point, message, signature);
}

// ---- SM2 (GB/T 32918) over the recommended curve, with Z_A per GB/T 35276's default ID ----

const hex = (s: string): bigint => BigInt(`0x${s.replace(/\s+/g, '')}`);
const P = hex('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFF');
const A = P - 3n;
const B = hex('28E9FA9E 9D9F5E34 4D5A9E4B CF6509A7 F39789F5 15AB8F92 DDBCBD41 4D940E93');
const N = hex('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF 7203DF6B 21C6052B 53BBF409 39D54123');
type Point = readonly [bigint, bigint] | undefined; // undefined: the point at infinity
const G: Point = [hex('32C4AE2C 1F198119 5F990446 6A39C994 8FE30BBF F2660BE1 715A4589 334C74C7'), hex('BC3736A2 F4F6779C 59BDCEE3 6B692153 D0A9877C C62A4740 02DF32E5 2139F0A0')];
const DEFAULT_ID = Buffer.from('1234567812345678', 'ascii');
// SEQUENCE { SEQUENCE { id-ecPublicKey, 1.2.156.10197.1.301 }, BIT STRING { 04 ‖ x ‖ y } }
const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d03420004', 'hex');

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;
function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return mod(t0, m);
}
function add(p: Point, q: Point): Point {
  if (!p) return q;
  if (!q) return p;
  const [x1, y1] = p;
  const [x2, y2] = q;
  let l: bigint;
  if (x1 === x2) {
    if (mod(y1 + y2, P) === 0n) return undefined;
    l = mod((3n * x1 * x1 + A) * inverse(2n * y1, P), P);
  } else {
    l = mod((y2 - y1) * inverse(x2 - x1, P), P);
  }
  const x3 = mod(l * l - x1 - x2, P);
  return [x3, mod(l * (x1 - x3) - y1, P)];
}
function mul(k: bigint, p: Point): Point {
  let r: Point;
  let q = p;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) r = add(r, q);
    q = add(q, q);
  }
  return r;
}
const be32 = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
const int = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`));
function randomScalar(): bigint {
  for (;;) {
    const k = int(randomBytes(32));
    if (k >= 1n && k < N - 1n) return k;
  }
}

/** Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A), ENTL_A the ID's length in bits as 2 bytes */
function zA(pub: readonly [bigint, bigint]): Buffer {
  const entl = Buffer.from([(DEFAULT_ID.length * 8) >> 8, (DEFAULT_ID.length * 8) & 0xff]);
  return digest('sm2-sm3', entl, DEFAULT_ID, be32(A), be32(B), be32(G![0]), be32(G![1]), be32(pub[0]), be32(pub[1]));
}

/** Z_A of an SM2 public key (PEM) for the default ID */
export function sm2Z(publicKeyPem: string): Buffer {
  const point = sm2PublicPoint(publicKeyPem);
  if (!point) throw new Error('not an SM2 public key');
  return zA(point);
}

/** e = SM3(Z_A ‖ M) */
const sm2E = (pub: readonly [bigint, bigint], message: Uint8Array): bigint => int(digest('sm2-sm3', zA(pub), message));

function sm2Sign(d: bigint, pub: readonly [bigint, bigint], message: Uint8Array): Buffer {
  const e = sm2E(pub, message);
  for (;;) {
    const k = randomScalar();
    const r = mod(e + mul(k, G)![0], N);
    if (r === 0n || r + k === N) continue;
    const s = mod(inverse(1n + d, N) * (k - r * d), N);
    if (s !== 0n) return derSignature(r, s);
  }
}

function sm2Verify(pub: readonly [bigint, bigint], message: Uint8Array, signature: Uint8Array): boolean {
  const rs = parseDerSignature(Buffer.from(signature));
  if (!rs) return false;
  const [r, s] = rs;
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = mod(r + s, N);
  if (t === 0n) return false;
  const x1 = add(mul(s, G), mul(t, pub))?.[0];
  return x1 !== undefined && mod(sm2E(pub, message) + x1, N) === r;
}

function sm2PublicPoint(pem: string): readonly [bigint, bigint] | undefined {
  let der: Buffer;
  try {
    der = spkiDer(pem);
  } catch {
    return undefined;
  }
  if (der.length !== SM2_SPKI_PREFIX.length + 64 || !der.subarray(0, SM2_SPKI_PREFIX.length).equals(SM2_SPKI_PREFIX)) return undefined;
  const x = int(der.subarray(SM2_SPKI_PREFIX.length, SM2_SPKI_PREFIX.length + 32));
  const y = int(der.subarray(SM2_SPKI_PREFIX.length + 32));
  return mod(y * y - (x * x * x + A * x + B), P) === 0n ? [x, y] : undefined;
}

// strict DER: SEQUENCE { INTEGER r, INTEGER s }, minimal lengths and integers, nothing after
function derInteger(n: bigint): Buffer {
  let b = Buffer.from(n.toString(16).padStart(2, '0').replace(/^(.(..)*)$/, '0$1'), 'hex');
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}
function derSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
function parseDerSignature(b: Buffer): [bigint, bigint] | undefined {
  if (b.length < 8 || b[0] !== 0x30 || b[1]! >= 0x80 || b[1] !== b.length - 2) return undefined;
  const out: bigint[] = [];
  let i = 2;
  for (let n = 0; n < 2; n++) {
    if (b[i] !== 0x02) return undefined;
    const len = b[i + 1]!;
    if (len === 0 || len > 33 || i + 2 + len > b.length) return undefined;
    const v = b.subarray(i + 2, i + 2 + len);
    if (v[0]! & 0x80) return undefined; // negative
    if (len > 1 && v[0] === 0 && !(v[1]! & 0x80)) return undefined; // not minimal
    out.push(int(v));
    i += 2 + len;
  }
  return i === b.length ? [out[0]!, out[1]!] : undefined;
}

/** For the self-test: an SM2 private key PEM from node:crypto, signed with this file's arithmetic. */
export function sm2KeyFromPkcs8(pem: string): SigningKey {
  const jwkless = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  // PKCS#8 wraps an ECPrivateKey whose privateKey OCTET STRING (04 20 …32 bytes) follows `02 01 01`
  const at = jwkless.indexOf(Buffer.from('0201010420', 'hex'));
  if (at < 0) throw new Error('no SM2 private scalar found');
  const d = int(jwkless.subarray(at + 5, at + 37));
  const [x, y] = mul(d, G)!;
  const publicKeyPem = pemOf(Buffer.concat([SM2_SPKI_PREFIX, be32(x), be32(y)]));
  return { suite: 'sm2-sm3', keyId: keyIdOf('sm2-sm3', publicKeyPem), publicKeyPem, sign: (m) => sm2Sign(d, [x, y], m) };
}
