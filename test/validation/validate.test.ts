import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { cleanupAll, startHub, stopAll } from '../helpers/federation.js';

test('tongban validate: verdicts with reasons, exit 1 when any value is invalid', async () => {
  const ok = await runCli(['validate', 'id', '11010519491231002X']);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /✓ 11010519491231002X {2}valid 公民身份号码 .*birthDate=1949-12-31 .*division=北京市朝阳区/);
  const mixed = await runCli(['validate', 'id', '11010519491231002X', '110105194912310021', '110105199902300023']);
  assert.equal(mixed.code, 1);
  assert.match(mixed.stdout, /✗ 110105194912310021 {2}check digit is 1, expected X \/ 校验码为1,应为X/);
  assert.match(mixed.stdout, /✗ 110105199902300023 .*19990230 does not exist/);
  const uscc = await runCli(['validate', 'uscc', '91350100M000100Y43', '91350100M000100Y44']);
  assert.equal(uscc.code, 1);
  assert.match(uscc.stdout, /✓ 91350100M000100Y43/);
  assert.match(uscc.stdout, /✗ 91350100M000100Y44/);
  assert.equal((await runCli(['validate', 'division', '340104', '520000'])).code, 0);
  assert.equal((await runCli(['validate', 'division', '349999'])).code, 1);
  assert.equal((await runCli(['validate', 'org', 'M000100Y-4'])).code, 0);
  assert.equal((await runCli(['validate', 'cert', '1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F'])).code, 0);
  const bad = await runCli(['validate', 'passport', 'X']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /E_INVALID_REQUEST: kind must be one of id, uscc, org, division, cert/);
});

test('POST /api/validate on any server', async () => {
  const hub = await startHub('sqlite');
  try {
    const res = await fetch(`${hub.server.url}/api/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'id', values: ['11010519491231002X', '110105194912310021'] }) });
    const body = (await res.json()) as { allValid: boolean; results: Array<{ valid: boolean; reason?: string; reasonZh?: string; details?: Record<string, string> }> };
    assert.equal(res.status, 200);
    assert.equal(body.allValid, false);
    assert.equal(body.results[0]!.details!.division, '北京市朝阳区');
    assert.equal(body.results[1]!.reason, 'check digit is 1, expected X');
    const unknown = await fetch(`${hub.server.url}/api/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'nope', values: ['1'] }) });
    assert.equal(unknown.status, 400);
  } finally {
    await stopAll(hub);
    await cleanupAll(hub);
  }
});
