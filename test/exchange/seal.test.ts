import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suiteFor } from '../../src/core/crypto/index.js';
import { makeSigner } from '../../src/core/signed-document.js';
import { BatchSigner, messageHash, messageHashWithAlg, verifySeal } from '../../src/exchange/seal.js';

for (const name of ['ed25519', 'sm2-sm3'] as const) {
  test(`${name}: messages signed in one turn share one signature; each verifies alone; tampering fails`, async () => {
    const suite = suiteFor(name);
    const signer = makeSigner(suite, suite.generateKeyPair().privateKeyPem);
    const bs = new BatchSigner(signer);
    const payloads = Array.from({ length: 37 }, (_, i) => ({ n: i, text: `消息 ${i}` }));
    const seals = await Promise.all(payloads.map((p) => bs.sign(p)));
    assert.equal(bs.stats.batches, 1);
    assert.equal(new Set(seals.map((s) => s.value)).size, 1, 'one signature for the batch');
    seals.forEach((s, i) => {
      assert.equal(s.batch.size, 37);
      assert.equal(s.batch.index, i);
      assert.deepEqual(verifySeal(payloads[i], s, signer.publicKeyPem), { ok: true });
    });
    // a message of the batch presented with another's proof, a changed message, a forged root
    assert.equal(verifySeal(payloads[1], seals[2]!, signer.publicKeyPem).ok, false);
    assert.equal(verifySeal({ ...payloads[3], n: 99 }, seals[3]!, signer.publicKeyPem).ok, false);
    const other = makeSigner(suite, suite.generateKeyPair().privateKeyPem);
    assert.equal(verifySeal(payloads[0], seals[0]!, other.publicKeyPem).ok, false, 'another key');
    const forged = { ...seals[4]!, batch: { ...seals[4]!.batch, root: 'f'.repeat(64) } };
    assert.match((verifySeal(payloads[4], forged, signer.publicKeyPem) as { reason: string }).reason, /root mismatch/);
    assert.match((verifySeal(payloads[4], { ...seals[4]!, batch: { ...seals[4]!.batch, proof: ['zz'] } }, signer.publicKeyPem) as { reason: string }).reason, /malformed/);

    // a later lone message is its own batch with an empty proof
    const lone = await bs.sign({ alone: true });
    assert.equal(lone.batch.size, 1);
    assert.deepEqual(lone.batch.proof, []);
    assert.ok(verifySeal({ alone: true }, lone, signer.publicKeyPem).ok);
    assert.equal(bs.stats.batches, 2);

    const h = messageHash(name, payloads[0]);
    assert.match(h, name === 'ed25519' ? /^sha256:[0-9a-f]{64}$/ : /^sm3:[0-9a-f]{64}$/);
    assert.equal(messageHashWithAlg(h.split(':')[0]!, payloads[0]), h);
    assert.equal(messageHashWithAlg('md5', payloads[0]), undefined);
  });
}
