import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tongban-outboxcli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('tongban outbox status | retry | redrive on a node database', async () => {
  const cfg = join(dir, 'node.yaml');
  writeFileSync(cfg, 'region: { code: "340000", name: 安徽 }\ndatabase: sqlite:./node.db\nhub: { url: "http://127.0.0.1:1" }\n');
  const store = await openDatabase<TongbanDB>(`sqlite:${join(dir, 'node.db')}`);
  await migrateToLatest(store);
  const row = (id: string, status: string, attempts: number) => ({
    id, target_region: '310000', kind: 'inbox', message_id: `m-${id}`, body: status === 'delivered' ? null : '{}', status, attempts,
    next_attempt_at: '2999-01-01T00:00:00.000Z', lease_until: null, last_error: attempts ? 'HTTP 503' : null, created_at: '2026-11-24T00:00:00.000Z', delivered_at: null,
  });
  await store.db.insertInto('exchange_outbox').values([row('a', 'pending', 3), row('b', 'dead', 20), row('c', 'delivered', 1)]).execute();
  await store.close();

  const status = await runCli(['outbox', 'status', '-c', cfg]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /pending 1 {2}delivered 1 {2}dead 1/);
  assert.match(status.stdout, /310000\s+m-a\s+pending\s+3/);
  assert.match((await runCli(['outbox', 'retry', '-c', cfg])).stdout, /1 pending message\(s\) due now/);
  assert.match((await runCli(['outbox', 'redrive', '-c', cfg])).stdout, /1 dead message\(s\) queued again/);
  const after = await runCli(['outbox', 'status', '-c', cfg]);
  assert.match(after.stdout, /pending 2 {2}delivered 1 {2}dead 0/);
});
