// `tongban users …` against a node's config file, as an operator would run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, killAllChildren, runCli } from '../helpers/cli.js';
import { openDatabase, type TongbanDB } from '../../src/store/index.js';
import { signIn } from '../../src/identity/index.js';
import { loadConfig } from '../../src/config/index.js';
import { loadOrCreateIdentity } from '../../src/keys/index.js';
import { readTail } from '../../src/audit/log.js';

const dir = mkdtempSync(join(tmpdir(), 'tongban-users-cli-'));
const cfg = join(dir, 'node.yaml');
writeFileSync(
  cfg,
  'role: node\nregion: { code: "310000", name: 上海 }\ndatabase: sqlite:./node.db\ndataDir: .\nlisten: { port: 0 }\nhub: { url: "http://127.0.0.1:9" }\n',
);
test.after(() => {
  killAllChildren();
  rmSync(dir, { recursive: true, force: true });
});

function runWithStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function canSignIn(userId: string, password: string): Promise<boolean> {
  const store = await openDatabase<TongbanDB>(`sqlite:${join(dir, 'node.db')}`);
  try {
    return (await signIn(store.db, userId, password)).ok;
  } finally {
    await store.close();
  }
}

test('users add prints a generated password once; list, disable, enable, reset-password; clear errors', async () => {
  const add = await runCli(['users', 'add', 'sh-clerk', '-c', cfg, '--name', '王芳', '--department', '上海市浦东新区行政服务中心', '--role', 'clerk', '--role', 'approver']);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /✓ created sh-clerk: 王芳, 上海市浦东新区行政服务中心 \(310000\), roles clerk, approver/);
  const pw = /password \(shown once[^)]*\): (\S+)/.exec(add.stdout)?.[1];
  assert.ok(pw);
  assert.equal(await canSignIn('sh-clerk', pw), true);
  assert.match(add.stderr, /has no signing key yet \(never started\), so this action is not in an audit log/);
  // once the node has its key (it has started once), account commands go to its audit log
  loadOrCreateIdentity(dir, loadConfig(cfg, 'node').suite);

  const again = await runCli(['users', 'add', 'sh-clerk', '-c', cfg, '--name', '王芳', '--department', 'x', '--role', 'clerk']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /E_CONFLICT: user sh-clerk already exists/);

  const badRole = await runCli(['users', 'add', 'x1', '-c', cfg, '--name', 'a', '--department', 'b', '--role', 'boss']);
  assert.equal(badRole.code, 1);
  assert.match(badRole.stderr, /--role must be one of clerk, approver, admin, auditor, operator \(got boss\)/);
  // the hub's role is not for a node's accounts
  const hubRole = await runCli(['users', 'add', 'x1', '-c', cfg, '--name', 'a', '--department', 'b', '--role', 'operator']);
  assert.equal(hubRole.code, 1);
  assert.match(hubRole.stderr, /E_INVALID_REQUEST: role operator is not for a node's accounts; a node's accounts hold clerk, approver, admin, auditor/);
  assert.ok(!hubRole.stdout.includes('password'), 'no password shown for an account not made');

  // a chosen password from stdin, checked against the rules and never printed
  const weak = await runWithStdin(['users', 'add', 'sh-admin', '-c', cfg, '--name', '陈志强', '--department', '上海市大数据中心', '--role', 'admin', '--password-stdin'], 'weak\n');
  assert.equal(weak.code, 1);
  assert.match(weak.stderr, /at least 10 characters \/ 密码至少需要 10 个字符/);
  const chosen = await runWithStdin(['users', 'add', 'sh-admin', '-c', cfg, '--name', '陈志强', '--department', '上海市大数据中心', '--role', 'admin', '--password-stdin'], 'Data-Center-42\n');
  assert.equal(chosen.code, 0, chosen.stderr);
  assert.ok(!chosen.stdout.includes('Data-Center-42') && !/password/.test(chosen.stdout));
  assert.equal(await canSignIn('sh-admin', 'Data-Center-42'), true);

  const list = await runCli(['users', 'list', '-c', cfg, '--json']);
  assert.equal(list.code, 0);
  const users = JSON.parse(list.stdout) as Array<{ id: string; roles: string[]; disabledAt: string | null }>;
  assert.deepEqual(users.map((u) => [u.id, u.roles.join(',')]), [['sh-admin', 'admin'], ['sh-clerk', 'clerk,approver']]);
  assert.ok(!list.stdout.includes('scrypt'), 'no hashes listed');
  const table = await runCli(['users', 'list', '-c', cfg]);
  assert.match(table.stdout, /sh-clerk\s+王芳\s+上海市浦东新区行政服务中心\s+clerk,approver\s+active/);

  const dis = await runCli(['users', 'disable', 'sh-clerk', '-c', cfg]);
  assert.equal(dis.code, 0);
  assert.ok(!dis.stderr.includes('audit log'));
  {
    const store = await openDatabase<TongbanDB>(`sqlite:${join(dir, 'node.db')}`);
    try {
      const admin = (await readTail(store.db, 20)).filter((e) => e.category === 'admin').reverse();
      assert.deepEqual(admin.map((e) => [e.action, e.actor_type, JSON.parse(e.detail ?? '{}').target]), [['user.created', 'operator', 'sh-admin'], ['user.disabled', 'operator', 'sh-clerk']]);
      assert.ok(admin.every((e) => e.actor_id.startsWith('cli:')), 'the operator at the console is the actor');
      assert.ok(!JSON.stringify(admin).includes('Data-Center-42'));
    } finally {
      await store.close();
    }
  }
  assert.equal(await canSignIn('sh-clerk', pw), false);
  assert.match((await runCli(['users', 'list', '-c', cfg])).stdout, /sh-clerk .*disabled/);
  assert.equal((await runCli(['users', 'enable', 'sh-clerk', '-c', cfg])).code, 0);

  const reset = await runCli(['users', 'reset-password', 'sh-clerk', '-c', cfg]);
  assert.equal(reset.code, 0);
  const pw2 = /password \(shown once[^)]*\): (\S+)/.exec(reset.stdout)?.[1];
  assert.ok(pw2 && pw2 !== pw);
  assert.equal(await canSignIn('sh-clerk', pw2), true);
  assert.equal(await canSignIn('sh-clerk', pw), false);

  const missing = await runCli(['users', 'disable', 'nobody', '-c', cfg]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /E_NOT_FOUND: no user nobody/);
});

