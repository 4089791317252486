import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromObject, loadConfig } from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tongban-config-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('a valid YAML node config is normalised: paths made absolute, defaults filled', () => {
  const p = write(
    'node.yaml',
    `region: { code: "340000", name: 安徽 }
listen: { host: 0.0.0.0, port: 7304 }
database: sqlite:./data/node.db
hub: { url: "http://hub.example:7300/" }
crypto: { suite: sm2-sm3 }
`,
  );
  const cfg = loadConfig(p, 'node');
  assert.equal(cfg.region.code, '340000');
  assert.equal(cfg.database, `sqlite:${join(dir, 'data/node.db')}`);
  assert.equal(cfg.dataDir, join(dir, 'data'));
  assert.equal(cfg.hub!.url, 'http://hub.example:7300');
  assert.equal(cfg.hub!.refreshSeconds, 60);
  assert.equal(cfg.publicUrl, 'http://127.0.0.1:7304');
  assert.equal(cfg.suite, 'sm2-sm3');
});

test('JSON configs work too, and postgres URLs pass through', () => {
  const p = write('hub.json', JSON.stringify({ database: 'postgres://tongban@db.internal:5432/tongban?schema=hub', listen: { port: 7300 } }));
  const cfg = loadConfig(p, 'hub');
  assert.equal(cfg.role, 'hub');
  assert.equal(cfg.database, 'postgres://tongban@db.internal:5432/tongban?schema=hub');
  assert.equal(cfg.region.code, '000000');
});

const bad: Array<[string, string, 'hub' | 'node', RegExp]> = [
  ['missing.yaml', '', 'hub', /file not found/],
  ['broken.json', '{"database": "sqlite:x", }', 'hub', /not valid JSON/],
  ['broken.yaml', 'database: sqlite:x\n  listen: [', 'hub', /not valid YAML at line \d+/],
  ['port.yaml', 'database: sqlite:x\nlisten: { port: 70000 }', 'hub', /listen\.port: must be <= 65535 \(got 70000\)/],
  ['typo.yaml', 'database: sqlite:x\nlisen: { port: 1 }', 'hub', /lisen: unknown setting/],
  ['db.yaml', 'database: mysql://x', 'hub', /database: must be sqlite:PATH or postgres:\/\//],
  ['nodb.yaml', 'listen: { port: 1 }', 'hub', /database: is required/],
  ['suite.yaml', 'database: sqlite:x\ncrypto: { suite: rsa }', 'hub', /crypto\.suite: must be one of "ed25519", "sm2-sm3"/],
  ['code.yaml', 'database: sqlite:x\nregion: { code: "34", name: 安徽 }\nhub: { url: "http://h" }', 'node', /region\.code: must be a 6-digit GB\/T 2260 division code/],
  ['nodiv.yaml', 'database: sqlite:x\nregion: { code: "349900", name: 安徽 }\nhub: { url: "http://h" }', 'node', /region\.code: 349900 is not a current GB\/T 2260 division/],
  ['nohub.yaml', 'database: sqlite:x\nregion: { code: "340000", name: 安徽 }', 'node', /hub: a node needs hub\.url/],
  ['role.yaml', 'role: node\ndatabase: sqlite:x', 'hub', /the file is for a node, but it was started as a hub/],
  ['list.yaml', '- a\n- b', 'hub', /top level must be a mapping/],
  ['schema.yaml', 'database: "postgres://h/db?schema=Bad"', 'hub', /schema "Bad"/],
];
for (const [name, text, role, re] of bad) {
  test(`bad config ${name} → E_INVALID_CONFIG naming the field`, () => {
    const p = name === 'missing.yaml' ? join(dir, 'missing.yaml') : write(name, text);
    assert.throws(() => loadConfig(p, role), (e: Error) => {
      assert.match(e.message, /^E_INVALID_CONFIG: /);
      assert.match(e.message, re);
      return true;
    });
  });
}

test('configFromObject refuses non-objects', () => {
  assert.throws(() => configFromObject(null, { baseDir: dir, role: 'hub', source: 'x' }), /top level must be a mapping/);
});
