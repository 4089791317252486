import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines, freshDatabase } from '../helpers/engines.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../../src/store/index.js';
import { prepareQuery, prepareRows, type Param } from '../../src/store/prepared.js';
import type { ExchangeReplayTable } from '../../src/exchange/schema.js';

for (const engine of await engines()) {
  test(`${engine}: prepared statements run with each call's values, the same SQL every time`, async () => {
    const t = await freshDatabase(engine, 'prepared');
    const store = await openDatabase<TongbanDB>(t.url);
    try {
      await migrateToLatest(store);
      const db = store.db;
      const insert = prepareRows<ExchangeReplayTable, { message_id: string }>(['message_id', 'from_region', 'created_at', 'received_at'], (rows) =>
        db.insertInto('exchange_replay').values(rows).onConflict((oc) => oc.column('message_id').doNothing()).returning('message_id'),
      );
      const row = (id: string, from = '310000') => ({ message_id: id, from_region: from, created_at: '2026-11-24T08:00:00.000Z', received_at: '2026-11-24T08:00:01.000Z' });
      const one = insert([row('a')]);
      const three = insert([row('b'), row('c', '320000'), row('a')]);
      // one shape per row count; the SQL never holds a value
      assert.equal(insert([row('x')]).sql, one.sql);
      assert.notEqual(three.sql, one.sql);
      assert.ok(!/310000|'a'/.test(three.sql));
      assert.deepEqual((await db.executeQuery(one)).rows.map((r) => r.message_id), ['a']);
      // the conflict clause (a constant of the statement) still applies: 'a' is not inserted twice
      assert.deepEqual((await db.executeQuery(three)).rows.map((r) => r.message_id).sort(), ['b', 'c']);
      assert.equal((await db.selectFrom('exchange_replay').select('from_region').where('message_id', '=', 'c').executeTakeFirstOrThrow()).from_region, '320000');

      // a fixed-shape query: a name used twice binds the same value; the builder's constants stay
      const lookup = prepareQuery((p: Param<'id' | 'region'>) =>
        db.selectFrom('exchange_replay').select(['message_id', 'from_region']).where((eb) => eb.or([eb('message_id', '=', p('id')), eb('from_region', '=', p('region'))])).where('created_at', '<', '2027-01-01').orderBy('message_id'),
      );
      assert.deepEqual((await db.executeQuery(lookup({ id: 'a', region: '320000' }))).rows.map((r) => r.message_id), ['a', 'c']);
      assert.deepEqual((await db.executeQuery(lookup({ id: 'nothing', region: '310000' }))).rows.map((r) => r.message_id), ['a', 'b']);
      // a subject id shaped like SQL is only ever a value
      assert.deepEqual((await db.executeQuery(lookup({ id: "a' or '1'='1", region: 'none' }))).rows, []);

      // values by name; an undefined one binds NULL, which a NOT NULL column refuses (nothing shifts, nothing is skipped)
      const update = prepareQuery((p: Param<'at' | 'id'>) => db.updateTable('exchange_replay').set({ received_at: p('at') }).where('message_id', '=', p('id')));
      await db.executeQuery(update({ at: '2026-11-25T00:00:00.000Z', id: 'b' }));
      assert.equal((await db.selectFrom('exchange_replay').select('received_at').where('message_id', '=', 'b').executeTakeFirstOrThrow()).received_at, '2026-11-25T00:00:00.000Z');
      await assert.rejects(db.executeQuery(update({ at: undefined, id: 'b' })));
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
}
