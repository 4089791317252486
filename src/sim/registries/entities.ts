// Market entities (市场主体) of a region: companies, individual businesses and farmers' cooperatives with
// valid GB 32100 codes issued by a registration authority of the region. Everything except the legal
// representative is a pure function of (seed, region, entity index), so the pension records can name
// employers before the entities' rows are written; representatives are chosen from the population at
// the end (see seed.ts).

import { countiesOf, lookupDivision, makeUscc, makeIdNumber, provinces, type Division } from '../../core/ids/index.js';
import { daysFromCivil, isoDate, jan1 } from './calendar.js';
import { AS_OF, STREAM, type RegionContext } from './population.js';
import { Rng, weighted, type Weighted } from './rng.js';
import { urbanAddress } from './addresses.js';
import {
  BRAND_CHARS, CAPITAL_COOP, CAPITAL_JSC, CAPITAL_LLC, CAPITAL_SHOP, COMPANY_INDUSTRIES, COOP_PRODUCTS, SHOP_INDUSTRIES,
  birthYears, givenName, surnameTable, type Industry,
} from './vocab.js';

export type EntityType = '有限责任公司' | '股份有限公司' | '个体工商户' | '农民专业合作社';

export interface EntityPlan {
  j: number;
  uscc: string;
  name: string;
  type: EntityType;
  status: '存续' | '注销' | '吊销';
  established: number;
  capital: string;
  /** county-level unit of the registered address */
  county: Division;
  address: string;
  scope: string;
  authority: string;
  /** chars 3–8 of the USCC: where the registering authority sits */
  authorityDivision: string;
}

/** Entities per citizen: China has about 13 market entities per 100 people; this includes closed ones. */
export const ENTITIES_PER_CITIZEN = 0.09;

const TYPE_SHARES: Record<string, ReadonlyArray<readonly [EntityType, number]>> = {
  '31': [['个体工商户', 25], ['有限责任公司', 72], ['股份有限公司', 2], ['农民专业合作社', 1]],
  '52': [['个体工商户', 66], ['有限责任公司', 29], ['股份有限公司', 1], ['农民专业合作社', 4]],
  default: [['个体工商户', 62], ['有限责任公司', 34], ['股份有限公司', 1], ['农民专业合作社', 3]],
};

const typeTables = new Map<string, Weighted<EntityType>>();
function typeTable(prefix: string): Weighted<EntityType> {
  let t = typeTables.get(prefix);
  if (!t) {
    t = weighted(TYPE_SHARES[prefix] ?? TYPE_SHARES.default!);
    typeTables.set(prefix, t);
  }
  return t;
}

const COMPANY_TABLE = weighted(COMPANY_INDUSTRIES.map((i) => [i, i.weight] as const));
const SHOP_TABLE = weighted(SHOP_INDUSTRIES.map((i) => [i, i.weight] as const));

/** Registrations by year: slow in the 1990s, a jump after the 2014 registration reform. */
function establishedYears(from: number): Weighted<number> {
  const pairs: Array<readonly [number, number]> = [];
  for (let y = from; y <= 2024; y++) pairs.push([y, y < 2000 ? 1 : y < 2010 ? 2 : y < 2014 ? 3 : y < 2018 ? 5 : 7]);
  return weighted(pairs);
}
const YEARS_COMPANY = establishedYears(1995);
const YEARS_SHOP = establishedYears(2000);
const YEARS_COOP = establishedYears(2008);
const USCC_ERA = daysFromCivil(2015, 10, 1);

const ORG_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const MA_SPACE = 31 ** 6;

/** A region-unique organisation code body for entity j: MA + 6 for post-2015 registrations, 8 digits before. */
function orgBody(ctx: RegionContext, j: number, modern: boolean): string {
  if (modern) {
    // 3^18 is coprime with 31^6, so j ↦ j·3^18 + salt mod 31^6 is a bijection: no two entities share a body
    let x = (j * 387420489 + (ctx.regionNum % 1000003) * 7919) % MA_SPACE;
    let s = '';
    for (let i = 0; i < 6; i++) {
      s = ORG_ALPHABET[x % 31] + s;
      x = Math.floor(x / 31);
    }
    return `MA${s}`;
  }
  const x = (j * 7654321 + (ctx.regionNum % 1000003) * 104729) % 100_000_000;
  return String(x).padStart(8, '0');
}

