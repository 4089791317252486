// The synthetic population of one region, household by household, as a pure function of
// (seed, region, number of citizens). Citizens are numbered 0…N-1 in household order.
//
// Each household draws from three independent streams keyed by (seed, region, household index):
//   SKELETON  structure, sexes, birth dates, statuses, ID number parts, where people live
//   NAMES     surnames and given names
//   DETAILS   everything else (ethnicity, addresses, marriages, insurance) — see rows.ts
// The skeleton alone decides who lives where, so another region's generator can find the citizens of
// this region who live there (for its residence permits) by walking the skeletons, without building
// names, addresses or rows for everybody else.

import { countiesOf, idCheckDigit, lookupDivision, type Division } from '../../core/ids/index.js';
import { civilFromDays, daysFromCivil, isoDate, jan1 } from './calendar.js';
import { migrationModel, provinceCodeOf, residenceCounties, type MigrationModel } from './migration.js';
import { hashString, Rng, weighted, type Weighted } from './rng.js';
import { birthYears, givenName, maleShareAtBirth, surnameTable } from './vocab.js';

/** The day the synthetic registries describe ("data as of"). Births run 1930–2024. */
export const AS_OF = daysFromCivil(2024, 12, 31);
export const AS_OF_ISO = '2024-12-31';
const DAY_1930 = daysFromCivil(1930, 1, 1);
const YEAR = 365.2425;

export const STREAM = {
  SKELETON: 1,
  NAMES: 2,
  DETAILS: 3,
  ENTITY: 4,
  REP: 5,
  PERMIT: 6,
} as const;

export type Relation = '户主' | '配偶' | '子' | '女' | '父' | '母' | '儿媳' | '女婿' | '孙子' | '孙女' | '集体户成员';
export type Status = '正常' | '迁出' | '死亡';

export interface Person {
  /** citizen index in the region, 0…N-1 */
  index: number;
  /** position in the household */
  slot: number;
  relation: Relation;
  male: boolean;
  /** day number of the birth date */
  birth: number;
  status: Status;
  /** the ID number's address code: where the person was first registered */
  idCounty: string;
  idNumber: string;
  /** county-level code of the place the person lives */
  residence: string;
  /** status 正常 and living in another province than the household registration */
  migrant: boolean;
  father: number;
  mother: number;
  spouse: number;
}

export interface Household {
  /** household index in the region */
  h: number;
  type: '家庭户' | '集体户';
  county: Division;
  members: Person[];
  /** slot of the 户主, -1 for a collective household */
  head: number;
}

export interface RegionContext {
  seed: string;
  seedKey: number;
  regionCode: string;
  regionNum: number;
  provinceCode: string;
  /** county-level units of the region (where households are registered) */
  counties: Division[];
  /** county-level units of the region's province (birthplaces, moves within the province) */
  provinceCounties: Division[];
  countyIndex: Map<string, number>;
  homeResidence: Weighted<Division>;
  regionResidence: Weighted<Division>;
  model: MigrationModel;
  /** ID numbers handed out so far, as numeric keys; collisions are resolved in citizen order */
  usedIds: Set<number>;
}

export function regionContext(seed: string, regionCode: string): RegionContext {
  const region = lookupDivision(regionCode);
  if (!region) throw new RangeError(`unknown region ${regionCode}`);
  const provinceCode = provinceCodeOf(regionCode);
  const counties = countiesOf(regionCode);
  const provinceCounties = countiesOf(provinceCode);
  if (counties.length === 0) throw new RangeError(`region ${regionCode} has no county-level units`);
  return {
    seed,
    seedKey: hashString(seed),
    regionCode,
    regionNum: Number(regionCode),
    provinceCode,
    counties,
    provinceCounties,
    countyIndex: new Map(provinceCounties.map((d, i) => [d.code, i])),
    homeResidence: residenceCounties(provinceCode),
    regionResidence: residenceCounties(regionCode),
    model: migrationModel(provinceCode),
    usedIds: new Set(),
  };
}

const SIZES = weighted<number>([
  [1, 18],
  [2, 26],
  [3, 26],
  [4, 16],
  [5, 9],
  [6, 5],
]);

/** Mother's age at a birth. */
const MOTHER_AGE = weighted<number>(
  [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38].map((a, i) => [a, [3, 5, 7, 9, 10, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2, 2, 1, 1, 1][i]!] as const),
);
/** Years by which a wife is younger than her husband (negative: older). */
const SPOUSE_GAP = weighted<number>([
  [-3, 1],
  [-2, 2],
  [-1, 4],
  [0, 8],
  [1, 9],
  [2, 9],
  [3, 7],
  [4, 5],
  [5, 3],
  [6, 2],
  [8, 1],
]);
const SIBLING_GAP = weighted<number>([
  [1, 2],
  [2, 5],
  [3, 5],
  [4, 4],
  [5, 3],
  [6, 2],
  [8, 1],
]);

