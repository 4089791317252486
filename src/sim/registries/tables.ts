// The departmental tables of the synthetic registries, shaped like each department's own system (not
// like Tongban's standard data elements: source adapters map them). One definition drives the DDL
// (Kysely schema builder, identical on SQLite and PostgreSQL), the bulk insert column order and the
// typed reads. Dates are ISO text ('YYYY-MM-DD'), so both engines return identical values.

import { sql, type Kysely } from 'kysely';

export interface HukouHouseholdTable {
  household_id: string;
  /** null for a collective household (集体户), which has no person as head */
  head_id_number: string | null;
  address_code: string;
  address: string;
  household_type: string;
  created_at: string;
}

export interface HukouPersonTable {
  id_number: string;
  name: string;
  /** GB/T 2261.1: 1 男, 2 女 */
  sex: string;
  /** GB 3304 two-digit code, 01 汉族 */
  ethnicity: string;
  birth_date: string;
  household_id: string;
  relation_to_head: string;
  registered_address_code: string;
  registered_address: string;
  current_residence_code: string;
  /** 正常 / 迁出 / 死亡 */
  status: string;
  updated_at: string;
}

export interface ResidencePermitTable {
  permit_no: string;
  id_number: string;
  name: string;
  hukou_province_code: string;
  residence_address_code: string;
  residence_address: string;
  issued_at: string;
  valid_until: string;
}

export interface MarriageRegistrationTable {
  cert_no: string;
  husband_id_number: string;
  husband_name: string;
  wife_id_number: string;
  wife_name: string;
  registered_on: string;
  registry_office: string;
  /** 结婚 / 离婚 */
  kind: string;
}

export interface PensionInsuranceTable {
  id_number: string;
  insurance_type: string;
  employer_name: string | null;
  employer_uscc: string | null;
  /** 参保缴费 / 暂停缴费 / 领取待遇 / 终止 */
  status: string;
  first_paid_month: string;
  paid_months: number;
  insured_region_code: string;
}

export interface MedicalInsuranceTable {
  id_number: string;
  scheme: string;
  insured_region_code: string;
  status: string;
  since_date: string;
  /** 异地就医备案: 是 / 否 */
  filing_for_remote_care: string;
  remote_care_destination_code: string | null;
}

export interface MarketEntityTable {
  uscc: string;
  name: string;
  entity_type: string;
  legal_rep_id_number: string;
  legal_rep_name: string;
  /** 万元, e.g. "100万元" */
  registered_capital: string;
  established_on: string;
  address_code: string;
  address: string;
  business_scope: string;
  /** 存续 / 注销 / 吊销 */
  status: string;
  registration_authority: string;
}

export interface RegistryMetaTable {
  region_code: string;
  region_name: string;
  citizens: number;
  seed: string;
  /** comma-separated region codes, sorted */
  federation: string;
  generator_version: string;
  started_at: string;
  completed_at: string | null;
  /** JSON: rows per table, written with completed_at */
  row_counts: string | null;
}

export interface RegistryDB {
  hukou_household: HukouHouseholdTable;
  hukou_person: HukouPersonTable;
  residence_permit: ResidencePermitTable;
  marriage_registration: MarriageRegistrationTable;
  pension_insurance: PensionInsuranceTable;
  medical_insurance: MedicalInsuranceTable;
  market_entity: MarketEntityTable;
  registry_meta: RegistryMetaTable;
}

export type DataTable = Exclude<keyof RegistryDB, 'registry_meta'>;

interface ColumnSpec {
  name: string;
  type: 'text' | 'integer';
  nullable?: boolean;
}

const t = (name: string, nullable = false): ColumnSpec => ({ name, type: 'text', nullable });

