// Replay protection: a message id is accepted once, whether the provider still remembers it in
// memory or only the database does; the memory stays bounded however many ids arrive in the window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, freshDatabase } from '../helpers/engines.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { ReplayGuard } from '../../src/exchange/replay.js';
import { uuidv7 } from '../../src/core/uuid7.js';
import { isTongbanError } from '../../src/core/errors.js';

const WINDOW_MS = 300_000;

async function refusedAsReplay(p: Promise<void>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (e) {
    return isTongbanError(e) && e.code === 'E_REPLAY';
  }
}

for (const engine of await engines()) {
  test(`${engine}: replay guard refuses every repeat, remembered or not, and keeps its memory bounded`, async () => {
    const t = await freshDatabase(engine, 'replay');
    const store = await openDatabase<TongbanDB>(t.url);
    try {
      await migrateToLatest(store);
      const limit = 8;
      const guard = new ReplayGuard(store.db, WINDOW_MS, limit);
      const at = new Date().toISOString();
      const ids = Array.from({ length: 30 }, () => uuidv7());
      for (const id of ids) await guard.claim(id, '310000', at);
      assert.ok(guard.remembered <= limit, `remembers ${guard.remembered} ids, limit ${limit}`);
      const rows = async () => Number((await store.db.selectFrom('exchange_replay').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      assert.equal(await rows(), 30);

      // the newest are refused from memory, the oldest (forgotten in memory) by the database
      for (const id of [ids[0]!, ids[15]!, ids[29]!]) assert.ok(await refusedAsReplay(guard.claim(id, '310000', at)), `repeat of ${id} refused`);
      // a refused repeat changes nothing
      assert.equal(await rows(), 30);
      assert.equal((await store.db.selectFrom('exchange_replay').select('from_region').where('message_id', '=', ids[0]!).executeTakeFirstOrThrow()).from_region, '310000');

      // two copies arriving together: exactly one is accepted
      const twin = uuidv7();
      const outcomes = await Promise.allSettled([guard.claim(twin, '310000', at), guard.claim(twin, '320000', at)]);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);

      // a restarted provider (empty memory) still refuses what its database holds
      const restarted = new ReplayGuard(store.db, WINDOW_MS, limit);
      assert.equal(restarted.remembered, 0);
      assert.ok(await refusedAsReplay(restarted.claim(ids[3]!, '310000', at)));
      await restarted.claim(uuidv7(), '310000', at);
    } finally {
      await store.close();
      await t.cleanup();
    }
  });

  test(`${engine}: replay guard deletes ids older than twice the window, in slices, and on its own while running`, async () => {
    const t = await freshDatabase(engine, 'replay-purge');
    const store = await openDatabase<TongbanDB>(t.url);
    try {
      await migrateToLatest(store);
      const guard = new ReplayGuard(store.db, WINDOW_MS);
      const old = uuidv7();
      await guard.claim(old, '310000', new Date().toISOString());
      // nothing is old yet
      assert.equal(await guard.purge(new Date()), 0);
      // two windows later the row goes; a message that old fails the clock check before replay
      assert.equal(await guard.purge(new Date(Date.now() + 2 * WINDOW_MS + 1000)), 1);
      assert.equal((await store.db.selectFrom('exchange_replay').selectAll().execute()).length, 0);

      // slice by slice: every old id goes, every id still in the window stays
      const received = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
      const row = (id: string, msAgo: number) => ({ message_id: id, from_region: '310000', created_at: received(msAgo), received_at: received(msAgo) });
      const oldIds = Array.from({ length: 7 }, () => uuidv7());
      const keep = uuidv7();
      await store.db.insertInto('exchange_replay').values([...oldIds.map((id) => row(id, 2 * WINDOW_MS + 60_000)), row(keep, WINDOW_MS)]).execute();
      assert.equal(await guard.purge(new Date(), 2), 7);
      assert.deepEqual((await store.db.selectFrom('exchange_replay').select('message_id').execute()).map((r) => r.message_id), [keep]);

      // a running node purges on its own (ExchangeService starts this with its outbox)
      await store.db.insertInto('exchange_replay').values(oldIds.map((id) => row(id, 3 * WINDOW_MS))).execute();
      guard.startPurging(5, (e) => assert.fail(String(e)));
      try {
        for (const until = Date.now() + 10_000; Date.now() < until; ) {
          const left = await store.db.selectFrom('exchange_replay').select('message_id').execute();
          if (left.length === 1) break;
          await new Promise<void>((r) => setImmediate(r));
        }
      } finally {
        await guard.stopPurging();
      }
      assert.deepEqual((await store.db.selectFrom('exchange_replay').select('message_id').execute()).map((r) => r.message_id), [keep]);
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
}
