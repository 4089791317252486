// The few DDL differences between the engines, in one place, for migrations to call.
import { SqliteAdapter, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- works on any schema
export function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/** An auto-assigned integer primary key: SQLite rowid alias, PostgreSQL identity column. */
export function withAutoId<T extends string>(db: Kysely<unknown>, table: CreateTableBuilder<T, never>, name = 'id') {
  return isSqlite(db)
    ? table.addColumn(name, 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement())
    : table.addColumn(name, 'bigint', (c: ColumnDefinitionBuilder) => c.primaryKey().generatedByDefaultAsIdentity());
}
