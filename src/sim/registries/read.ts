// Small read helpers over seeded registries, for the demo tour and tests: example ID numbers and credit
// codes that really exist. Values are returned in full; callers mask them before logging.

import { TongbanError } from '../../core/errors.js';
import { openDatabase, redactUrl } from '../../store/db.js';
import { registrySummary } from './seed.js';
import type { RegistryDB } from './tables.js';

export interface MigrantSample {
  idNumber: string;
  name: string;
  /** province of the household registration, e.g. 340000 */
  hukouProvinceCode: string;
  /** county-level code of where the person lives */
  livingInCode: string;
}

export interface EnterpriseSample {
  uscc: string;
  name: string;
  entityType: string;
  legalRepIdNumber: string;
  legalRepName: string;
}

async function withRegistry<T>(url: string, fn: (db: Awaited<ReturnType<typeof openDatabase<RegistryDB>>>['db']) => Promise<T>): Promise<T> {
  const summary = await registrySummary(url);
  if (!summary?.complete) throw new TongbanError('E_NOT_FOUND', `registries at ${redactUrl(url)} have not been seeded (or seeding did not finish)`);
  const database = await openDatabase<RegistryDB>(url);
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

const prefixOf = (code: string) => code.slice(0, code.endsWith('0000') ? 2 : code.endsWith('00') ? 4 : 6);

/**
 * People living in this registry's region with their household registered in another region: holders
 * of this region's residence permits (居住证) valid on the data date (2024-12-31), optionally only those
 * registered in `hukouProvince`.
 * A clerk here can look them up in the home region's hukou_person table.
 */
export async function sampleMigrants(url: string, opts: { hukouProvince?: string; limit?: number } = {}): Promise<MigrantSample[]> {
  return withRegistry(url, async (db) => {
    let q = db
      .selectFrom('residence_permit')
      .select(['id_number', 'name', 'hukou_province_code', 'residence_address_code'])
      .where('valid_until', '>=', '2024-12-31')
      .orderBy('permit_no')
      .limit(clampLimit(opts.limit));
    if (opts.hukouProvince) q = q.where('hukou_province_code', '=', opts.hukouProvince);
    const rows = await q.execute();
    return rows.map((r) => ({ idNumber: r.id_number, name: r.name, hukouProvinceCode: r.hukou_province_code, livingInCode: r.residence_address_code }));
  });
}

/** Citizens registered in this registry's region who live in another province (optionally within `livingIn`). */
export async function sampleEmigrants(url: string, opts: { livingIn?: string; limit?: number } = {}): Promise<MigrantSample[]> {
  return withRegistry(url, async (db) => {
    const meta = await db.selectFrom('registry_meta').select('region_code').executeTakeFirstOrThrow();
    const home = meta.region_code.slice(0, 2);
    let q = db
      .selectFrom('hukou_person')
      .select(['id_number', 'name', 'current_residence_code'])
      .where('status', '=', '正常')
      .where('current_residence_code', 'not like', `${home}%`)
      .orderBy('id_number')
      .limit(clampLimit(opts.limit));
    if (opts.livingIn) q = q.where('current_residence_code', 'like', `${prefixOf(opts.livingIn)}%`);
    const rows = await q.execute();
    return rows.map((r) => ({ idNumber: r.id_number, name: r.name, hukouProvinceCode: `${home}0000`, livingInCode: r.current_residence_code }));
  });
}

/** Market entities in business (存续), optionally of one type (有限责任公司, 个体工商户, …). */
export async function sampleEnterprises(url: string, opts: { entityType?: string; limit?: number } = {}): Promise<EnterpriseSample[]> {
  return withRegistry(url, async (db) => {
    let q = db
      .selectFrom('market_entity')
      .select(['uscc', 'name', 'entity_type', 'legal_rep_id_number', 'legal_rep_name'])
      .where('status', '=', '存续')
      .orderBy('uscc')
      .limit(clampLimit(opts.limit));
    if (opts.entityType) q = q.where('entity_type', '=', opts.entityType);
    const rows = await q.execute();
    return rows.map((r) => ({ uscc: r.uscc, name: r.name, entityType: r.entity_type, legalRepIdNumber: r.legal_rep_id_number, legalRepName: r.legal_rep_name }));
  });
}

function clampLimit(n: number | undefined): number {
  return Math.max(1, Math.min(1000, Math.floor(n ?? 5)));
}
