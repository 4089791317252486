// Where people live compared with where their household is registered (人户分离). About 9 % of China's
// population (125 million) live in a province other than that of their household registration; outflow
// is high from 安徽 and 贵州, low from 上海, 江苏 and 浙江, and destinations lean to the Yangtze delta and
// 广东. These shares are approximations for a demo, not statistics.

import { countiesOf, lookupDivision, provinces, type Division } from '../../core/ids/index.js';
import { weighted, type Weighted } from './rng.js';

/** Share of a province's registered population living in another province. */
const OUTFLOW: Record<string, number> = {
  '340000': 0.17,
  '520000': 0.16,
  '310000': 0.04,
  '320000': 0.05,
  '330000': 0.05,
};
const DEFAULT_OUTFLOW = 0.09;

/** Destination provinces by home province, relative weights. */
const DESTINATIONS: Record<string, Record<string, number>> = {
  '340000': { '310000': 28, '320000': 30, '330000': 24, '440000': 5, '110000': 3, '350000': 2, '370000': 1, '410000': 1, '420000': 1, '120000': 1, '520000': 0.5 },
  '520000': { '440000': 32, '330000': 28, '350000': 9, '310000': 6, '320000': 5, '530000': 4, '500000': 4, '510000': 3, '450000': 3, '110000': 2, '430000': 2, '340000': 1 },
  '310000': { '320000': 30, '330000': 25, '440000': 10, '110000': 10, '340000': 8, '510000': 3, '350000': 3, '370000': 3, '420000': 3, '460000': 4, '520000': 1 },
  '320000': { '310000': 45, '330000': 15, '340000': 10, '440000': 8, '110000': 7, '370000': 4, '350000': 3, '120000': 3, '510000': 2, '420000': 2, '520000': 1 },
  '330000': { '310000': 40, '320000': 20, '440000': 10, '340000': 8, '110000': 6, '350000': 6, '360000': 3, '510000': 2, '430000': 2, '460000': 2, '520000': 1 },
};
const DEFAULT_DESTINATIONS: Record<string, number> = {
  '440000': 25, '330000': 15, '320000': 12, '310000': 10, '110000': 10, '350000': 6, '370000': 5, '120000': 4, '510000': 4,
  '340000': 3, '420000': 3, '500000': 3,
};

export interface MigrationModel {
  homeProvince: string;
  /** target share of the registered population living in another province */
  rate: number;
  /** probability that a whole household (its members up to 55) lives elsewhere */
  householdRate: number;
  /** probability that an adult of 18–50 not moved with the household lives elsewhere alone */
  individualRate: number;
  destinations: Weighted<string>;
}

const models = new Map<string, MigrationModel>();

export function migrationModel(homeProvince: string): MigrationModel {
  let m = models.get(homeProvince);
  if (m) return m;
  const rate = OUTFLOW[homeProvince] ?? DEFAULT_OUTFLOW;
  // Calibrated so the realised share of persons is close to `rate`: about 45 % of migrants move as
  // households, the rest are adults of 18–50 (about 40 % of the population) moving on their own.
  const householdRate = rate * 0.42;
  const individualRate = (rate - householdRate * 0.82) / (0.4 * (1 - householdRate));
  const weights = { ...(DESTINATIONS[homeProvince] ?? DEFAULT_DESTINATIONS) };
  delete weights[homeProvince];
  const known = new Set(provinces().map((p) => p.code));
  const pairs = Object.entries(weights).filter(([code]) => known.has(code));
  m = { homeProvince, rate, householdRate, individualRate, destinations: weighted(pairs) };
  models.set(homeProvince, m);
  return m;
}

const residenceTables = new Map<string, Weighted<Division>>();

/**
 * Counties where people of a region live, weighted towards urban districts (市辖区 codes 01–20 and
 * names ending 区) and county-level cities, where migrants and movers concentrate.
 */
export function residenceCounties(regionCode: string): Weighted<Division> {
  let t = residenceTables.get(regionCode);
  if (!t) {
    const counties = countiesOf(regionCode);
    if (counties.length === 0) throw new RangeError(`no counties under ${regionCode}`);
    t = weighted(counties.map((d) => [d, urbanWeight(d)] as const));
    residenceTables.set(regionCode, t);
  }
  return t;
}

/** Is this county-level unit urban (a city district, a county-level city or a prefecture city without counties)? */
export function isUrban(d: Division): boolean {
  if (d.countyless) return true;
  const tail = Number(d.code.slice(4));
  return (tail >= 1 && tail <= 20) || d.name.endsWith('区') || (tail >= 81 && d.name.endsWith('市'));
}

function urbanWeight(d: Division): number {
  const tail = Number(d.code.slice(4));
  if (d.countyless) return 3;
  if ((tail >= 1 && tail <= 20) || d.name.endsWith('区')) return 3;
  if (tail >= 81) return 2;
  return 1;
}

/** The province (6-digit code) of a division code. */
export function provinceCodeOf(code: string): string {
  return `${code.slice(0, 2)}0000`;
}

export function regionName(code: string): string {
  return lookupDivision(code)?.fullName ?? code;
}
