// The hub's relay keeps metadata of every relayed message (never a payload) for its retention period,
// then deletes it: the log stays the size of the period, not of the hub's whole life.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, freshDatabase } from '../helpers/engines.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { Relay } from '../../src/hub/relay.js';
import { configFromObject } from '../../src/config/index.js';

const hubConfig = (extra: object) => configFromObject({ role: 'hub', database: 'sqlite::memory:', ...extra }, { baseDir: '/tmp', role: 'hub', source: 'test' });

const DAY = 86_400_000;

for (const engine of await engines()) {
  test(`${engine}: the relay log keeps rows for the retention period and purges older ones on its own`, async () => {
    const t = await freshDatabase(engine, 'relaylog');
    const store = await openDatabase<TongbanDB>(t.url);
    try {
      await migrateToLatest(store);
      const row = (id: string, daysAgo: number) => ({
        message_id: id, kind: 'requests', from_region: '310000', to_region: '340000', received_at: new Date(Date.now() - daysAgo * DAY).toISOString(),
        status: 200, bytes_in: 900, bytes_out: 1200, duration_ms: 3,
      });
      await store.db.insertInto('hub_relay_log').values([row('old-1', 40), row('old-2', 31), row('recent', 29), row('today', 0)]).execute();
      const left = async () => (await store.db.selectFrom('hub_relay_log').select('message_id').orderBy('id').execute()).map((r) => r.message_id);

      const errors: unknown[] = [];
      const relay = new Relay({ db: store.db, trustList: () => Promise.reject(new Error('not used')), logRetentionDays: 30, onPurgeError: (e) => errors.push(e) });
      try {
        // started with the relay: the rows past 30 days go, the others stay
        for (const until = Date.now() + 10_000; Date.now() < until && (await left()).length > 2; ) await new Promise<void>((r) => setImmediate(r));
        assert.deepEqual(await left(), ['recent', 'today']);
        // a later purge takes what has aged past the period since
        assert.equal(await relay.purge(new Date(Date.now() + 2 * DAY)), 1);
        assert.deepEqual(await left(), ['today']);
        assert.deepEqual(errors, []);
      } finally {
        await relay.close();
      }
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
}

test('config: relay.logRetentionDays defaults to 365 and refuses nonsense', () => {
  assert.equal(hubConfig({}).relay.logRetentionDays, 365);
  assert.equal(hubConfig({ relay: { logRetentionDays: 90 } }).relay.logRetentionDays, 90);
  assert.throws(() => hubConfig({ relay: { logRetentionDays: 0 } }), /E_INVALID_CONFIG|logRetentionDays/);
});

test('config: exchange.deliveryRetentionDays defaults to 90 and refuses nonsense', () => {
  const nodeConfig = (extra: object) => configFromObject({ role: 'node', region: { code: '340000', name: '安徽' }, hub: { url: 'http://127.0.0.1:7300' }, database: 'sqlite::memory:', ...extra }, { baseDir: '/tmp', role: 'node', source: 'test' });
  assert.equal(nodeConfig({}).exchange.deliveryRetentionDays, 90);
  assert.equal(nodeConfig({ exchange: { deliveryRetentionDays: 30 } }).exchange.deliveryRetentionDays, 30);
  for (const bad of [0, 3651, 1.5, '30']) assert.throws(() => nodeConfig({ exchange: { deliveryRetentionDays: bad } }), /E_INVALID_CONFIG|deliveryRetentionDays/);
});
