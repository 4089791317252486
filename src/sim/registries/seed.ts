// Seeding one region's synthetic registries into their own database (never the node's own tables).
// Order of work: entity plans (pure) → households and their 公安/民政/人社/医保 rows → residence permits
// for citizens of the other federation regions who live here → market entities with their legal
// representatives → indexes → registry_meta.completed_at, written LAST. A seed that stops half-way
// leaves completed_at empty; the next run sees that and starts again from scratch.

import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { TongbanError } from '../../core/errors.js';
import { isWithin, lookupDivision, validateDivisionCode } from '../../core/ids/index.js';
import { openDatabase, parseDatabaseUrl, redactUrl, type Engine } from '../../store/db.js';
import { urbanAddress } from './addresses.js';
import { addYears, civilFromDays, isoDate, jan1 } from './calendar.js';
import { ENTITIES_PER_CITIZEN, outsideRepresentative, planEntity, type EntityPlan } from './entities.js';
import { provinceCodeOf } from './migration.js';
import { AS_OF, STREAM, householdNames, households, regionContext, type Person, type RegionContext } from './population.js';
import { Rng } from './rng.js';
import { RegionRows, type Candidates } from './rows.js';
import {
  DATA_TABLES,
  createDataTables,
  createIndexes,
  createMetaTable,
  dropDataTables,
  tableExists,
  type DataTable,
  type RegistryDB,
  type RegistryMetaTable,
} from './tables.js';
import { BulkWriter } from './writer.js';

/** Bump when generated rows change for the same parameters: an old database then reports a mismatch. */
export const GENERATOR_VERSION = 'registries/1';
export const DEFAULT_SEED = 'tongban';
/** The demo federation: 上海, 江苏, 浙江, 安徽, 贵州. */
export const DEMO_FEDERATION: readonly string[] = ['310000', '320000', '330000', '340000', '520000'];
export const MAX_CITIZENS = 20_000_000;

const FLUSH_ROWS = 50_000;

export interface SeedProgress {
  phase: 'plan' | 'citizens' | 'residence_permits' | 'market_entities' | 'indexes';
  done: number;
  total: number;
}

export interface SeedOptions {
  /** GB/T 2260 code of the region whose registries these are, e.g. 340000 */
  regionCode: string;
  /** citizens registered in the region; every federation region is assumed seeded with the same number */
  citizens: number;
  /** default "tongban" */
  seed?: string;
  /** the federation's regions (default: the five demo provinces); residence permits cover their citizens */
  federation?: string[];
  onProgress?: (p: SeedProgress) => void;
}

export interface TableTiming {
  rows: number;
  /** time spent writing this table's rows, ms */
  writeMs: number;
}

export interface SeedTimings {
  totalMs: number;
  /** wall time per phase, ms (generation and writing) */
  phases: Record<string, number>;
  tables: Record<DataTable, TableTiming>;
}

export interface RegistrySummary {
  regionCode: string;
  regionName: string;
  citizens: number;
  seed: string;
  federation: string[];
  generatorVersion: string;
  engine: Engine;
  startedAt: string;
  /** null while seeding, or when a seed was interrupted */
  completedAt: string | null;
  complete: boolean;
  /** rows per table, once complete */
  rowCounts: Record<DataTable, number> | null;
  /** only on the call that did the seeding */
  timings?: SeedTimings;
}

interface Params {
  regionCode: string;
  citizens: number;
  seed: string;
  federation: string[];
}

function checkOptions(opts: SeedOptions): Params {
  const region = validateDivisionCode(opts?.regionCode);
  if (!region.valid) throw new TongbanError('E_INVALID_CONFIG', `registries: regionCode: ${region.reason}`);
  const c = opts.citizens;
  if (!Number.isInteger(c) || c < 1 || c > MAX_CITIZENS) {
    throw new TongbanError('E_INVALID_CONFIG', `registries: citizens must be an integer from 1 to ${MAX_CITIZENS}, got ${String(c)}`);
  }
  const seed = opts.seed ?? DEFAULT_SEED;
  if (typeof seed !== 'string' || seed.length === 0 || seed.length > 200) {
    throw new TongbanError('E_INVALID_CONFIG', 'registries: seed must be a non-empty string of at most 200 characters');
  }
  const federation = [...new Set(opts.federation ?? DEMO_FEDERATION)].sort();
  for (const f of federation) {
    const v = validateDivisionCode(f);
    if (!v.valid) throw new TongbanError('E_INVALID_CONFIG', `registries: federation member ${String(f)}: ${v.reason}`);
  }
  return { regionCode: opts.regionCode, citizens: c, seed, federation };
}

