// Audit log throughput: appends/s with group commit on SQLite (file, WAL) and PostgreSQL, for both
// suites, at several concurrencies (closed loop: each of C callers awaits its append, then appends
// again — as C exchanges in flight would), with checkpoints every 1000 entries; then the rate of a
// whole-log verification.
//   node --import tsx bench/audit.ts [--entries 20000] [--pg postgres://…] [--concurrency 1,16,256,1024]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, migrateToLatest, type TongbanDB } from '../src/store/index.js';
import { suiteFor, SUITE_NAMES, type SuiteName } from '../src/core/crypto/index.js';
import { makeSigner } from '../src/core/signed-document.js';
import { AuditLog, verifyAuditLog, type AuditEvent } from '../src/audit/index.js';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '20000' },
    pg: { type: 'string', default: process.env.TONGBAN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test' },
    concurrency: { type: 'string', default: '1,16,256,1024' },
  },
});
const total = Number(values.entries);
const concurrencies = values.concurrency!.split(',').map(Number);

function event(i: number): AuditEvent {
  return {
    category: 'exchange',
    action: 'exchange.request.served',
    actor: { type: 'node', id: '310000', regionCode: '310000' },
    outcome: 'ok',
    messageId: `01J${i.toString(36).padStart(10, '0')}`,
    conversationId: `c-${i}`,
    counterparty: '310000',
    subject: { idNumber: `3401041990030${String(71234 + (i % 1000)).padStart(5, '0')}` },
    purpose: { serviceItem: '婚姻登记', caseId: `SH-2026-${i}`, agreementId: 'AG-310000-340000-1' },
    resource: 'hukou.person',
    fields: ['name', 'gender', 'birth_date', 'address'],
    requestHash: `sm3:${randomBytes(32).toString('hex')}`,
    responseHash: `sm3:${randomBytes(32).toString('hex')}`,
    detail: { latencyMs: 12, route: 'direct' },
  };
}

async function target(engine: 'sqlite' | 'postgres'): Promise<{ url: string; cleanup: () => Promise<void> } | undefined> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-bench-audit-'));
    return { url: `sqlite:${join(dir, 'node.db')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_audit_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: values.pg, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
  } catch {
    console.log(`(PostgreSQL not reachable at ${values.pg}: skipped)`);
    return undefined;
  }
  await c.end();
  return {
    url: `${values.pg}${values.pg!.includes('?') ? '&' : '?'}schema=${schema}`,
    cleanup: async () => {
      const d = new pg.Client({ connectionString: values.pg });
      await d.connect();
      await d.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await d.end();
    },
  };
}

console.log(`audit appends, ${total} entries per run, checkpoint every 1000 (node ${process.version})`);
console.log('engine    suite     callers  appends/s  transactions  entries/tx  verify entries/s');
for (const engine of ['sqlite', 'postgres'] as const) {
  for (const suiteName of SUITE_NAMES as readonly SuiteName[]) {
    for (const c of concurrencies) {
      const t = await target(engine);
      if (!t) break;
      const store = await openDatabase<TongbanDB>(t.url);
      try {
        await migrateToLatest(store);
        const suite = suiteFor(suiteName);
        const signer = makeSigner(suite, suite.generateKeyPair().privateKeyPem);
        const log = new AuditLog({ db: store.db, signer, regionCode: '340000', subjectKey: randomBytes(32), checkpointSeconds: 0 });
        await log.start();
        const n = c === 1 ? Math.min(total, 2000) : total; // one-by-one is one transaction per entry: fewer
        const events = Array.from({ length: n }, (_, i) => event(i));
        let next = 0;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: c }, async () => {
            while (next < n) await log.append(events[next++]!);
          }),
        );
        const secs = (performance.now() - t0) / 1000;
        await log.settled();
        const v0 = performance.now();
        const key = { keyId: signer.keyId, suite: suiteName, publicKey: signer.publicKeyPem, status: 'active' as const, addedAt: '' };
        const trustList = { hub: { name: '', url: '', keys: [] }, members: [{ regionCode: '340000', name: '', endpoint: '', status: 'active' as const, keys: [key] }] };
        const report = await verifyAuditLog(store.db, { regionCode: '340000', trustList });
        const vsecs = (performance.now() - v0) / 1000;
        if (!report.ok) throw new Error(`verification failed: ${report.firstProblem?.reason}`);
        const { batches, entries } = log.stats;
        console.log(
          `${engine.padEnd(9)} ${suiteName.padEnd(9)} ${String(c).padStart(7)} ${(n / secs).toFixed(0).padStart(10)} ${String(batches).padStart(13)} ${(entries / batches).toFixed(1).padStart(11)} ${(report.entries / vsecs).toFixed(0).padStart(17)}`,
        );
        await log.close();
      } finally {
        await store.close();
        await t.cleanup();
      }
    }
  }
}
