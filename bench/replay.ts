// Replay-guard cost per claim as its memory fills: every accepted message id is claimed (group-
// committed to exchange_replay) and recent ids are kept in memory, bounded at 200,000 in two generations.
//   npm run bench -- replay [--ids 300000] [--engine sqlite|postgres]
// A claim must cost the same past the bound (before 2026-11-24 it walked the whole map there: ~3 ms).
import { parseArgs } from 'node:util';
import { openDatabase, migrateToLatest, type TongbanDB } from '../src/store/index.js';
import { ReplayGuard } from '../src/exchange/replay.js';
import { uuidv7 } from '../src/core/uuid7.js';

const { values } = parseArgs({ options: { ids: { type: 'string', default: '300000' }, engine: { type: 'string', default: 'sqlite' } } });
const total = Number(values.ids);
const url = values.engine === 'postgres' ? `${process.env.TONGBAN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'}?schema=bench_replay_${process.pid}` : 'sqlite::memory:';
const store = await openDatabase<TongbanDB>(url);
await migrateToLatest(store);
const guard = new ReplayGuard(store.db, 300_000);
const at = new Date().toISOString();
const step = Math.max(1, Math.floor(total / 10));
console.log(`replay guard, ${values.engine}, ${total.toLocaleString('en')} distinct ids claimed 64 at a time (as concurrent requests are)`);
let t = performance.now();
for (let i = 0; i < total; i += 64) {
  await Promise.all(Array.from({ length: Math.min(64, total - i) }, () => guard.claim(uuidv7(), '310000', at)));
  const done = Math.min(total, i + 64);
  if (Math.floor(done / step) !== Math.floor(i / step)) {
    const ms = performance.now() - t;
    console.log(`  ${String(done).padStart(8)} claimed: ${((ms * 1000) / (done - Math.floor(i / step) * step)).toFixed(1).padStart(6)} µs a claim, ${guard.remembered.toLocaleString('en')} ids in memory`);
    t = performance.now();
  }
}
if (values.engine === 'postgres') await store.db.schema.dropSchema(`bench_replay_${process.pid}`).cascade().execute();
await store.close();