/** Builds one household's structure; all draws come from `r` in a fixed order. */
class Builder {
  readonly members: Person[] = [];
  constructor(private readonly r: Rng) {}

  add(relation: Relation, male: boolean, birth: number): number {
    const slot = this.members.length;
    this.members.push({
      index: -1,
      slot,
      relation,
      male,
      birth: Math.max(DAY_1930, Math.min(AS_OF, birth)),
      status: '正常',
      idCounty: '',
      idNumber: '',
      residence: '',
      migrant: false,
      father: -1,
      mother: -1,
      spouse: -1,
    });
    return slot;
  }

  birthIn(lo: number, hi: number): number {
    const y = this.r.pickWeighted(birthYears(lo, hi));
    const start = jan1(y);
    return Math.min(AS_OF, start + this.r.int(jan1(y + 1) - start));
  }

  /** A couple; returns [husband, wife]. The head is the husband about 72 % of the time. */
  couple(lo: number, hi: number, withHead: boolean): [number, number] {
    const hb = this.birthIn(lo, hi);
    const gap = this.r.pickWeighted(SPOUSE_GAP);
    const wb = Math.min(AS_OF - Math.round(20 * YEAR), hb + Math.round(gap * YEAR) + this.r.range(-150, 150));
    const headIsHusband = this.r.chance(0.72);
    const h = this.add(withHead && headIsHusband ? '户主' : '配偶', true, hb);
    const w = this.add(withHead && !headIsHusband ? '户主' : '配偶', false, wb);
    if (!withHead) {
      // a couple that is not the head's: relations are set by the caller
      this.members[h]!.relation = '父';
      this.members[w]!.relation = '母';
    }
    this.members[h]!.spouse = w;
    this.members[w]!.spouse = h;
    return [h, w];
  }

  /** Children of a mother (and father, may be -1), relation from `rel(male)`. */
  children(father: number, mother: number, count: number, rel: (male: boolean) => Relation): number[] {
    const out: number[] = [];
    const mb = this.members[mother]?.birth ?? this.members[father]!.birth + Math.round(2 * YEAR);
    let prev = mb + Math.round(this.r.pickWeighted(MOTHER_AGE) * YEAR) + this.r.int(365);
    for (let i = 0; i < count; i++) {
      if (i > 0) prev = prev + Math.round(this.r.pickWeighted(SIBLING_GAP) * YEAR) + this.r.range(-120, 120);
      let b = prev;
      if (b > AS_OF) b = AS_OF - this.r.int(300);
      if (i > 0) b = Math.max(b, this.members[out[i - 1]!]!.birth);
      const y = civilFromDays(b)[0];
      const male = this.r.chance(maleShareAtBirth(y));
      const c = this.add(rel(male), male, b);
      this.members[c]!.father = father;
      this.members[c]!.mother = mother;
      out.push(c);
    }
    return out;
  }

  /** The parents of `child` (one or both), older by a plausible gap. */
  parentsOf(child: number, both: boolean, fatherOnly: boolean): number[] {
    const cb = this.members[child]!.birth;
    const fb = cb - Math.round(this.r.range(23, 36) * YEAR) - this.r.int(365);
    const mb = fb + Math.round(this.r.pickWeighted(SPOUSE_GAP) * YEAR) + this.r.range(-150, 150);
    const out: number[] = [];
    const wantFather = both || fatherOnly;
    const wantMother = both || !fatherOnly;
    let f = -1;
    let m = -1;
    if (wantFather) out.push((f = this.add('父', true, fb)));
    if (wantMother) out.push((m = this.add('母', false, Math.min(mb, cb - Math.round(18 * YEAR)))));
    if (f >= 0 && m >= 0) {
      this.members[f]!.spouse = m;
      this.members[m]!.spouse = f;
    }
    this.members[child]!.father = f;
    this.members[child]!.mother = m;
    return out;
  }
}

const childRel = (male: boolean): Relation => (male ? '子' : '女');
const grandRel = (male: boolean): Relation => (male ? '孙子' : '孙女');

