// Audit log search (审计日志查询) latency over a large log: N entries (default 1,000,000) shaped like a
// busy provider's year — mostly exchanges served to four partner regions, some sent, ~3 % refused, admin
// and membership actions, evidence exports, a few subject searches — about 200,000 distinct citizens,
// 300 staff, spread over 365 days; then the searches an auditor makes (by citizen, by message, refusals,
// a rare action, one clerk, one day, a partner's refusals, the newest page, a page deep in the log), each
// repeated with different values, on SQLite (file, WAL) and PostgreSQL. In process, as the route calls
// it (checkAuditSearch + searchAuditLog); HTTP adds ~1 ms. Prints p50 / p95 / max per kind of search.
// The rows are written directly (hashes random: search never reads them as a chain).
//   node --import tsx bench/audit-search.ts [--entries 1000000] [--repeat 40] [--engine sqlite,postgres] [--pg postgres://…]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, migrateToLatest, type TongbanDB } from '../src/store/index.js';
import { countiesOf, makeIdNumber } from '../src/core/ids/index.js';
import { maskIdNumber } from '../src/core/mask.js';
import { subjectRefOf } from '../src/audit/event.js';
import type { AuditEntryRecord } from '../src/audit/chain.js';
import { checkAuditSearch, searchAuditLog, type AuditSearchFilters } from '../src/audit/search.js';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '40' },
    engine: { type: 'string', default: 'sqlite,postgres' },
    pg: { type: 'string', default: process.env.TONGBAN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const TOTAL = Number(values.entries);
const REPEAT = Number(values.repeat);
const REGION = '340000';
const PARTNERS = ['310000', '320000', '330000', '520000'];
const KEY = randomBytes(32);
const DAY = 86_400_000;
const END = Date.parse('2026-11-25T00:00:00.000Z');
const START = END - 365 * DAY;

/** A repeatable pseudo-random stream (the same log on both engines). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIZENS = Math.max(1000, Math.round(TOTAL / 5));
/** 安徽's counties (GB/T 2260): the address codes of the citizens' ID numbers */
const COUNTIES = countiesOf('340000').map((d) => d.code);
/** the i-th citizen: distinct valid ID numbers (address code and birth year vary with i so that 200,000 fit) */
function idOf(i: number): string {
  const address = COUNTIES[Math.floor(i / 1000) % COUNTIES.length]!;
  const year = 1950 + (Math.floor(i / 900_000) % 50);
  return makeIdNumber(address, `${year}0${1 + (i % 9)}${String(10 + (Math.floor(i / 9) % 18)).padStart(2, '0')}`, i % 1000);
}
const STAFF = Array.from({ length: 300 }, (_, i) => ({ id: `staff-${i}`, region: PARTNERS[i % PARTNERS.length]!, department: `${PARTNERS[i % PARTNERS.length]} 政务服务中心 ${i % 7}` }));
const OWN_STAFF = Array.from({ length: 20 }, (_, i) => `ah-${i}`);
const hex = (n: number) => createHash('sha256').update(String(n)).digest('hex');

interface Shape {
  action: string;
  category: string;
  outcome: string;
  errorCode: string | null;
  exchange: boolean;
  own: boolean;
}
function shapeOf(r: number): Shape {
  const ex = (action: string, outcome = 'ok', errorCode: string | null = null, own = false): Shape => ({ action, category: 'exchange', outcome, errorCode, exchange: true, own });
  if (r < 0.85) return ex('exchange.request.served');
  if (r < 0.95) return ex('exchange.request.sent', 'ok', null, true);
  if (r < 0.98) return ex('exchange.request.refused', 'refused', r < 0.97 ? 'E_SUBJECT_NOT_FOUND' : 'E_NO_AGREEMENT');
  if (r < 0.985) return ex('exchange.evidence.exported', 'ok', null, true);
  if (r < 0.9999) return { action: ['user.created', 'user.password-reset', 'catalog.resource.approved', 'key.rotated'][Math.floor(r * 1e6) % 4]!, category: 'admin', outcome: 'ok', errorCode: null, exchange: false, own: true };
  return { action: 'audit.subject-searched', category: 'security', outcome: 'ok', errorCode: null, exchange: false, own: true };
}

function entry(seq: number, rand: () => number): AuditEntryRecord {
  const shape = shapeOf(rand());
  const at = new Date(START + Math.floor(((seq - 1) / TOTAL) * 365 * DAY)).toISOString();
  const who = STAFF[Math.floor(rand() * STAFF.length)]!;
  const own = OWN_STAFF[Math.floor(rand() * OWN_STAFF.length)]!;
  const id = shape.exchange || shape.action === 'audit.subject-searched' ? idOf(Math.floor(rand() * CITIZENS)) : undefined;
  const partner = shape.own ? PARTNERS[Math.floor(rand() * PARTNERS.length)]! : who.region;
  return {
    seq, at, alg: 'sha256', category: shape.category, action: shape.action,
    actor_type: 'user', actor_id: shape.own ? own : who.id, actor_region: shape.own ? REGION : who.region, actor_department: shape.own ? '安徽省大数据中心' : who.department,
    outcome: shape.outcome, error_code: shape.errorCode,
    message_id: shape.exchange ? `019a${hex(seq).slice(0, 28)}` : null, conversation_id: null,
    counterparty: shape.exchange ? partner : null,
    subject_ref: id ? subjectRefOf(KEY, 'sha256', id) : null, subject_masked: id ? maskIdNumber(id) : null,
    purpose: shape.exchange ? JSON.stringify({ caseId: `SH-2026-${seq}`, serviceItem: '婚姻登记' }) : null,
    resource: shape.exchange ? 'hukou.person' : null, fields: shape.exchange ? '["birthDate","name"]' : null,
    request_hash: shape.exchange ? hex(seq + 1) : null, response_hash: shape.exchange ? hex(seq + 2) : null,
    detail: shape.exchange ? null : '{"target":"x"}', prev_hash: hex(seq - 1), hash: hex(seq),
  };
}

async function target(engine: string): Promise<{ url: string; cleanup: () => Promise<void> } | undefined> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-bench-audit-search-'));
    return { url: `sqlite:${join(dir, 'node.db')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_audit_search_${randomBytes(4).toString('hex')}`;
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

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

console.log(`audit log search over ${TOTAL.toLocaleString('en')} entries, ${CITIZENS.toLocaleString('en')} citizens, ${REPEAT} searches of each kind (node ${process.version})`);
for (const engine of values.engine!.split(',')) {
  const t = await target(engine);
  if (!t) continue;
  const store = await openDatabase<TongbanDB>(t.url);
  try {
    await migrateToLatest(store);
    const rand = rng(42);
    const l0 = performance.now();
    const messages: string[] = [];
    for (let from = 1; from <= TOTAL; ) {
      await store.db.transaction().execute(async (tx) => {
        for (let chunk = 0; chunk < 100 && from <= TOTAL; chunk++) {
          const rows = Array.from({ length: Math.min(500, TOTAL - from + 1) }, (_, i) => entry(from + i, rand));
          for (const r of rows) if (r.message_id && messages.length < 5000 && rand() < 0.01) messages.push(r.message_id);
          await tx.insertInto('audit_entry').values(rows).execute();
          from += rows.length;
        }
      });
    }
    await store.db.updateTable('audit_head').set({ seq: TOTAL, hash: hex(TOTAL) }).where('id', '=', 1).execute();
    await store.db
      .insertInto('audit_checkpoint')
      .values({ seq: TOTAL - 500, head_hash: hex(TOTAL - 500), entry_count: TOTAL - 500, created_at: new Date(END).toISOString(), document: '{}', countersignature: '{}', anchored_at: new Date(END).toISOString(), last_attempt_at: null, last_error: null, last_error_code: null })
      .execute();
    // as autovacuum would have by then on a log that grew over a year
    if (engine === 'postgres') await sql`ANALYZE`.execute(store.db);
    const loadSecs = (performance.now() - l0) / 1000;

    const pick = rng(7);
    const kinds: Array<[string, () => AuditSearchFilters]> = [
      ['a citizen (≈5 entries)', () => ({ subject: idOf(Math.floor(pick() * CITIZENS)) })],
      ['a citizen never seen', () => ({ subject: makeIdNumber('110105', '19800101', Math.floor(pick() * 1000)) })],
      ['one message', () => ({ messageId: messages[Math.floor(pick() * messages.length)]! })],
      ['newest page, no filter', () => ({})],
      ['refusals (3 %)', () => ({ outcome: 'refused' })],
      ['one partner, refused', () => ({ counterparty: PARTNERS[Math.floor(pick() * PARTNERS.length)]!, outcome: 'refused' })],
      ['one clerk (1 in 300)', () => ({ actor: `staff-${Math.floor(pick() * 300)}` })],
      ['one clerk, last 30 days', () => ({ actor: `staff-${Math.floor(pick() * 300)}`, from: new Date(END - 30 * DAY).toISOString() })],
      ['one day, 3–12 months back', () => {
        const day = END - (90 + Math.floor(pick() * 270)) * DAY;
        return { from: new Date(day).toISOString(), to: new Date(day + DAY).toISOString() };
      }],
      ['rare action (0.01 %)', () => ({ action: 'audit.subject-searched' })],
      ['a page in the middle', () => ({ before: Math.floor(TOTAL / 2 + pick() * 1000) })],
    ];
    console.log(`\n${engine}: loaded in ${loadSecs.toFixed(1)} s`);
    console.log(`${'search'.padEnd(30)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}  hits/page`);
    for (const [name, make] of kinds) {
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < REPEAT + 3; i++) {
        const q = checkAuditSearch({ ...make(), limit: 50 }, (id) => subjectRefOf(KEY, 'sha256', id));
        const t0 = performance.now();
        const page = await searchAuditLog(store.db, q, REGION);
        const ms = performance.now() - t0;
        if (i >= 3) {
          times.push(ms);
          hits += page.entries.length;
        }
      }
      console.log(`${name.padEnd(30)} ${pct(times, 50).toFixed(2).padStart(8)} ${pct(times, 95).toFixed(2).padStart(8)} ${Math.max(...times).toFixed(2).padStart(8)}  ${(hits / times.length).toFixed(1).padStart(9)}`);
    }
  } finally {
    await store.close();
    await t.cleanup();
  }
}
