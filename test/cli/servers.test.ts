import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllChildren, runCli, spawnCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tongban-cli-'));
test.after(() => {
  killAllChildren();
  rmSync(dir, { recursive: true, force: true });
});

test('a malformed config exits 1 with the field named, in both languages', async () => {
  writeFileSync(join(dir, 'bad.yaml'), 'database: sqlite:./hub.db\nlisten: { port: "abc" }\n');
  const r = await runCli(['hub', '--config', join(dir, 'bad.yaml')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /E_INVALID_CONFIG: .*listen\.port: must be integer/);
  assert.match(r.stderr, /配置无效 \/ The configuration is invalid/);
  assert.ok(!existsSync(join(dir, 'hub.db')), 'nothing written');
});

test('a port already taken exits 1 with E_PORT_IN_USE and writes nothing', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  try {
    const sub = join(dir, 'porttaken');
    const cfg = join(dir, 'port.yaml');
    writeFileSync(cfg, `database: sqlite:./porttaken/hub.db\ndataDir: ./porttaken\nlisten: { host: 127.0.0.1, port: ${port} }\n`);
    const r = await runCli(['hub', '-c', cfg]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`E_PORT_IN_USE: port ${port} on 127\\.0\\.0\\.1 already in use`));
    assert.ok(!existsSync(sub), 'no data directory, database or key was created');
  } finally {
    blocker.close();
  }
});

test('an unreachable database exits 1 with E_DATABASE_UNAVAILABLE and creates no key', async () => {
  const cfg = join(dir, 'nodb.yaml');
  writeFileSync(cfg, 'database: postgres://postgres@127.0.0.1:1/test\ndataDir: ./nodb\nlisten: { port: 0 }\n');
  const r = await runCli(['hub', '-c', cfg]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /E_DATABASE_UNAVAILABLE: cannot connect to PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/test/);
  assert.ok(!existsSync(join(dir, 'nodb')));
});

test('hub and node run from config files; the operator approves with the CLI; SIGTERM stops them cleanly', async () => {
  const hubCfg = join(dir, 'hub.yaml');
  writeFileSync(hubCfg, 'role: hub\ndatabase: sqlite:./h/hub.db\ndataDir: ./h\nlisten: { host: 127.0.0.1, port: 0 }\npublicUrl: http://127.0.0.1:1\nlog: { level: warn }\n');
  // migrate works on its own
  const m = await runCli(['migrate', '-c', hubCfg]);
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stdout, /applied 001_foundation, /);

  const hub = await spawnCli(['hub', '-c', hubCfg], /hub listening on (http:\/\/\S+)/);
  const hubUrl = /listening on (http:\/\/\S+)/.exec(hub.stderr())![1]!;
  // publicUrl is configured (as behind a proxy); the real port is in the log line
  assert.equal(hubUrl, 'http://127.0.0.1:1');
  assert.match(hub.stderr(), /operator token written to/);
  assert.equal((readFileSync(join(dir, 'h', 'operator.token'), 'utf8').trim().length > 20), true);
  hub.child.kill('SIGTERM');
  assert.equal(await hub.exited, 0);

  // with a real port this time
  writeFileSync(hubCfg, 'role: hub\ndatabase: sqlite:./h/hub.db\ndataDir: ./h\nlisten: { host: 127.0.0.1, port: 0 }\nlog: { level: warn }\n');
  const hub2 = await spawnCli(['hub', '-c', hubCfg], /hub listening on (http:\/\/\S+)/);
  const url = /listening on (http:\/\/\S+)/.exec(hub2.stderr())![1]!;
  const nodeCfg = join(dir, 'node.yaml');
  writeFileSync(nodeCfg, `region: { code: "330000", name: 浙江 }\ndatabase: sqlite:./n/node.db\ndataDir: ./n\nlisten: { host: 127.0.0.1, port: 0 }\nhub: { url: "${url}" }\ncrypto: { suite: ed25519 }\nlog: { level: warn }\n`);
  const node = await spawnCli(['node', '-c', nodeCfg], /node listening on/);
  try {
    // wait for the join request to arrive (a condition, polled through the CLI itself)
    let listed = '';
    for (let i = 0; i < 100 && !/330000/.test(listed); i++) {
      listed = (await runCli(['members', 'list', '-c', hubCfg, '--status', 'pending'])).stdout;
    }
    assert.match(listed, /330000\s+浙江\s+pending\s+ed25519/);
    const rej = await runCli(['members', 'reject', '330000', '-c', hubCfg]);
    assert.equal(rej.code, 1);
    assert.match(rej.stderr, /E_INVALID_REQUEST: a rejection needs a reason/);
    const ok = await runCli(['members', 'approve', '330000', '-c', hubCfg]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /330000 浙江: approved/);
    const shown = JSON.parse((await runCli(['members', 'show', '330000', '-c', hubCfg, '--json'])).stdout) as { history: Array<{ action: string; actor: string }> };
    assert.deepEqual(shown.history.map((h) => h.action), ['requested', 'approved']);
    assert.match(shown.history[1]!.actor, /^cli:/);
    // for people: the member's facts, its keys and its history as tables
    const text = (await runCli(['members', 'show', '330000', '-c', hubCfg])).stdout;
    assert.match(text, /^region +330000 浙江$/m);
    assert.match(text, /^status +approved$/m);
    assert.match(text, /^decided +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d by cli:/m);
    assert.match(text, /^key id +suite +status +added/m);
    assert.match(text, /ed25519 +active +\d{4}-/);
    assert.match(text, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +requested +node:/m);
    assert.match(text, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +approved +cli:/m);
    const bad = await runCli(['members', 'approve', '330000', '-c', hubCfg]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /E_CONFLICT: cannot approve region 330000: it is approved/);
  } finally {
    node.child.kill('SIGTERM');
    hub2.child.kill('SIGTERM');
  }
  assert.equal(await node.exited, 0);
  assert.equal(await hub2.exited, 0);
});
