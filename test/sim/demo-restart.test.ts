// The demo restarted on other ports: its nodes' new endpoints are changes the hub's operator must
// approve, and the demo, as its own operator, approves them for the nodes it started — so every node's
// member list points at where its partners listen now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../../src/sim/demo.js';

test('a demo started again on other ports moves its nodes on the member list', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-demo-restart-'));
  const opts = { dataDir: dir, basePort: 0, citizens: 100, suite: 'ed25519' as const, seed: 'restart', probeSeconds: 0, workers: false };
  try {
    const first = await startDemo(opts);
    const firstUrls = first.nodes.map((n) => n.url);
    await first.close();
    const second = await startDemo(opts);
    try {
      const urls = new Map(second.nodes.map((n) => [n.config.region.code, n.url]));
      assert.ok(second.nodes.some((n, i) => n.url !== firstUrls[i]), 'the nodes listen elsewhere now');
      for (const node of second.nodes) {
        const list = node.federation!.current.trustList!;
        for (const m of list.members) assert.equal(m.endpoint, urls.get(m.regionCode), `${node.config.region.code} reaches ${m.regionCode} where it listens now`);
        assert.equal(node.federation!.current.changePending ?? false, false);
      }
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
