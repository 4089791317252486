import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { CryptoSuite, KeyPairPem } from './suite.js';
import { BoundedCache } from './cache.js';

const privateKeys = new BoundedCache<string, KeyObject>(64);
const publicKeys = new BoundedCache<string, KeyObject>(4096);

function privateKey(pem: string): KeyObject {
  return privateKeys.getOrCreate(pem, () => {
    const k = createPrivateKey(pem);
    if (k.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
    return k;
  });
}

function publicKey(pem: string): KeyObject {
  return publicKeys.getOrCreate(pem, () => {
    const k = createPublicKey(pem);
    if (k.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 public key');
    return k;
  });
}

export const ed25519Suite: CryptoSuite = {
  name: 'ed25519',
  hashName: 'sha256',
  digest: (data) => createHash('sha256').update(data).digest(),
  generateKeyPair(): KeyPairPem {
    const { privateKey: priv, publicKey: pub } = generateKeyPairSync('ed25519');
    return {
      privateKeyPem: priv.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    };
  },
  sign: (pem, data) => sign(null, data, privateKey(pem)),
  verify(pem, data, signature) {
    try {
      return verify(null, data, publicKey(pem), signature);
    } catch {
      return false;
    }
  },
  normalisePublicKey: (pem) => publicKey(pem).export({ type: 'spki', format: 'pem' }).toString(),
  publicKeyFromPrivate: (pem) => createPublicKey(privateKey(pem)).export({ type: 'spki', format: 'pem' }).toString(),
};
