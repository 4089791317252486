// Fault injection in a real database: a trigger that makes some inserts into a table fail, as a full
// disk or a lost connection would fail them, so a test can see what a failed write leaves behind.
import { sql, type Kysely } from 'kysely';
import { isSqlite } from '../../src/store/migrations/portable.js';

/** Inserts into `table` whose `column` equals `value` fail until the returned function is called. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database of the project
export async function failInserts(db: Kysely<any>, table: string, column: string, value: string): Promise<() => Promise<void>> {
  const name = `test_fail_${table}_${column}`;
  if (isSqlite(db)) {
    await sql`create trigger ${sql.id(name)} before insert on ${sql.table(table)} when new.${sql.id(column)} = ${sql.lit(value)} begin select raise(abort, 'injected failure'); end`.execute(db);
    return async () => void (await sql`drop trigger ${sql.id(name)}`.execute(db));
  }
  await sql`create function ${sql.id(name)}() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`.execute(db);
  await sql`create trigger ${sql.id(name)} before insert on ${sql.table(table)} for each row when (new.${sql.id(column)} = ${sql.lit(value)}) execute function ${sql.id(name)}()`.execute(db);
  return async () => {
    await sql`drop trigger ${sql.id(name)} on ${sql.table(table)}`.execute(db);
    await sql`drop function ${sql.id(name)}()`.execute(db);
  };
}
