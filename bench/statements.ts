// SQL statements per exchange on each node, counted at the driver: the exchange fixture of the tests
// (a hub, 上海 and 安徽 in this process, SQLite), N exchanges sent C at a time, every statement that
// better-sqlite3 runs counted by database and text. Shows what group commit leaves per exchange.
//   node --import tsx bench/statements.ts [--exchanges 400] [--concurrency 20]
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';

const { values } = parseArgs({ options: { exchanges: { type: 'string', default: '400' }, concurrency: { type: 'string', default: '20' } } });
const N = Number(values.exchanges);
const C = Number(values.concurrency);

type Runner = (...args: unknown[]) => unknown;
const counts = new Map<string, number>();
const proto = SQLite.prototype as unknown as { prepare: (this: SQLite.Database, sql: string) => Record<string, Runner> };
const prepare = proto.prepare;
proto.prepare = function (sql: string) {
  const statement = prepare.call(this, sql);
  const db = this.name.split('/').slice(-2, -1)[0]!.replace(/-[A-Za-z0-9]{6}$/, '');
  for (const method of ['run', 'all', 'get', 'iterate']) {
    const run = statement[method];
    if (typeof run !== 'function') continue;
    statement[method] = function (this: unknown, ...args: unknown[]) {
      const key = `${db} :: ${sql.slice(0, 100)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return run.apply(this, args);
    };
  }
  return statement;
};

const { exchangeFixture } = await import('../test/helpers/exchange.js');
const f = await exchangeFixture('sqlite', {});
const body = { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name', 'sex'], purpose: { serviceItem: '户口迁移(夫妻投靠)', caseId: 'BENCH-1' } };
const send = async () => {
  const r = await f.clerk('/api/exchange/requests', { body });
  if (r.status !== 200) throw new Error(`exchange failed: ${r.status} ${JSON.stringify(r.body)}`);
};
for (let i = 0; i < 3; i++) await send(); // warm-up: sessions, trust lists, statement caches
counts.clear();
for (let done = 0; done < N; done += C) await Promise.all(Array.from({ length: Math.min(C, N - done) }, send));

console.log(`statements per exchange (${N} exchanges, ${C} at a time; tongban-n310000 = 上海 requester, tongban-n340000 = 安徽 provider, tongban-reg = 安徽's registries)`);
for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1])) if (n / N >= 0.005) console.log(`${(n / N).toFixed(3).padStart(7)}  ${k}`);
await f.close();
process.exit(0);