test("users add on a hub's config: an operator account, in the hub's database and audit log; a node's roles refused", async () => {
  const hubCfg = join(dir, 'hub.yaml');
  writeFileSync(hubCfg, 'role: hub\ndatabase: sqlite:./hub.db\ndataDir: ./hub-data\nlisten: { port: 0 }\n');
  loadOrCreateIdentity(join(dir, 'hub-data'), loadConfig(hubCfg, 'hub').suite);
  const add = await runCli(['users', 'add', 'hub-liu', '-c', hubCfg, '--name', '刘建华', '--department', '国家政务服务平台运维中心', '--role', 'operator']);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /✓ created hub-liu: 刘建华, 国家政务服务平台运维中心 \(000000\), roles operator/);
  const pw = /password \(shown once[^)]*\): (\S+)/.exec(add.stdout)?.[1];
  assert.ok(pw);
  const clerk = await runCli(['users', 'add', 'hub-clerk', '-c', hubCfg, '--name', 'a', '--department', 'b', '--role', 'clerk']);
  assert.equal(clerk.code, 1);
  assert.match(clerk.stderr, /E_INVALID_REQUEST: role clerk is not for a hub's accounts; a hub's accounts hold operator/);
  const store = await openDatabase<TongbanDB>(`sqlite:${join(dir, 'hub.db')}`);
  try {
    assert.equal((await signIn(store.db, 'hub-liu', pw)).ok, true);
    assert.deepEqual((await store.db.selectFrom('app_user').select('id').execute()).map((u) => u.id), ['hub-liu']);
    const admin = (await readTail(store.db, 10)).filter((e) => e.category === 'admin');
    assert.deepEqual(admin.map((e) => [e.action, JSON.parse(e.detail ?? '{}').target, JSON.parse(e.detail ?? '{}').roles]), [['user.created', 'hub-liu', 'operator']]);
  } finally {
    await store.close();
  }
  assert.match((await runCli(['users', 'list', '-c', hubCfg])).stdout, /hub-liu\s+刘建华\s+国家政务服务平台运维中心\s+operator\s+active/);
});