function shortName(d: Division | undefined): string | undefined {
  if (!d || d.placeholder) return undefined;
  if (d.name.endsWith('市') && d.name.length <= 5) return d.name.slice(0, -1);
  if (d.level === 'province') return d.name.replace(/(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$/, '');
  return undefined;
}

/** A division's name for an authority: 合肥市蜀山区, 上海市浦东新区 (municipalities keep the city). */
export function localName(d: Division): string {
  const province = lookupDivision(d.provinceCode);
  if (d.level === 'province' || !province) return d.fullName;
  if (['110000', '120000', '310000', '500000'].includes(d.provinceCode)) return d.fullName;
  return d.fullName.slice(province.name.length);
}

export function planEntity(ctx: RegionContext, j: number): EntityPlan {
  const r = new Rng(ctx.seedKey, ctx.regionNum, STREAM.ENTITY, j);
  const prefix = ctx.provinceCode.slice(0, 2);
  const type = r.pickWeighted(typeTable(prefix));
  const statusRoll = r.float();
  const status = statusRoll < 0.84 ? '存续' : statusRoll < 0.97 ? '注销' : '吊销';
  const year = r.pickWeighted(type === '个体工商户' ? YEARS_SHOP : type === '农民专业合作社' ? YEARS_COOP : YEARS_COMPANY);
  const established = Math.min(AS_OF, jan1(year) + r.int(365));
  const county = type === '个体工商户' || type === '农民专业合作社' ? r.pick(ctx.counties) : r.pickWeighted(ctx.regionResidence);

  // registering authority: county bureau mostly; companies also at city or province level
  const level = r.float();
  let authority: Division = county;
  if (type === '有限责任公司' && level >= 0.7) authority = level < 0.95 ? prefectureOf(county) : provinceDivision(county);
  if (type === '股份有限公司') authority = level < 0.5 ? prefectureOf(county) : provinceDivision(county);
  if (authority.placeholder) authority = provinceDivision(county);
  const dc = type === '个体工商户' ? '92' : type === '农民专业合作社' ? '93' : '91';
  const uscc = makeUscc(dc, authority.code, orgBody(ctx, j, established >= USCC_ERA));

  let name: string;
  let scope: string;
  let capital: number;
  const brand = brandName(r);
  if (type === '个体工商户') {
    const ind: Industry = r.pickWeighted(SHOP_TABLE);
    name = `${county.name}${brand}${ind.name}`;
    scope = ind.scope;
    capital = r.pick(CAPITAL_SHOP);
  } else if (type === '农民专业合作社') {
    const [product, kind] = r.pick(COOP_PRODUCTS);
    name = `${county.name}${brand}${product}${kind}专业合作社`;
    scope = `组织采购、供应成员所需的生产资料;组织收购、销售成员生产的${product}产品;开展与${product}${kind}有关的技术培训、技术交流和信息咨询服务`;
    capital = r.pick(CAPITAL_COOP);
  } else {
    const ind = r.pickWeighted(COMPANY_TABLE);
    const place = (r.chance(0.5) ? shortName(prefectureOf(county)) : undefined) ?? shortName(provinceDivision(county)) ?? '';
    name = `${place}${brand}${ind.name}${type === '股份有限公司' ? '股份有限公司' : '有限公司'}`;
    scope = ind.scope;
    capital = r.pick(type === '股份有限公司' ? CAPITAL_JSC : CAPITAL_LLC);
  }
  return {
    j,
    uscc,
    name,
    type,
    status,
    established,
    capital: `${capital}万元`,
    county,
    address: urbanAddress(r, county),
    scope,
    authority: `${localName(authority)}市场监督管理局`,
    authorityDivision: authority.code,
  };
}

function brandName(r: Rng): string {
  const a = r.int(BRAND_CHARS.length);
  let b = r.int(BRAND_CHARS.length - 1);
  if (b >= a) b++;
  return BRAND_CHARS[a]! + BRAND_CHARS[b]!;
}

function prefectureOf(d: Division): Division {
  return lookupDivision(d.prefectureCode ?? d.code) ?? d;
}

function provinceDivision(d: Division): Division {
  return lookupDivision(d.provinceCode) ?? d;
}

/** A representative registered in a province outside the federation (no registry to look them up in). */
export function outsideRepresentative(r: Rng, exclude: ReadonlySet<string>, establishedYear: number): { idNumber: string; name: string } {
  const candidates = OUTSIDE.filter((p) => !exclude.has(p));
  const province = candidates.length > 0 ? r.pick(candidates) : r.pick(provinces()).code;
  const county = r.pick(countiesOf(province));
  const y = r.pickWeighted(birthYears(1955, Math.max(1956, Math.min(2002, establishedYear - 20))));
  const birth = jan1(y) + r.int(365);
  const male = r.chance(0.7);
  const seq = male ? 1 + 2 * r.int(500) : 2 + 2 * r.int(499);
  return {
    idNumber: makeIdNumber(county.code, isoDate(Math.min(birth, AS_OF)), seq),
    name: r.pickWeighted(surnameTable(province.slice(0, 2))) + givenName(r, male, y),
  };
}

const OUTSIDE = ['410000', '510000', '360000', '430000', '420000', '440000', '370000', '130000', '350000', '450000', '500000', '230000'];
