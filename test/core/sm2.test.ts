import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { SM2_DEFAULT_ID, parseSm2Pem, sm2Engine, sm2PrivatePem, sm2PublicPem, sm2SignRaw, sm2Suite, sm2VerifyRaw, sm2Z, type Sm2Engine } from '../../src/core/crypto/sm2.js';
import { readTlv, children } from '../../src/core/crypto/der.js';

// GM/T 0003.5-2012 / GB/T 32918.5 example on the recommended curve (standards-and-data.md §3.4 A).
const V = {
  d: '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8',
  Px: '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020',
  Py: 'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  ZA: 'B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3',
  k: '59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21',
  r: 'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3',
  s: 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
};
const M = Buffer.from('message digest');

function rs(der: Buffer): { r: string; s: string } {
  const [r, s] = children(readTlv(der).value);
  const hex = (b: Buffer) => b.toString('hex').replace(/^00(?=[89a-f])/, '').toUpperCase().padStart(64, '0');
  return { r: hex(r!.value), s: hex(s!.value) };
}

test('SM3 matches the GB/T 32905 example', () => {
  assert.equal(
    sm2Suite.digest(Buffer.from('abc')).toString('hex'),
    '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
  );
});

test('SM2 reproduces the published example signature (fixed k)', () => {
  const publicHex = ('04' + V.Px + V.Py).toLowerCase();
  assert.equal(sm2.getPublicKeyFromPrivateKey(V.d.toLowerCase()), publicHex);
  assert.equal(Buffer.from(sm2.getZ(publicHex, SM2_DEFAULT_ID)).toString('hex').toUpperCase(), V.ZA);
  const k = BigInt('0x' + V.k);
  const x1 = BigInt('0x' + sm2PublicPointX(V.k));
  const sig = sm2SignRaw(V.d.toLowerCase(), publicHex, M, { fixedK: { k, x1 } });
  assert.deepEqual(rs(sig), { r: V.r, s: V.s });
  assert.equal(sm2Z(publicHex).toString('hex').toUpperCase(), V.ZA);
  for (const engine of ENGINES) {
    assert.ok(sm2VerifyRaw(publicHex, M, sig, SM2_DEFAULT_ID, engine), engine);
    assert.ok(!sm2VerifyRaw(publicHex, Buffer.from('message digesT'), sig, SM2_DEFAULT_ID, engine), engine);
  }
});

const ENGINES: Sm2Engine[] = ['openssl', 'js'];

test('SM2 signs and verifies through OpenSSL here, and the two engines agree both ways', () => {
  // Node's bundled OpenSSL has SM2; falling back to JavaScript silently would halve verification speed
  if (!process.env.TONGBAN_SM2_ENGINE) assert.equal(sm2Engine(), 'openssl');
  const d = V.d.toLowerCase();
  const publicHex = ('04' + V.Px + V.Py).toLowerCase();
  for (const signer of ENGINES) {
    const sig = sm2SignRaw(d, publicHex, M, { engine: signer });
    for (const verifier of ENGINES) {
      assert.ok(sm2VerifyRaw(publicHex, M, sig, SM2_DEFAULT_ID, verifier), `${signer} → ${verifier}`);
      assert.ok(!sm2VerifyRaw(publicHex, Buffer.from('message digesT'), sig, SM2_DEFAULT_ID, verifier), `${signer} → ${verifier}, altered message`);
      // another distinguishing ID is another Z: the signature must not carry over
      assert.ok(!sm2VerifyRaw(publicHex, M, sig, 'ALICE123@YAHOO.COM', verifier), `${signer} → ${verifier}, other ID`);
    }
  }
  // a non-default ID works through OpenSSL too (Z computed for it, not cached)
  const other = sm2SignRaw(d, publicHex, M, { engine: 'openssl', userId: 'ALICE123@YAHOO.COM' });
  assert.ok(sm2VerifyRaw(publicHex, M, other, 'ALICE123@YAHOO.COM', 'js'));
});

// x-coordinate of k·G: getPublicKeyFromPrivateKey(k) is exactly k·G.
function sm2PublicPointX(kHex: string): string {
  return sm2.getPublicKeyFromPrivateKey(kHex.toLowerCase()).slice(2, 66);
}

