import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql } from 'kysely';
import { engines, freshDatabase } from '../helpers/engines.js';
import { openDatabase, migrateToLatest, parseDatabaseUrl, type TongbanDB } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { restoreDeclaredEntries } from '../../src/audit/status.js';

for (const engine of await engines()) {
  test(`${engine}: migrations create every table and a second run is a no-op`, async () => {
    const t = await freshDatabase(engine, 'migrate');
    const store = await openDatabase<TongbanDB>(t.url);
    try {
      const first = await migrateToLatest(store);
      assert.deepEqual(first.applied, Object.keys(MIGRATIONS).sort());
      const second = await migrateToLatest(store);
      assert.deepEqual(second.applied, []);
      assert.equal(second.current, Object.keys(MIGRATIONS).sort().at(-1));
      // round trip through every table type, including the auto id
      const at = new Date().toISOString();
      await store.db.insertInto('meta').values({ key: 'k', value: '值', updated_at: at }).execute();
      await store.db.insertInto('hub_member').values({
        region_code: '340000', name: '安徽', endpoint: 'http://x', suite: 'sm2-sm3', status: 'pending',
        requested_at: at, decided_at: null, decided_by: null, reason: null, updated_at: at,
      }).execute();
      await store.db.insertInto('hub_member_event').values({ region_code: '340000', at, action: 'requested', actor: 'node', detail: null }).execute();
      await store.db.insertInto('hub_member_event').values({ region_code: '340000', at, action: 'approved', actor: 'op', detail: null }).execute();
      const events = await store.db.selectFrom('hub_member_event').select(['id', 'action']).orderBy('id').execute();
      assert.equal(events.length, 2);
      assert.ok(Number(events[1]!.id) > Number(events[0]!.id));
      const meta = await store.db.selectFrom('meta').selectAll().executeTakeFirstOrThrow();
      assert.equal(meta.value, '值');
      // foreign keys are enforced on both engines
      await assert.rejects(
        store.db.insertInto('hub_member_key').values({
          key_id: 'x', region_code: '999999', suite: 'ed25519', public_key_pem: 'p', status: 'active', added_at: at, retired_at: null,
        }).execute(),
      );
      // anchoring's read of pending checkpoints goes through a partial index, not the whole table
      if (engine === 'sqlite') {
        const plan = await sql<{ detail: string }>`explain query plan select seq, document from audit_checkpoint where countersignature is null order by seq`.execute(store.db);
        assert.match(plan.rows.map((r) => r.detail).join(' | '), /USING INDEX audit_checkpoint_pending/);
      } else {
        const idx = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'audit_checkpoint_pending' and schemaname = current_schema()`.execute(store.db);
        assert.match(idx.rows[0]?.indexdef ?? '', /WHERE \(countersignature IS NULL\)/);
      }
      // the status page finds the restore declarations in the log through a partial index, not the whole log
      if (engine === 'sqlite') {
        const { sql: text, parameters } = restoreDeclaredEntries(store.db).compile();
        const plan = await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, [...parameters]));
        assert.match(plan.rows.map((r) => r.detail).join(' | '), /SCAN audit_entry USING INDEX audit_entry_restore_declared/);
      } else {
        const idx = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'audit_entry_restore_declared' and schemaname = current_schema()`.execute(store.db);
        assert.match(idx.rows[0]?.indexdef ?? '', /WHERE \(\(action\)::text = 'audit\.restore-declared'::text\)/);
      }
      const count = await sql<{ n: number }>`select count(*) as n from tongban_migration`.execute(store.db);
      assert.equal(Number(count.rows[0]!.n), Object.keys(MIGRATIONS).length);
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
}

test('database URLs: clear errors for what is not a database', () => {
  assert.throws(() => parseDatabaseUrl('mysql://x'), /must start with sqlite: or postgres:\/\//);
  assert.throws(() => parseDatabaseUrl('sqlite:'), /needs a file path/);
  assert.throws(() => parseDatabaseUrl('postgres://h/db?schema=Bad-Name'), /schema "Bad-Name"/);
  assert.deepEqual(parseDatabaseUrl('sqlite:a/b.db', '/base'), { engine: 'sqlite', location: '/base/a/b.db' });
  assert.equal(parseDatabaseUrl('postgres://u@h:5432/db?schema=tb').schema, 'tb');
});

test('an unreachable PostgreSQL gives E_DATABASE_UNAVAILABLE, not a hang', async () => {
  await assert.rejects(openDatabase('postgres://postgres@127.0.0.1:1/test'), (e: Error) => {
    assert.match(e.message, /E_DATABASE_UNAVAILABLE: cannot connect to PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/test/);
    return true;
  });
});
