// `tongban crypto` and OpenSSL check each other's keys and signatures, both suites, both directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tongban-cryptocli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const p = (n: string) => join(dir, n);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

test('sm2-sm3: tongban signs, OpenSSL verifies with distid; OpenSSL signs, tongban verifies', async () => {
  writeFileSync(p('msg'), '跨省通办: 安徽 → 上海');
  const gen = await runCli(['crypto', 'keygen', '--suite', 'sm2-sm3', '--out', p('sm2.key'), '--pub', p('sm2.pub')]);
  assert.equal(gen.code, 0, gen.stderr);
  assert.match(gen.stdout.trim(), /^sm2-sm3:[0-9a-f]{32}$/);
  assert.equal(statSync(p('sm2.key')).mode & 0o777, 0o600);
  assert.equal((await runCli(['crypto', 'keyid', '--pub', p('sm2.pub')])).stdout.trim(), gen.stdout.trim());

  assert.equal((await runCli(['crypto', 'sign', '--key', p('sm2.key'), '--in', p('msg'), '--out', p('sm2.sig')])).code, 0);
  assert.match(
    openssl('pkeyutl', '-verify', '-pubin', '-inkey', p('sm2.pub'), '-rawin', '-in', p('msg'), '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-sigfile', p('sm2.sig')),
    /Signature Verified Successfully/,
  );

  openssl('genpkey', '-algorithm', 'SM2', '-out', p('ossl.key'));
  openssl('pkey', '-in', p('ossl.key'), '-pubout', '-out', p('ossl.pub'));
  openssl('dgst', '-sm3', '-sign', p('ossl.key'), '-sigopt', 'distid:1234567812345678', '-out', p('ossl.sig'), p('msg'));
  const ok = await runCli(['crypto', 'verify', '--pub', p('ossl.pub'), '--in', p('msg'), '--sig', p('ossl.sig')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /signature verifies \(sm2-sm3/);

  writeFileSync(p('msg2'), 'tampered');
  const bad = await runCli(['crypto', 'verify', '--pub', p('ossl.pub'), '--in', p('msg2'), '--sig', p('ossl.sig')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /E_SIGNATURE/);
});

test('ed25519: tongban and OpenSSL agree both ways', async () => {
  writeFileSync(p('m3'), 'exchange body');
  assert.equal((await runCli(['crypto', 'keygen', '--suite', 'ed25519', '--out', p('ed.key')])).code, 0);
  assert.equal((await runCli(['crypto', 'sign', '--key', p('ed.key'), '--in', p('m3'), '--out', p('ed.sig')])).code, 0);
  assert.match(openssl('pkeyutl', '-verify', '-pubin', '-inkey', p('ed.key.pub'), '-rawin', '-in', p('m3'), '-sigfile', p('ed.sig')), /Signature Verified Successfully/);
  openssl('genpkey', '-algorithm', 'ED25519', '-out', p('oed.key'));
  openssl('pkey', '-in', p('oed.key'), '-pubout', '-out', p('oed.pub'));
  openssl('pkeyutl', '-sign', '-inkey', p('oed.key'), '-rawin', '-in', p('m3'), '-out', p('oed.sig'));
  assert.equal((await runCli(['crypto', 'verify', '--pub', p('oed.pub'), '--in', p('m3'), '--sig', p('oed.sig')])).code, 0);
  const notAKey = await runCli(['crypto', 'verify', '--pub', p('m3'), '--in', p('m3'), '--sig', p('oed.sig')]);
  assert.equal(notAKey.code, 1);
  assert.match(notAKey.stderr, /E_INVALID_REQUEST: not an Ed25519 or SM2 public key/);
});
