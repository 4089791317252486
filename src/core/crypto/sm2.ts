// SM2 signatures per GB/T 32918.2 with SM3, the default distinguishing ID 1234567812345678
// (GB/T 35276) and DER-encoded signatures. node:crypto's one-shot sign/verify cannot set the ID (it
// hashes with an empty one), so we compute Z_A = SM3(ENTL‖ID‖a‖b‖xG‖yG‖xA‖yA) ourselves and hand
// OpenSSL Z_A‖M through createSign('SM3'): Node digests that and signs the digest e = SM3(Z_A‖M)
// as given (EVP_PKEY_sign), which is exactly the standard's e. Where the running OpenSSL has no SM2,
// the arithmetic comes from sm-crypto-v2 (`hash: true`) instead — the same bytes, about twice as slow
// to verify. test/core/sm2.test.ts pins both against the published example and the OpenSSL command
// line in both directions.

import { createHash, createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import type { CryptoSuite, KeyPairPem } from './suite.js';
import { BoundedCache } from './cache.js';
import { TAG, children, decodeOid, derToPem, encodeOid, encodeTlv, isStrictDerSignature, pemToDer, readTlv } from './der.js';

export const SM2_DEFAULT_ID = '1234567812345678';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_SM2_CURVE = '1.2.156.10197.1.301';

export interface Sm2RawKey {
  /** private scalar, 64 hex chars (absent for public keys) */
  d?: string;
  /** uncompressed public point, '04' + X + Y, 130 hex chars */
  publicHex: string;
}

function assertSm2Algorithm(algSeq: Buffer): void {
  const [alg, curve] = children(algSeq);
  if (!alg || alg.tag !== TAG.OID || decodeOid(alg.value) !== OID_EC_PUBLIC_KEY) throw new Error('not an EC key');
  if (!curve || curve.tag !== TAG.OID || decodeOid(curve.value) !== OID_SM2_CURVE) throw new Error('not an SM2-curve key');
}

function publicHexFromBitString(bits: Buffer): string {
  // first byte of a BIT STRING is the unused-bit count (0)
  const point = bits.subarray(1);
  if (point.length !== 65 || point[0] !== 0x04) throw new Error('SM2 public key must be an uncompressed point');
  return point.toString('hex');
}

/** Reads an SM2 key from PKCS#8 ("PRIVATE KEY"), SEC1 ("EC PRIVATE KEY") or SPKI ("PUBLIC KEY") PEM. */
export function parseSm2Pem(pem: string): Sm2RawKey {
  const { label, der } = pemToDer(pem);
  const top = readTlv(der);
  const parts = children(top.value);
  if (label === 'PUBLIC KEY') {
    const [algSeq, bits] = parts;
    if (!algSeq || !bits || bits.tag !== TAG.BIT_STRING) throw new Error('malformed SPKI');
    assertSm2Algorithm(algSeq.value);
    return { publicHex: publicHexFromBitString(bits.value) };
  }
  if (label === 'PRIVATE KEY') {
    const [, algSeq, octets] = parts;
    if (!algSeq || !octets || octets.tag !== TAG.OCTET_STRING) throw new Error('malformed PKCS#8');
    assertSm2Algorithm(algSeq.value);
    return fromEcPrivateKey(octets.value);
  }
  if (label === 'EC PRIVATE KEY') return fromEcPrivateKey(der);
  throw new Error(`unsupported PEM type ${label}`);
}

function fromEcPrivateKey(der: Buffer): Required<Sm2RawKey> {
  const parts = children(readTlv(der).value);
  const dOctets = parts[1];
  if (!dOctets || dOctets.tag !== TAG.OCTET_STRING) throw new Error('malformed ECPrivateKey');
  const d = dOctets.value.toString('hex').padStart(64, '0');
  for (const p of parts.slice(2)) {
    if (p.tag === TAG.CTX0) {
      const oid = readTlv(p.value);
      if (decodeOid(oid.value) !== OID_SM2_CURVE) throw new Error('not an SM2-curve key');
    }
  }
  // The public point is optional in ECPrivateKey; derive it rather than trusting it.
  return { d, publicHex: sm2.getPublicKeyFromPrivateKey(d) };
}

function algorithmIdentifier(): Buffer {
  return encodeTlv(TAG.SEQUENCE, Buffer.concat([encodeOid(OID_EC_PUBLIC_KEY), encodeOid(OID_SM2_CURVE)]));
}

export function sm2PublicPem(publicHex: string): string {
  const bits = encodeTlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), Buffer.from(publicHex, 'hex')]));
  return derToPem('PUBLIC KEY', encodeTlv(TAG.SEQUENCE, Buffer.concat([algorithmIdentifier(), bits])));
}