function describeParams(p: { regionCode: string; citizens: number; seed: string; federation: string[] | string; version?: string }): string {
  const fed = Array.isArray(p.federation) ? p.federation.join(',') : p.federation;
  return `region ${p.regionCode} with ${p.citizens} citizens (seed ${p.seed}, federation ${fed}${p.version ? `, generator ${p.version}` : ''})`;
}

/**
 * Seeds the synthetic departmental registries of one region into the database at `url` (a database of
 * their own, e.g. sqlite:./.tongban/340000/registries.db or postgres://…?schema=registries_340000).
 * Re-running with the same parameters is a no-op; different parameters on a seeded database throw
 * E_DATA_MISMATCH; an interrupted seed is detected and redone from scratch.
 */
export async function seedRegistries(url: string, opts: SeedOptions): Promise<RegistrySummary> {
  const params = checkOptions(opts);
  const target = parseDatabaseUrl(url);
  if (target.engine === 'sqlite' && target.location === ':memory:') {
    throw new TongbanError('E_INVALID_CONFIG', 'registries: an in-memory SQLite database would vanish when seeding ends; give a file, e.g. sqlite:./registries.db');
  }
  const database = await openDatabase<RegistryDB>(url);
  const { db, engine } = database;
  try {
    await createMetaTable(db);
    const rows = await db.selectFrom('registry_meta').selectAll().execute();
    const done = rows.find((r) => r.completed_at);
    if (done) {
      const same =
        done.region_code === params.regionCode &&
        Number(done.citizens) === params.citizens &&
        done.seed === params.seed &&
        done.federation === params.federation.join(',') &&
        done.generator_version === GENERATOR_VERSION;
      if (same) return toSummary(done, engine);
      throw new TongbanError(
        'E_DATA_MISMATCH',
        `registries at ${redactUrl(url)} were seeded for ${describeParams({ ...done, regionCode: done.region_code, citizens: Number(done.citizens), version: done.generator_version })}, asked for ${describeParams({ ...params, version: GENERATOR_VERSION })}; use another database or delete this one to seed again`,
      );
    }
    // never seeded, or interrupted: start from nothing
    await db.deleteFrom('registry_meta').execute();
    await dropDataTables(db);
    const startedAt = new Date().toISOString();
    await db
      .insertInto('registry_meta')
      .values({
        region_code: params.regionCode,
        region_name: lookupDivision(params.regionCode)?.fullName ?? params.regionCode,
        citizens: params.citizens,
        seed: params.seed,
        federation: params.federation.join(','),
        generator_version: GENERATOR_VERSION,
        started_at: startedAt,
        completed_at: null,
        row_counts: null,
      })
      .execute();
    await createDataTables(db);
    if (engine === 'sqlite') {
      // this connection only: a bigger page cache keeps the primary-key B-trees of a million-row load in
      // memory, and fewer WAL checkpoints during the load (one at the end instead of one every 4 MB)
      await sql`pragma cache_size = -262144`.execute(db);
      await sql`pragma wal_autocheckpoint = 100000`.execute(db);
    }

    const timings = await generate(db, engine, params, opts.onProgress);

    const counts = Object.fromEntries(DATA_TABLES.map((t) => [t, timings.tables[t].rows])) as Record<DataTable, number>;
    await db
      .updateTable('registry_meta')
      .set({ completed_at: new Date().toISOString(), row_counts: JSON.stringify(counts) })
      .where('region_code', '=', params.regionCode)
      .execute();
    const meta = await db.selectFrom('registry_meta').selectAll().executeTakeFirstOrThrow();
    return { ...toSummary(meta, engine), timings };
  } finally {
    await database.close();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function generate(db: any, engine: Engine, params: Params, onProgress?: (p: SeedProgress) => void): Promise<SeedTimings> {
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  const progress = (phase: SeedProgress['phase'], done: number, total: number) => onProgress?.({ phase, done, total });
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    phases[name] = (phases[name] ?? 0) + now - mark;
    mark = now;
  };

  const ctx = regionContext(params.seed, params.regionCode);
  const writer = new BulkWriter(db, engine);

  // 1. entity plans: pure per entity index, needed first because pension records name employers
  const entityCount = Math.max(1, Math.round(params.citizens * ENTITIES_PER_CITIZEN));
  progress('plan', 0, entityCount);
  const plans: EntityPlan[] = new Array(entityCount);
  for (let j = 0; j < entityCount; j++) plans[j] = planEntity(ctx, j);
  const employers = plans.filter((p) => p.type === '有限责任公司' || p.type === '股份有限公司');
  progress('plan', entityCount, entityCount);
  lap('plan');

  // 2. the region's own population
  const rows = new RegionRows(ctx, writer, employers);
  let done = 0;
  progress('citizens', 0, params.citizens);
  for (const hh of households(ctx, params.citizens)) {
    rows.emit(hh, householdNames(ctx, hh));
    done += hh.members.length;
    if (writer.buffered >= FLUSH_ROWS) {
      await writer.flush();
      progress('citizens', done, params.citizens);
    }
  }
  await writer.flush();
  progress('citizens', done, params.citizens);
  lap('citizens');

  // 3. residence permits: citizens of the other federation regions who live here
  const others = params.federation.filter((p) => !isWithin(p, params.regionCode) && !isWithin(params.regionCode, p));
  const migrants: Candidates = { ids: [], names: [], births: [] };
  const totalScan = others.length * params.citizens;
  let scanned = 0;
  let serial = 0;
  progress('residence_permits', 0, totalScan);
  for (const home of others) {
    for (const { person, name, scannedSoFar } of residentsFrom(params.seed, home, params.citizens, params.regionCode)) {
      serial++;
      writer.add('residence_permit', permitRow(ctx, home, person, name, serial));
      const age = (AS_OF - person.birth) / 365.2425;
      if (age >= 22 && age < 66) {
        migrants.ids.push(person.idNumber);
        migrants.names.push(name);
        migrants.births.push(person.birth);
      }
      if (writer.buffered >= FLUSH_ROWS) {
        await writer.flush();
        progress('residence_permits', scanned + scannedSoFar, totalScan);
      }
    }
    scanned += params.citizens;
    await writer.flush();
    progress('residence_permits', scanned, totalScan);
  }
  lap('residence_permits');

  // 4. market entities with their legal representatives
  progress('market_entities', 0, entityCount);
  const federationSet = new Set(params.federation.map(provinceCodeOf));
  federationSet.add(ctx.provinceCode);
  const shares = REP_SHARES[ctx.provinceCode] ?? REP_SHARES.default!;
  for (const plan of plans) {
    const r = new Rng(ctx.seedKey, ctx.regionNum, STREAM.REP, plan.j);
    const roll = r.float();
    const [migrantShare, outsideShare] = plan.type === '个体工商户' ? [shares[0], shares[2]] : [shares[1], shares[2]];
    const latestBirth = addYears(plan.established, -20);
    let rep: { idNumber: string; name: string };
    if (roll < migrantShare && migrants.ids.length > 0) rep = pickCandidate(r, migrants, latestBirth);
    else if (roll < migrantShare + outsideShare || rows.candidates.ids.length === 0) {
      rep = outsideRepresentative(r, federationSet, civilFromDays(plan.established)[0]);
    } else rep = pickCandidate(r, rows.candidates, latestBirth);
    writer.add('market_entity', [
      plan.uscc, plan.name, plan.type, rep.idNumber, rep.name, plan.capital, isoDate(plan.established), plan.county.code,
      plan.address, plan.scope, plan.status, plan.authority,
    ]);
    if (writer.buffered >= FLUSH_ROWS) {
      await writer.flush();
      progress('market_entities', plan.j + 1, entityCount);
    }
  }
  await writer.flush();
  progress('market_entities', entityCount, entityCount);
  lap('market_entities');

  progress('indexes', 0, 1);
  await createIndexes(db);
  progress('indexes', 1, 1);
  lap('indexes');

  const tables = Object.fromEntries([...writer.stats].map(([t, s]) => [t, { rows: s.rows, writeMs: Math.round(s.writeMs) }])) as Record<DataTable, TableTiming>;
  for (const k of Object.keys(phases)) phases[k] = Math.round(phases[k] as number);
  return { totalMs: Math.round(performance.now() - t0), phases, tables };
}

/** [individual business from migrants, company from migrants, from provinces outside the federation] */
const REP_SHARES: Record<string, [number, number, number]> = {
  '310000': [0.35, 0.15, 0.1],
  '320000': [0.15, 0.08, 0.05],
  '330000': [0.18, 0.08, 0.05],
  default: [0.05, 0.03, 0.03],
};

function pickCandidate(r: Rng, c: Candidates, latestBirth: number): { idNumber: string; name: string } {
  const n = c.ids.length;
  const start = r.int(n);
  for (let k = 0; k < 50; k++) {
    const i = (start + k * 7919) % n;
    if ((c.births[i] as number) <= latestBirth) return { idNumber: c.ids[i] as string, name: c.names[i] as string };
  }
  return { idNumber: c.ids[start] as string, name: c.names[start] as string };
}

function permitRow(ctx: RegionContext, home: string, p: Person, name: string, serial: number): unknown[] {
  const r = new Rng(ctx.seedKey, ctx.regionNum, STREAM.PERMIT, Number(home), p.index);
  const residence = lookupDivision(p.residence) ?? ctx.counties[0]!;
  const earliest = Math.max(p.birth, jan1(2016)); // 《居住证暂行条例》 in force since 2016-01-01
  const current = r.chance(0.8);
  const lo = current ? Math.max(earliest, addYears(AS_OF, -3) + 1) : earliest;
  const hi = current ? AS_OF : Math.max(earliest, addYears(AS_OF, -3));
  const issued = lo + r.int(Math.max(1, hi - lo + 1));
  const year = civilFromDays(issued)[0];
  return [
    `${residence.code}${year}${String(serial).padStart(7, '0')}`,
    p.idNumber,
    name,
    provinceCodeOf(home),
    residence.code,
    urbanAddress(r, residence),
    isoDate(issued),
    isoDate(addYears(issued, 3)),
  ];
}

export interface Resident {
  person: Person;
  name: string;
  /** citizens of the home region scanned so far */
  scannedSoFar: number;
}

/**
 * The citizens registered in `homeRegion` (status 正常) who live in `livingIn`, in citizen order. Pure:
 * walks the home region's household skeletons and names only the households that have such a member.
 * This is how a region's generator finds the residence-permit holders from other regions.
 */
export function* residentsFrom(seed: string, homeRegion: string, citizens: number, livingIn: string): Generator<Resident> {
  const home = regionContext(seed, homeRegion);
  const lv = livingIn.endsWith('0000') ? 2 : livingIn.endsWith('00') ? 4 : 6;
  const prefix = livingIn.slice(0, lv);
  let scanned = 0;
  for (const hh of households(home, citizens)) {
    scanned += hh.members.length;
    let names: string[] | undefined;
    for (const m of hh.members) {
      if (m.status !== '正常' || !m.residence.startsWith(prefix)) continue;
      names ??= householdNames(home, hh);
      yield { person: m, name: names[m.slot] as string, scannedSoFar: scanned };
    }
  }
}

/** Summary of a seeded (or half-seeded) registry database; null if it was never seeded. */
export async function registrySummary(url: string): Promise<RegistrySummary | null> {
  const target = parseDatabaseUrl(url);
  if (target.engine === 'sqlite' && target.location !== ':memory:' && !existsSync(target.location)) return null;
  // asking must not create anything: no schema on PostgreSQL (the file check above covers SQLite)
  const database = await openDatabase<RegistryDB>(url, { createSchema: false });
  try {
    if (!(await tableExists(database.db, database.engine, 'registry_meta'))) return null;
    const row = await database.db.selectFrom('registry_meta').selectAll().executeTakeFirst();
    return row ? toSummary(row, database.engine) : null;
  } finally {
    await database.close();
  }
}

function toSummary(row: RegistryMetaTable, engine: Engine): RegistrySummary {
  return {
    regionCode: row.region_code,
    regionName: row.region_name,
    citizens: Number(row.citizens),
    seed: row.seed,
    federation: row.federation ? row.federation.split(',') : [],
    generatorVersion: row.generator_version,
    engine,
    startedAt: row.started_at,
    completedAt: row.completed_at ?? null,
    complete: Boolean(row.completed_at),
    rowCounts: row.row_counts ? (JSON.parse(row.row_counts) as Record<DataTable, number>) : null,
  };
}
