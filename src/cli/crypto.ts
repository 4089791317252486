// `tongban crypto keygen|sign|verify|keyid`: the node's crypto on files, so that operators and
// other teams can check Tongban's signatures with their own tools (OpenSSL, BouncyCastle…) and
// Tongban can check theirs. Keys are PEM (PKCS#8 / SPKI); signatures are raw bytes (Ed25519) or DER
// (SM2, GB/T 35276, distinguishing ID 1234567812345678).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { keyIdOf, suiteFor, type CryptoSuite, type SuiteName } from '../core/crypto/index.js';
import { TongbanError } from '../core/errors.js';
import { writeSecretFile } from '../keys/index.js';
import { writeFileSync } from 'node:fs';

/** Which suite a PEM key belongs to: the one whose parser accepts it. */
export function suiteOfPem(pem: string, kind: 'private' | 'public'): CryptoSuite {
  for (const name of ['sm2-sm3', 'ed25519'] as const) {
    const suite = suiteFor(name);
    try {
      if (kind === 'public') suite.normalisePublicKey(pem);
      else suite.publicKeyFromPrivate(pem);
      return suite;
    } catch {
      // not this suite
    }
  }
  throw new TongbanError('E_INVALID_REQUEST', `not an Ed25519 or SM2 ${kind} key in PEM form`);
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new TongbanError('E_INVALID_REQUEST', `${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function registerCryptoCommands(program: Command): void {
  const crypto = program.command('crypto').description('keys and signatures on files, interoperable with OpenSSL (SM2 with distid 1234567812345678)');

  crypto
    .command('keygen')
    .description('generate a key pair (PKCS#8 private key, owner-only; SPKI public key)')
    .addOption(new Option('--suite <suite>', 'crypto suite').choices(['sm2-sm3', 'ed25519']).default('sm2-sm3'))
    .requiredOption('--out <file>', 'private key file to write')
    .option('--pub <file>', 'public key file to write (default: <out>.pub)')
    .action((opts: { suite: SuiteName; out: string; pub?: string }) => {
      const suite = suiteFor(opts.suite);
      const kp = suite.generateKeyPair();
      writeSecretFile(opts.out, kp.privateKeyPem);
      writeFileSync(opts.pub ?? `${opts.out}.pub`, kp.publicKeyPem);
      console.log(keyIdOf(suite, kp.publicKeyPem));
    });

  crypto
    .command('sign')
    .description('sign a file; writes the signature bytes (SM2: DER; Ed25519: 64 raw bytes)')
    .requiredOption('--key <file>', 'private key (PEM)')
    .requiredOption('--in <file>', 'file to sign')
    .requiredOption('--out <file>', 'signature file to write')
    .action((opts: { key: string; in: string; out: string }) => {
      const pem = read(opts.key, 'key').toString('utf8');
      const suite = suiteOfPem(pem, 'private');
      writeFileSync(opts.out, suite.sign(pem, read(opts.in, 'input')));
      console.error(`✓ signed with ${keyIdOf(suite, suite.publicKeyFromPrivate(pem))}`);
    });

  crypto
    .command('verify')
    .description('verify a signature over a file; exit 0 if it verifies, 1 if not')
    .requiredOption('--pub <file>', 'public key (PEM)')
    .requiredOption('--in <file>', 'signed file')
    .requiredOption('--sig <file>', 'signature file')
    .action((opts: { pub: string; in: string; sig: string }) => {
      const pem = read(opts.pub, 'public key').toString('utf8');
      const suite = suiteOfPem(pem, 'public');
      const ok = suite.verify(pem, read(opts.in, 'input'), read(opts.sig, 'signature'));
      if (!ok) throw new TongbanError('E_SIGNATURE', `signature does not verify with ${keyIdOf(suite, pem)}`);
      console.log(`✓ signature verifies (${suite.name}, ${keyIdOf(suite, pem)})`);
    });

  crypto
    .command('keyid')
    .description("print a public key's Tongban key id")
    .requiredOption('--pub <file>', 'public key (PEM)')
    .action((opts: { pub: string }) => {
      const pem = read(opts.pub, 'public key').toString('utf8');
      console.log(keyIdOf(suiteOfPem(pem, 'public'), pem));
    });
}