export function sm2PrivatePem(d: string): string {
  const publicHex = sm2.getPublicKeyFromPrivateKey(d);
  const ecPrivateKey = encodeTlv(
    TAG.SEQUENCE,
    Buffer.concat([
      encodeTlv(TAG.INTEGER, Buffer.from([1])),
      encodeTlv(TAG.OCTET_STRING, Buffer.from(d.padStart(64, '0'), 'hex')),
      encodeTlv(TAG.CTX1, encodeTlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), Buffer.from(publicHex, 'hex')]))),
    ]),
  );
  const pkcs8 = encodeTlv(
    TAG.SEQUENCE,
    Buffer.concat([encodeTlv(TAG.INTEGER, Buffer.from([0])), algorithmIdentifier(), encodeTlv(TAG.OCTET_STRING, ecPrivateKey)]),
  );
  return derToPem('PRIVATE KEY', pkcs8);
}

const privateKeys = new BoundedCache<string, Required<Sm2RawKey>>(64);
// Verification dominates SM2 cost; a precomputed point table per trusted key roughly halves it.
const publicPoints = new BoundedCache<string, ReturnType<typeof sm2.precomputePublicKey>>(1024);
const publicHexByPem = new BoundedCache<string, string>(4096);

function privateRaw(pem: string): Required<Sm2RawKey> {
  return privateKeys.getOrCreate(pem, () => {
    const k = parseSm2Pem(pem);
    if (!k.d) throw new Error('not an SM2 private key');
    return { d: k.d, publicHex: k.publicHex };
  });
}

function publicRaw(pem: string): string {
  return publicHexByPem.getOrCreate(pem, () => parseSm2Pem(pem).publicHex);
}

// ---- the OpenSSL engine ------------------------------------------------------------------------

const zValues = new BoundedCache<string, Buffer>(4096);
const privateKeyObjects = new BoundedCache<string, KeyObject>(64);
const publicKeyObjects = new BoundedCache<string, KeyObject>(1024);

/** Z_A of GB/T 32918.2 §5.5 for a public key and distinguishing ID (cached for the default ID). */
export function sm2Z(publicHex: string, userId = SM2_DEFAULT_ID): Buffer {
  const compute = () => Buffer.from(sm2.getZ(publicHex, userId));
  return userId === SM2_DEFAULT_ID ? zValues.getOrCreate(publicHex, compute) : compute();
}

function publicKeyObject(publicHex: string): KeyObject {
  return publicKeyObjects.getOrCreate(publicHex, () => createPublicKey(sm2PublicPem(publicHex)));
}

function opensslSign(d: string, publicHex: string, data: Uint8Array, userId: string): Buffer {
  const key = privateKeyObjects.getOrCreate(d, () => createPrivateKey(sm2PrivatePem(d)));
  return createSign('SM3').update(sm2Z(publicHex, userId)).update(data).sign(key);
}

function opensslVerify(publicHex: string, data: Uint8Array, signature: Uint8Array, userId: string): boolean {
  try {
    return createVerify('SM3').update(sm2Z(publicHex, userId)).update(data).verify(publicKeyObject(publicHex), signature);
  } catch {
    return false; // malformed key or DER
  }
}

function jsSign(d: string, publicHex: string, data: Uint8Array, opts: Sm2SignOptions): Buffer {
  const hex = sm2.doSignature(data, d, {
    hash: true,
    der: true,
    userId: opts.userId ?? SM2_DEFAULT_ID,
    publicKey: publicHex,
    ...(opts.fixedK ? { pointPool: [opts.fixedK] } : {}),
  });
  return Buffer.from(hex, 'hex');
}

