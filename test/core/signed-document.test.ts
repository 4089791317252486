import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSignedShape, makeSigner, signDocument, signatureBytes, verifyDocument } from '../../src/core/signed-document.js';
import { suiteFor } from '../../src/core/crypto/index.js';

test('a signed document verifies only with its signature spelt as RFC 4648 §4 base64', () => {
  const suite = suiteFor('sm2-sm3');
  const signer = makeSigner(suite, suite.generateKeyPair().privateKeyPem);
  const doc = signDocument({ type: 'example', n: 1 }, signer);
  const key = { suite: 'sm2-sm3', keyId: signer.keyId, publicKeyPem: signer.publicKeyPem };
  assert.deepEqual(verifyDocument(doc, key).payload, { type: 'example', n: 1 });
  const v = doc.signature.value;
  for (const respelt of [` ${v}`, `${v.slice(0, 10)}\r\n${v.slice(10)}`, v.replace(/=+$/, ''), `${v}=`, v.replace(/\+/g, '-').replace(/\//g, '_')]) {
    if (respelt === v) continue;
    assert.equal(signatureBytes(respelt), undefined, JSON.stringify(respelt));
    assert.throws(() => verifyDocument({ ...doc, signature: { ...doc.signature, value: respelt } }, key), /E_SIGNATURE/);
  }
  assert.deepEqual(signatureBytes('AAE='), Buffer.from([0, 1]));
  assert.equal(signatureBytes('AAF='), undefined, 'unused bits set');
  assert.deepEqual(signatureBytes(''), Buffer.alloc(0));
});

test('a signed document is closed: a member beside the payload or inside the signature is refused', () => {
  const suite = suiteFor('ed25519');
  const signer = makeSigner(suite, suite.generateKeyPair().privateKeyPem);
  const doc = signDocument({ type: 'tongban.trust-list', n: 1 }, signer);
  const key = { suite: 'ed25519', keyId: signer.keyId, publicKeyPem: signer.publicKeyPem };
  assert.throws(() => verifyDocument({ ...doc, note: 'unsigned text a reader might show' }, key), /E_INVALID_REQUEST: signed document: unknown member "note"/);
  assert.throws(() => verifyDocument({ ...doc, signature: { ...doc.signature, comment: 'x' } }, key), /unknown member "signature.comment"/);
  assert.throws(() => assertSignedShape([doc]), /expected a signed document/);
  assert.deepEqual(assertSignedShape({ ...doc, proof: doc.signature }, ['proof']).payload, doc.payload, 'a member the document type names is allowed');
});
