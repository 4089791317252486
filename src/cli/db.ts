// The CLI's way into a server's own database: load the config (for a role, or the role the file
// says), open, migrate, run, close.
import type { Kysely } from 'kysely';
import { loadConfig, roleOfConfigFile, type Role, type ServerConfig } from '../config/index.js';
import { openDatabase, migrateToLatest, type TongbanDB } from '../store/index.js';

export async function withServerDb<T>(configPath: string, role: Role | 'auto', fn: (db: Kysely<TongbanDB>, cfg: ServerConfig) => Promise<T>): Promise<T> {
  const cfg = loadConfig(configPath, role === 'auto' ? roleOfConfigFile(configPath) : role);
  const store = await openDatabase<TongbanDB>(cfg.database);
  try {
    await migrateToLatest(store);
    return await fn(store.db, cfg);
  } finally {
    await store.close();
  }
}