test('SM2 PEM round trip keeps the key', () => {
  const priv = sm2PrivatePem(V.d.toLowerCase());
  const parsed = parseSm2Pem(priv);
  assert.equal(parsed.d, V.d.toLowerCase());
  assert.equal(parsed.publicHex, ('04' + V.Px + V.Py).toLowerCase());
  assert.equal(sm2Suite.publicKeyFromPrivate(priv), sm2PublicPem(parsed.publicHex));
});

test('SM2 interoperates with the OpenSSL command line in both directions (distid 1234567812345678)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-sm2-'));
  try {
    const msg = join(dir, 'msg.txt');
    writeFileSync(msg, '跨省通办 exchange body');
    // ours → OpenSSL
    const ours = sm2Suite.generateKeyPair();
    writeFileSync(join(dir, 'ours.pub'), ours.publicKeyPem);
    writeFileSync(join(dir, 'ours.sig'), sm2Suite.sign(ours.privateKeyPem, readFileSync(msg)));
    const verified = execFileSync('openssl', [
      'pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'ours.pub'), '-rawin', '-in', msg, '-digest', 'sm3',
      '-pkeyopt', `distid:${SM2_DEFAULT_ID}`, '-sigfile', join(dir, 'ours.sig'),
    ]).toString();
    assert.match(verified, /Signature Verified Successfully/);
    // OpenSSL → ours, with a key OpenSSL generated itself
    execFileSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', join(dir, 'ossl.key')]);
    execFileSync('openssl', ['pkey', '-in', join(dir, 'ossl.key'), '-pubout', '-out', join(dir, 'ossl.pub')]);
    execFileSync('openssl', [
      'dgst', '-sm3', '-sign', join(dir, 'ossl.key'), '-sigopt', `distid:${SM2_DEFAULT_ID}`, '-out', join(dir, 'ossl.sig'), msg,
    ]);
    const osslPub = readFileSync(join(dir, 'ossl.pub'), 'utf8');
    const osslSig = readFileSync(join(dir, 'ossl.sig'));
    assert.ok(sm2Suite.verify(osslPub, readFileSync(msg), osslSig));
    // and OpenSSL's private key signs through our suite too
    const sig2 = sm2Suite.sign(readFileSync(join(dir, 'ossl.key'), 'utf8'), readFileSync(msg));
    assert.ok(sm2Suite.verify(osslPub, readFileSync(msg), sig2));
    // an empty-ID signature (what node:crypto would produce) must NOT verify
    execFileSync('openssl', ['dgst', '-sm3', '-sign', join(dir, 'ossl.key'), '-out', join(dir, 'empty.sig'), msg]);
    assert.ok(!sm2Suite.verify(osslPub, readFileSync(msg), readFileSync(join(dir, 'empty.sig'))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SM2 rejects tampered data, foreign keys and garbage signatures', () => {
  const a = sm2Suite.generateKeyPair();
  const b = sm2Suite.generateKeyPair();
  const data = Buffer.from('x');
  const sig = sm2Suite.sign(a.privateKeyPem, data);
  assert.ok(sm2Suite.verify(a.publicKeyPem, data, sig));
  assert.ok(!sm2Suite.verify(b.publicKeyPem, data, sig));
  assert.ok(!sm2Suite.verify('not a pem', data, sig));
  assert.equal(createHash('sm3').update('abc').digest('hex').length, 64);
  const pa = parseSm2Pem(a.publicKeyPem).publicHex;
  // r = s = 1; empty; trailing garbage after valid DER; a BER (non-minimal) length; s = 0
  const nonMinimal = Buffer.concat([Buffer.from([0x30, 0x81, sig[1]!]), sig.subarray(2)]);
  const bad = [Buffer.from('3006020101020101', 'hex'), Buffer.alloc(0), Buffer.concat([sig, Buffer.from([0])]), nonMinimal, Buffer.from('3006020101020100', 'hex')];
  for (const engine of ENGINES) {
    assert.ok(sm2VerifyRaw(pa, data, sig, SM2_DEFAULT_ID, engine), engine);
    for (const s of bad) assert.ok(!sm2VerifyRaw(pa, data, s, SM2_DEFAULT_ID, engine), `${engine}: ${s.toString('hex')}`);
  }
});
