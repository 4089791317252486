// Time from start to all-ready of the demo federation (hub + five nodes), fresh and on a second
// start that reuses the data. Loopback only, ports picked by the OS.
//   node --import tsx bench/demo-start.ts [--citizens 10000] [--suite sm2-sm3] [--runs 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDemo, type DemoEvent } from '../src/sim/demo.js';
import type { SuiteName } from '../src/core/crypto/suite.js';

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '10000' },
    suite: { type: 'string', default: 'sm2-sm3' },
    runs: { type: 'string', default: '3' },
  },
});
const citizens = Number(values.citizens);
const runs = Number(values.runs);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fresh: number[] = [];
const reused: number[] = [];
const seedMs: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-bench-demo-'));
  try {
    let seedMax = 0;
    const onEvent = (e: DemoEvent) => {
      if (e.type === 'seed-done') seedMax = Math.max(seedMax, e.ms);
    };
    const opts = { dataDir: dir, basePort: 0, citizens, suite: values.suite as SuiteName, seed: 'tongban', onEvent };
    const a = await startDemo(opts);
    fresh.push(a.elapsedMs);
    seedMs.push(seedMax);
    await a.close();
    const b = await startDemo(opts);
    reused.push(b.elapsedMs);
    await b.close();
    console.error(`run ${i + 1}: fresh ${(a.elapsedMs / 1000).toFixed(2)} s, reused ${(b.elapsedMs / 1000).toFixed(2)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`demo federation (hub + 5 nodes, ${values.suite}, ${citizens.toLocaleString('en')} citizens a node), ${runs} run(s), median:`);
console.log(`  first start (seed + start + join + approve + sync): ${(median(fresh) / 1000).toFixed(2)} s   (slowest registry seed ${(median(seedMs) / 1000).toFixed(2)} s)`);
console.log(`  second start (data reused):                         ${(median(reused) / 1000).toFixed(2)} s`);