function buildFamily(b: Builder, r: Rng, size: number): number {
  const k = r.float();
  switch (size) {
    case 1: {
      if (k < 0.28) return b.add('户主', r.chance(0.55), b.birthIn(1986, 2004));
      if (k < 0.58) return b.add('户主', r.chance(0.55), b.birthIn(1960, 1985));
      return b.add('户主', r.chance(0.42), b.birthIn(1930, 1959));
    }
    case 2: {
      if (k < 0.12) return headOf(b, b.couple(1988, 2000, true));
      if (k < 0.57) return headOf(b, b.couple(1932, 1968, true));
      if (k < 0.85) {
        const male = r.chance(0.3);
        const p = b.add('户主', male, b.birthIn(1960, 1992));
        b.children(male ? p : -1, male ? -1 : p, 1, childRel);
        return p;
      }
      const p = b.add('户主', r.chance(0.55), b.birthIn(1958, 1992));
      b.parentsOf(p, false, r.chance(0.3));
      return p;
    }
    case 3: {
      if (k < 0.8) {
        const [h, w] = b.couple(1963, 1998, true);
        b.children(h, w, 1, childRel);
        return headOf(b, [h, w]);
      }
      if (k < 0.85) {
        const male = r.chance(0.3);
        const p = b.add('户主', male, b.birthIn(1960, 1990));
        b.children(male ? p : -1, male ? -1 : p, 2, childRel);
        return p;
      }
      const [h, w] = b.couple(1958, 1990, true);
      const head = headOf(b, [h, w]);
      b.parentsOf(head, false, r.chance(0.3));
      return head;
    }
    case 4: {
      if (k < 0.6) {
        const [h, w] = b.couple(1970, 1996, true);
        b.children(h, w, 2, childRel);
        return headOf(b, [h, w]);
      }
      if (k < 0.88) {
        const [h, w] = b.couple(1965, 1996, true);
        const head = headOf(b, [h, w]);
        b.parentsOf(head, false, r.chance(0.3));
        b.children(h, w, 1, childRel);
        return head;
      }
      return stem(b, r, 1940, 1968, 0);
    }
    case 5: {
      if (k < 0.45) {
        const [h, w] = b.couple(1965, 1996, true);
        const head = headOf(b, [h, w]);
        b.parentsOf(head, true, false);
        b.children(h, w, 1, childRel);
        return head;
      }
      if (k < 0.65) {
        const [h, w] = b.couple(1965, 1993, true);
        b.children(h, w, 3, childRel);
        return headOf(b, [h, w]);
      }
      return stem(b, r, 1940, 1965, 1);
    }
    default: {
      if (k < 0.6) {
        const [h, w] = b.couple(1965, 1994, true);
        const head = headOf(b, [h, w]);
        b.parentsOf(head, true, false);
        b.children(h, w, 2, childRel);
        return head;
      }
      return stem(b, r, 1938, 1962, 2);
    }
  }
}

function headOf(b: Builder, pair: [number, number]): number {
  return b.members[pair[0]]!.relation === '户主' ? pair[0] : pair[1];
}

/** An older couple (head) with a married son (or daughter), the child's spouse and grandchildren. */
function stem(b: Builder, r: Rng, lo: number, hi: number, grandchildren: number): number {
  const [h, w] = b.couple(lo, hi, true);
  const son = r.chance(0.8);
  const [c] = b.children(h, w, 1, childRel);
  const child = b.members[c!]!;
  // the married child is at least 22 and of the chosen sex
  child.male = son;
  child.relation = son ? '子' : '女';
  child.birth = Math.min(child.birth, AS_OF - Math.round(22 * YEAR) - r.int(3 * 365));
  const gap = Math.round(r.pickWeighted(SPOUSE_GAP) * YEAR) + r.range(-150, 150);
  const spouseBirth = son ? child.birth + gap : child.birth - gap;
  const s = b.add(son ? '儿媳' : '女婿', !son, Math.min(spouseBirth, AS_OF - Math.round(20 * YEAR)));
  child.spouse = s;
  b.members[s]!.spouse = c!;
  if (grandchildren > 0) {
    const father = son ? c! : s;
    const mother = son ? s : c!;
    b.children(father, mother, grandchildren, grandRel);
  }
  return headOf(b, [h, w]);
}

