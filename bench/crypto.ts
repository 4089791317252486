// Sign / verify / digest rates of both suites on one core, 512-byte messages.
//   node --import tsx bench/crypto.ts [--seconds 2]
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { suiteFor, SUITE_NAMES } from '../src/core/crypto/index.js';
import { parseSm2Pem, sm2Engine, sm2SignRaw, sm2VerifyRaw, SM2_DEFAULT_ID } from '../src/core/crypto/sm2.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } });
const ms = Number(values.seconds) * 1000;

function rate(fn: () => unknown): number {
  for (let i = 0; i < 50; i++) fn(); // warm up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
  }
  return n / ((performance.now() - t0) / 1000);
}

const msg = randomBytes(512);
console.log('suite               sign/s   verify/s   digest/s (512 B)');
for (const name of SUITE_NAMES) {
  const s = suiteFor(name);
  const kp = s.generateKeyPair();
  const sig = s.sign(kp.privateKeyPem, msg);
  const signs = rate(() => s.sign(kp.privateKeyPem, msg));
  const verifies = rate(() => s.verify(kp.publicKeyPem, msg, sig));
  const digests = rate(() => s.digest(msg));
  const label = name === 'sm2-sm3' ? `${name} (${sm2Engine()})` : name;
  console.log(`${label.padEnd(19)} ${signs.toFixed(0).padStart(7)} ${verifies.toFixed(0).padStart(10)} ${digests.toFixed(0).padStart(10)}`);
  if (name === 'sm2-sm3') {
    // the other engine, for comparison (src/core/crypto/sm2.ts picks OpenSSL when it has SM2)
    const other = sm2Engine() === 'openssl' ? 'js' : 'openssl';
    const { d = "", publicHex } = parseSm2Pem(kp.privateKeyPem);
    const js = { signs: rate(() => sm2SignRaw(d, publicHex, msg, { engine: other })), verifies: rate(() => sm2VerifyRaw(publicHex, msg, sig, SM2_DEFAULT_ID, other)) };
    console.log(`${`${name} (${other})`.padEnd(19)} ${js.signs.toFixed(0).padStart(7)} ${js.verifies.toFixed(0).padStart(10)}`);
  }
}
