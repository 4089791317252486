// Audit-log fixtures shared by the audit tests and the console's browser test: an exchange event
// about a citizen, a node whose database is restored from an older backup, and a gate in front of the
// hub that sees how a node asks it.
import { createServer } from 'node:http';
import type { AuditEvent } from '../../src/audit/index.js';
import { openDatabase, type Engine } from '../../src/store/db.js';
import type { TongbanDB } from '../../src/store/schema.js';
import { startNode, type Started } from './federation.js';

/** The ID number the events are about: the log keeps it only masked and as a keyed hash. */
export const EVENT_ID_NUMBER = '340104199003071234';

/** The i-th exchange 安徽 served to 上海 (message m-i, case c-i). */
export const servedEvent = (i: number): AuditEvent => ({
  category: 'exchange',
  action: 'exchange.request.served',
  actor: { type: 'node', id: '310000', regionCode: '310000' },
  outcome: 'ok',
  messageId: `m-${i}`,
  counterparty: '310000',
  subject: { idNumber: EVENT_ID_NUMBER },
  purpose: { serviceItem: '婚姻登记', caseId: `c-${i}` },
});

/**
 * Stops the node and restores its database as a backup taken when its log ended at `backup` would
 * (the audit entries, checkpoints and head written after it are gone), then starts it again on the same
 * database, data directory and port, and waits until it holds the member list.
 */
export async function restoreFromBackup(engine: Engine, hub: { url: string; keyId?: string }, node: Started, backup: { seq: number; headHash: string }): Promise<Started> {
  const { database, dataDir } = node;
  await node.server.close();
  const store = await openDatabase<TongbanDB>(database.url);
  await store.db.deleteFrom('audit_entry').where('seq', '>', backup.seq).execute();
  await store.db.deleteFrom('audit_checkpoint').where('seq', '>', backup.seq).execute();
  await store.db.updateTable('audit_head').set({ seq: backup.seq, hash: backup.headHash }).execute();
  await store.close();
  const restored = await startNode(engine, hub, node.config.region, { database, dataDir, suite: node.config.suite, port: node.server.port });
  await restored.server.federation!.waitFor((s) => s.membership === 'approved' && s.trustList !== null);
  return restored;
}

export interface HubGate {
  url: string;
  /** the path and query of every request it received, in order */
  paths: string[];
  close(): Promise<void>;
}

/**
 * An address in front of a real hub that records every request and either passes them on once
 * `together` of them are waiting at the same time (a caller asking one after the other waits for an
 * answer that never comes), then every later one at once; or never answers at all: a hub that hangs.
 */
export async function hubGate(hubUrl: string, mode: { together: number } | 'hang'): Promise<HubGate> {
  const paths: string[] = [];
  const waiting: Array<() => Promise<void>> = [];
  let open = false;
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (mode === 'hang') return;
    const forward = async () => {
      try {
        const upstream = await fetch(`${hubUrl}${req.url}`);
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(await upstream.text());
      } catch {
        res.writeHead(502).end();
      }
    };
    if (open) return void forward();
    waiting.push(forward);
    if (waiting.length >= mode.together) {
      open = true;
      for (const go of waiting.splice(0)) void go();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    paths,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