/** The household with index h, whose first citizen has index `start`; at most `maxSize` members. */
export function buildHousehold(ctx: RegionContext, h: number, start: number, maxSize: number): Household {
  const r = new Rng(ctx.seedKey, ctx.regionNum, STREAM.SKELETON, h);
  const collective = r.chance(0.03);
  const size = Math.min(maxSize, r.pickWeighted(SIZES));
  const b = new Builder(r);
  let head = -1;
  let county: Division;
  if (collective) {
    county = r.pickWeighted(ctx.regionResidence);
    for (let i = 0; i < size; i++) b.add('集体户成员', r.chance(0.55), b.birthIn(1985, 2006));
  } else {
    county = r.pick(ctx.counties);
    head = buildFamily(b, r, size);
  }
  const members = b.members;
  members.forEach((m, i) => (m.index = start + i));

  // statuses: deaths among the old (never the head), moves of the registration out of the province
  for (const m of members) {
    const age = (AS_OF - m.birth) / YEAR;
    if (m.slot !== head && age >= 70 && (m.relation === '父' || m.relation === '母' || m.relation === '配偶')) {
      if (r.chance(0.03 + (age - 70) * 0.012)) m.status = '死亡';
    } else if ((m.relation === '子' || m.relation === '女') && m.spouse < 0 && age >= 22 && age < 40 && r.chance(0.06)) {
      m.status = '迁出';
    }
  }

  // ID numbers: address code = where first registered, then sequence, collisions resolved in order
  const headMember = head >= 0 ? members[head]! : undefined;
  const headIdCounty = r.chance(0.75) ? county.code : r.pick(ctx.provinceCounties).code;
  for (const m of members) {
    let c: string;
    if (m.slot === head) c = headIdCounty;
    else if (m.relation === '配偶') c = r.chance(0.45) ? headIdCounty : r.chance(0.55) ? county.code : r.pick(ctx.provinceCounties).code;
    else if (m.relation === '父' || m.relation === '母') c = r.chance(0.8) ? headIdCounty : r.pick(ctx.provinceCounties).code;
    else if (m.relation === '儿媳' || m.relation === '女婿' || m.relation === '集体户成员') c = r.chance(0.6) ? r.pick(ctx.provinceCounties).code : county.code;
    else c = r.chance(0.9) || !headMember ? county.code : headIdCounty;
    m.idCounty = c;
    m.idNumber = assignIdNumber(ctx, c, m.birth, m.male, r);
  }

  // where people live
  const model = ctx.model;
  const householdMoves = !collective && r.chance(model.householdRate);
  let hhDest: Division | undefined;
  if (householdMoves) hhDest = r.pickWeighted(residenceCounties(r.pickWeighted(model.destinations)));
  for (const m of members) {
    const age = (AS_OF - m.birth) / YEAR;
    if (m.status === '死亡') {
      m.residence = county.code;
      continue;
    }
    if (m.status === '迁出') {
      m.residence = r.pickWeighted(residenceCounties(r.pickWeighted(model.destinations))).code;
      continue;
    }
    if (hhDest && (age <= 55 || r.chance(0.25))) {
      m.residence = hhDest.code;
    } else if (age >= 18 && age <= 50 && r.chance(model.individualRate)) {
      m.residence = r.pickWeighted(residenceCounties(r.pickWeighted(model.destinations))).code;
    } else if (collective || r.chance(0.88)) {
      m.residence = county.code;
    } else {
      m.residence = r.pickWeighted(ctx.homeResidence).code;
    }
    m.migrant = m.status === '正常' && m.residence.slice(0, 2) !== ctx.provinceCode.slice(0, 2);
  }
  return { h, type: collective ? '集体户' : '家庭户', county, members, head };
}

/** Picks a free sequence for (county, birth date, sex) and returns the full ID number. */
function assignIdNumber(ctx: RegionContext, county: string, birth: number, male: boolean, r: Rng): string {
  let seq = male ? 1 + 2 * r.int(500) : 2 + 2 * r.int(499);
  const base = ((ctx.countyIndex.get(county) ?? 0) * 40000 + (birth - DAY_1930)) * 1000;
  for (let tries = 0; ctx.usedIds.has(base + seq); tries++) {
    if (tries > 500) throw new Error(`no free ID sequence for ${county} ${isoDate(birth)}`);
    seq += 2;
    if (seq > 999) seq = male ? 1 : 2;
  }
  ctx.usedIds.add(base + seq);
  const first17 = county + isoDate(birth).replace(/-/g, '') + String(seq).padStart(3, '0');
  return first17 + idCheckDigit(first17);
}

/** Walks the region's households in order until `citizens` persons have been produced. */
export function* households(ctx: RegionContext, citizens: number): Generator<Household> {
  let start = 0;
  for (let h = 0; start < citizens; h++) {
    const hh = buildHousehold(ctx, h, start, citizens - start);
    start += hh.members.length;
    yield hh;
  }
}

/** Names of a household's members, by slot: children take the father's surname (usually). */
export function householdNames(ctx: RegionContext, hh: Household): string[] {
  const r = new Rng(ctx.seedKey, ctx.regionNum, STREAM.NAMES, hh.h);
  const table = surnameTable(ctx.provinceCode.slice(0, 2));
  const own = hh.members.map(() => r.pickWeighted(table));
  const fromMother = hh.members.map(() => r.chance(0.07));
  const surnames: Array<string | undefined> = [];
  const surnameOf = (slot: number, depth: number): string => {
    const known = surnames[slot];
    if (known) return known;
    const m = hh.members[slot]!;
    let s = own[slot]!;
    if (depth < 8) {
      if (m.father >= 0 && !(fromMother[slot] && m.mother >= 0)) s = surnameOf(m.father, depth + 1);
      else if (m.mother >= 0) s = surnameOf(m.mother, depth + 1);
    }
    surnames[slot] = s;
    return s;
  };
  return hh.members.map((m) => surnameOf(m.slot, 0) + givenName(r, m.male, civilFromDays(m.birth)[0]));
}