function jsVerify(publicHex: string, data: Uint8Array, signature: Uint8Array, userId: string): boolean {
  // sm-crypto-v2 reads DER leniently (trailing bytes pass); OpenSSL insists on strict DER, and so do we
  if (!isStrictDerSignature(signature)) return false;
  const point = publicPoints.getOrCreate(publicHex, () => sm2.precomputePublicKey(publicHex));
  try {
    return sm2.doVerifySignature(data, Buffer.from(signature).toString('hex'), point, { hash: true, der: true, userId });
  } catch {
    return false;
  }
}

export type Sm2Engine = 'openssl' | 'js';

/**
 * OpenSSL when it signs and verifies the standard's way here (checked once, against the JavaScript
 * implementation, both directions); otherwise JavaScript. TONGBAN_SM2_ENGINE=js|openssl forces one.
 */
function detectEngine(): Sm2Engine {
  const forced = process.env.TONGBAN_SM2_ENGINE;
  if (forced === 'js' || forced === 'openssl') return forced;
  try {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const { d, publicHex } = fromEcPrivateKey(privateKey.export({ type: 'sec1', format: 'der' }));
    const probe = Buffer.from('tongban sm2 engine check');
    const agree =
      jsVerify(publicHex, probe, opensslSign(d, publicHex, probe, SM2_DEFAULT_ID), SM2_DEFAULT_ID) &&
      opensslVerify(publicHex, probe, jsSign(d, publicHex, probe, {}), SM2_DEFAULT_ID) &&
      !opensslVerify(publicHex, Buffer.from('tongban sm2 engine check!'), jsSign(d, publicHex, probe, {}), SM2_DEFAULT_ID);
    return agree ? 'openssl' : 'js';
  } catch {
    return 'js';
  }
}

let engine: Sm2Engine | undefined;
/** The implementation sign and verify use in this process. */
export function sm2Engine(): Sm2Engine {
  engine ??= detectEngine();
  return engine;
}

export interface Sm2SignOptions {
  userId?: string;
  /** Fixed nonce for reproducing published test vectors only. */
  fixedK?: { k: bigint; x1: bigint };
}

/** Signs with the process's engine; a fixed nonce (test vectors only) always takes the JavaScript path. */
export function sm2SignRaw(d: string, publicHex: string, data: Uint8Array, opts: Sm2SignOptions & { engine?: Sm2Engine } = {}): Buffer {
  const use = opts.fixedK ? 'js' : (opts.engine ?? sm2Engine());
  return use === 'openssl' ? opensslSign(d, publicHex, data, opts.userId ?? SM2_DEFAULT_ID) : jsSign(d, publicHex, data, opts);
}

export function sm2VerifyRaw(publicHex: string, data: Uint8Array, signature: Uint8Array, userId = SM2_DEFAULT_ID, use: Sm2Engine = sm2Engine()): boolean {
  return use === 'openssl' ? opensslVerify(publicHex, data, signature, userId) : jsVerify(publicHex, data, signature, userId);
}

export const sm2Suite: CryptoSuite = {
  name: 'sm2-sm3',
  hashName: 'sm3',
  digest: (data) => createHash('sm3').update(data).digest(),
  generateKeyPair(): KeyPairPem {
    // node:crypto's generator is the system CSPRNG; only the scalar is taken from it.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const der = privateKey.export({ type: 'sec1', format: 'der' });
    const { d } = fromEcPrivateKey(der);
    if (!d || /^0+$/.test(d)) return sm2Suite.generateKeyPair();
    return { privateKeyPem: sm2PrivatePem(d), publicKeyPem: sm2PublicPem(sm2.getPublicKeyFromPrivateKey(d)) };
  },
  sign(pem, data) {
    const k = privateRaw(pem);
    return sm2SignRaw(k.d, k.publicHex, data);
  },
  verify(pem, data, signature) {
    let publicHex: string;
    try {
      publicHex = publicRaw(pem);
    } catch {
      return false;
    }
    return sm2VerifyRaw(publicHex, data, signature);
  },
  normalisePublicKey: (pem) => sm2PublicPem(publicRaw(pem)),
  publicKeyFromPrivate: (pem) => sm2PublicPem(privateRaw(pem).publicHex),
};
