// Seeding throughput of the synthetic registries: one region, one engine, fresh database.
//   node --import tsx bench/seed.ts --citizens 1000000 [--region 340000] [--engine sqlite|postgres] [--url URL] [--seed S]
// Prints rows/s per table (rows ÷ time spent writing that table) and the wall time of each phase.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedRegistries, type SeedProgress } from '../src/sim/registries/index.js';

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '100000' },
    region: { type: 'string', default: '340000' },
    engine: { type: 'string', default: 'sqlite' },
    url: { type: 'string' },
    seed: { type: 'string', default: 'tongban' },
  },
});
const citizens = Number(values.citizens);
const PG = process.env.TONGBAN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

let url = values.url;
let cleanup = async () => undefined as void;
if (!url) {
  if (values.engine === 'postgres') {
    const schema = `bench_seed_${process.pid}`;
    url = `${PG}?schema=${schema}`;
    cleanup = async () => {
      const c = new pg.Client({ connectionString: PG });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-bench-seed-'));
    url = `sqlite:${join(dir, 'registries.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
}

let lastPhase = '';
const onProgress = (p: SeedProgress) => {
  if (p.phase !== lastPhase) {
    lastPhase = p.phase;
    process.stderr.write(`\n${p.phase} `);
  }
  process.stderr.write('.');
};

try {
  const t0 = performance.now();
  const s = await seedRegistries(url, { regionCode: values.region!, citizens, seed: values.seed, onProgress });
  const wall = (performance.now() - t0) / 1000;
  process.stderr.write('\n');
  const t = s.timings!;
  console.log(`${s.engine} · region ${s.regionCode} ${s.regionName} · ${citizens.toLocaleString('en')} citizens · total ${wall.toFixed(1)} s`);
  console.log('\nphase                 wall s');
  for (const [phase, ms] of Object.entries(t.phases)) console.log(`${phase.padEnd(20)} ${(ms / 1000).toFixed(2).padStart(7)}`);
  console.log('\ntable                      rows    write s     rows/s (writing)');
  let rows = 0;
  for (const [table, x] of Object.entries(t.tables)) {
    rows += x.rows;
    const rps = x.writeMs > 0 ? Math.round(x.rows / (x.writeMs / 1000)) : 0;
    console.log(`${table.padEnd(22)} ${String(x.rows).padStart(9)} ${(x.writeMs / 1000).toFixed(2).padStart(9)} ${String(rps).padStart(10)}`);
  }
  console.log(`${'all tables'.padEnd(22)} ${String(rows).padStart(9)}    overall ${Math.round(rows / wall)} rows/s`);
  const mem = process.memoryUsage();
  console.log(`\npeak-ish memory: rss ${(mem.rss / 1e6).toFixed(0)} MB, heap used ${(mem.heapUsed / 1e6).toFixed(0)} MB`);
} finally {
  await cleanup();
}
