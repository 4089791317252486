// Small key/value settings of a server (pinned hub key, membership status, operator token hash).
import type { Kysely } from 'kysely';
import { nowIso } from '../core/time.js';
import type { TongbanDB } from './schema.js';

export async function getMeta(db: Kysely<TongbanDB>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function setMeta(db: Kysely<TongbanDB>, key: string, value: string): Promise<void> {
  const at = nowIso();
  await db
    .insertInto('meta')
    .values({ key, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}
