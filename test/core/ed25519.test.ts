import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suiteFor, keyIdOf } from '../../src/core/crypto/index.js';

for (const name of ['ed25519', 'sm2-sm3'] as const) {
  test(`${name}: sign/verify, key ids and normalisation`, () => {
    const suite = suiteFor(name);
    const kp = suite.generateKeyPair();
    const data = Buffer.from('{"a":1}');
    const sig = suite.sign(kp.privateKeyPem, data);
    assert.ok(suite.verify(kp.publicKeyPem, data, sig));
    assert.ok(!suite.verify(kp.publicKeyPem, Buffer.from('{"a":2}'), sig));
    assert.equal(suite.publicKeyFromPrivate(kp.privateKeyPem), suite.normalisePublicKey(kp.publicKeyPem));
    const id = keyIdOf(suite, kp.publicKeyPem);
    assert.match(id, new RegExp(`^${name}:[0-9a-f]{32}$`));
    assert.equal(keyIdOf(suite, kp.publicKeyPem.replace(/\n/g, '\r\n')), id);
    assert.equal(suite.digest(Buffer.from('abc')).length, 32);
  });
}

test('a key of one suite is refused by the other', () => {
  const ed = suiteFor('ed25519').generateKeyPair();
  const sm = suiteFor('sm2-sm3').generateKeyPair();
  assert.throws(() => suiteFor('sm2-sm3').normalisePublicKey(ed.publicKeyPem));
  assert.throws(() => suiteFor('ed25519').normalisePublicKey(sm.publicKeyPem));
  assert.throws(() => suiteFor('rsa'), /E_INVALID_REQUEST/);
});