/** Column order here is the order of values in every generated row. The first column is the primary key. */
export const TABLES: Record<DataTable, readonly ColumnSpec[]> = {
  hukou_household: [t('household_id'), t('head_id_number', true), t('address_code'), t('address'), t('household_type'), t('created_at')],
  hukou_person: [
    t('id_number'), t('name'), t('sex'), t('ethnicity'), t('birth_date'), t('household_id'), t('relation_to_head'),
    t('registered_address_code'), t('registered_address'), t('current_residence_code'), t('status'), t('updated_at'),
  ],
  residence_permit: [
    t('permit_no'), t('id_number'), t('name'), t('hukou_province_code'), t('residence_address_code'), t('residence_address'),
    t('issued_at'), t('valid_until'),
  ],
  marriage_registration: [
    t('cert_no'), t('husband_id_number'), t('husband_name'), t('wife_id_number'), t('wife_name'), t('registered_on'),
    t('registry_office'), t('kind'),
  ],
  pension_insurance: [
    t('id_number'), t('insurance_type'), t('employer_name', true), t('employer_uscc', true), t('status'), t('first_paid_month'),
    { name: 'paid_months', type: 'integer' }, t('insured_region_code'),
  ],
  medical_insurance: [
    t('id_number'), t('scheme'), t('insured_region_code'), t('status'), t('since_date'), t('filing_for_remote_care'),
    t('remote_care_destination_code', true),
  ],
  market_entity: [
    t('uscc'), t('name'), t('entity_type'), t('legal_rep_id_number'), t('legal_rep_name'), t('registered_capital'),
    t('established_on'), t('address_code'), t('address'), t('business_scope'), t('status'), t('registration_authority'),
  ],
};

export const DATA_TABLES = Object.keys(TABLES) as DataTable[];

/** Secondary indexes, created after the bulk load: the lookups source adapters make. */
export const INDEXES: ReadonlyArray<readonly [string, DataTable, string]> = [
  ['hukou_person_household_idx', 'hukou_person', 'household_id'],
  ['residence_permit_id_number_idx', 'residence_permit', 'id_number'],
  ['marriage_husband_idx', 'marriage_registration', 'husband_id_number'],
  ['marriage_wife_idx', 'marriage_registration', 'wife_id_number'],
  ['market_entity_legal_rep_idx', 'market_entity', 'legal_rep_id_number'],
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDB = Kysely<any>;

export async function createMetaTable(db: AnyDB): Promise<void> {
  await db.schema
    .createTable('registry_meta')
    .ifNotExists()
    .addColumn('region_code', 'text', (c) => c.primaryKey())
    .addColumn('region_name', 'text', (c) => c.notNull())
    .addColumn('citizens', 'integer', (c) => c.notNull())
    .addColumn('seed', 'text', (c) => c.notNull())
    .addColumn('federation', 'text', (c) => c.notNull())
    .addColumn('generator_version', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addColumn('row_counts', 'text')
    .execute();
}

export async function dropDataTables(db: AnyDB): Promise<void> {
  for (const name of DATA_TABLES) await db.schema.dropTable(name).ifExists().execute();
}

export async function createDataTables(db: AnyDB): Promise<void> {
  for (const name of DATA_TABLES) {
    let b = db.schema.createTable(name);
    TABLES[name].forEach((col, i) => {
      b = b.addColumn(col.name, col.type, (c) => {
        let cc = i === 0 ? c.primaryKey() : c;
        if (!col.nullable) cc = cc.notNull();
        return cc;
      });
    });
    await b.execute();
  }
}

export async function createIndexes(db: AnyDB): Promise<void> {
  for (const [name, table, column] of INDEXES) await db.schema.createIndex(name).on(table).column(column).execute();
}

/** Does the table exist (in the current schema / search_path)? */
export async function tableExists(db: AnyDB, engine: 'sqlite' | 'postgres', name: string): Promise<boolean> {
  if (engine === 'sqlite') {
    const r = await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${name}`.execute(db);
    return Number(r.rows[0]?.n ?? 0) > 0;
  }
  const r = await sql<{ t: string | null }>`select to_regclass(${name})::text as t`.execute(db);
  return r.rows[0]?.t != null;
}
