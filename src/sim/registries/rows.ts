// Turns a household of the synthetic population into departmental rows: 公安 household and person
// records, 民政 marriage registrations, 人社 pension and 医保 medical insurance. All draws come from the
// household's DETAILS stream, plus a few counters kept in household order (certificate serials,
// divorced singles waiting for a match), so the rows are a pure function of (seed, region, N).

import { lookupDivision, type Division } from '../../core/ids/index.js';
import { collectiveAddress, ruralAddress, urbanAddress } from './addresses.js';
import { addYears, civilFromDays, daysFromCivil, isoDate, isoMonth, jan1, monthsInclusive } from './calendar.js';
import { localName, type EntityPlan } from './entities.js';
import { isUrban } from './migration.js';
import { AS_OF, STREAM, type Household, type Person, type RegionContext } from './population.js';
import { Rng } from './rng.js';
import { BRAND_CHARS, ethnicTable } from './vocab.js';
import type { BulkWriter } from './writer.js';

const YEAR = 365.2425;
const MUNICIPALITIES = new Set(['110000', '120000', '310000', '500000']);
const DAY_1950_05_01 = daysFromCivil(1950, 5, 1);
const DAY_1981_01_01 = daysFromCivil(1981, 1, 1);
const DAY_1992_01_01 = daysFromCivil(1992, 1, 1);
const DAY_2010_01_01 = daysFromCivil(2010, 1, 1);
const DAY_2008_01_01 = daysFromCivil(2008, 1, 1);
const DAY_2015_01_01 = daysFromCivil(2015, 1, 1);
const DAY_1958_01_01 = daysFromCivil(1958, 1, 1);

/** Share of insured working people in the employees' scheme rather than the residents' scheme. */
const EMPLOYEE_SHARE: Record<string, number> = { '31': 0.85, '32': 0.62, '33': 0.62, '34': 0.42, '52': 0.32 };

interface Single {
  person: Person;
  name: string;
  county: Division;
}

/** Citizens who can be named legal representative of an entity of this region. */
export interface Candidates {
  ids: string[];
  names: string[];
  births: number[];
}

export class RegionRows {
  private readonly serials = new Map<string, number>();
  private readonly singles: { male: Single[]; female: Single[] } = { male: [], female: [] };
  private readonly prefix: string;
  private readonly employeeShare: number;
  readonly candidates: Candidates = { ids: [], names: [], births: [] };
  migrantsOut = 0;
  living = 0;

  constructor(
    private readonly ctx: RegionContext,
    private readonly writer: BulkWriter,
    private readonly employers: readonly EntityPlan[],
  ) {
    const level = ctx.regionCode.endsWith('0000') ? 2 : ctx.regionCode.endsWith('00') ? 4 : 6;
    this.prefix = ctx.regionCode.slice(0, level);
    this.employeeShare = EMPLOYEE_SHARE[ctx.provinceCode.slice(0, 2)] ?? 0.5;
  }

  emit(hh: Household, names: string[]): void {
    const { ctx, writer } = this;
    const r = new Rng(ctx.seedKey, ctx.regionNum, STREAM.DETAILS, hh.h);
    const county = hh.county;
    const householdId = county.code + String(hh.h).padStart(8, '0');
    let address: string;
    if (hh.type === '集体户') {
      const owner = `${localName(county)}${BRAND_CHARS[r.int(BRAND_CHARS.length)]}${r.pick(['华职业技术学院', '达电子有限公司', '兴实业有限公司', '源科技有限公司', '明中学'])}`;
      address = collectiveAddress(r, county, owner);
    } else if (isUrban(county)) address = r.chance(0.85) ? urbanAddress(r, county) : ruralAddress(r, county);
    else address = r.chance(0.3) ? urbanAddress(r, county) : ruralAddress(r, county);

    const ethnic = this.ethnicities(hh, r);
    const marriages = this.couples(hh, names, r, county);

    const head = hh.head >= 0 ? hh.members[hh.head]! : undefined;
    let created: number;
    if (!head) created = jan1(2000) + r.int(AS_OF - jan1(2000));
    else created = Math.max(DAY_1958_01_01, marriages.get(head.slot) ?? addYears(head.birth, 18));
    writer.add('hukou_household', [householdId, head ? head.idNumber : null, county.code, address, hh.type, isoDate(Math.min(created, AS_OF))]);

    for (const m of hh.members) {
      const name = names[m.slot]!;
      const since = Math.max(DAY_2015_01_01, m.birth);
      const updated = since + r.int(AS_OF - since + 1);
      const secs = r.int(86400);
      const time = `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}`;
      writer.add('hukou_person', [
        m.idNumber, name, m.male ? '1' : '2', ethnic[m.slot]!, isoDate(m.birth), householdId, m.relation,
        county.code, address, m.residence, m.status, `${isoDate(updated)} ${time}`,
      ]);
      if (m.status === '正常') {
        this.living++;
        if (m.migrant) this.migrantsOut++;
      }
      if (m.status !== '迁出') {
        const employee = this.pension(m, r, county);
        this.medical(m, r, county, employee);
      }
      const age = (AS_OF - m.birth) / YEAR;
      if (m.status === '正常' && age >= 22 && age < 70 && m.residence.startsWith(this.prefix)) {
        this.candidates.ids.push(m.idNumber);
        this.candidates.names.push(name);
        this.candidates.births.push(m.birth);
      }
    }
  }

  /** GB 3304 codes: a household shares an ethnicity mostly; children of mixed couples often take the minority one. */
  private ethnicities(hh: Household, r: Rng): string[] {
    const table = ethnicTable(hh.county.code);
    const own = hh.members.map(() => r.pickWeighted(table));
    const keep = hh.members.map(() => r.chance(0.8));
    const minority = hh.members.map(() => r.chance(0.7));
    const out: Array<string | undefined> = [];
    let household: string | undefined;
    const of = (slot: number, depth: number): string => {
      const known = out[slot];
      if (known) return known;
      const m = hh.members[slot]!;
      let e: string;
      const f = m.father >= 0 && depth < 8 ? of(m.father, depth + 1) : undefined;
      const mo = m.mother >= 0 && depth < 8 ? of(m.mother, depth + 1) : undefined;
      if (f && mo) e = f === mo ? f : minority[slot] ? (f !== '01' ? f : mo) : f;
      else if (f || mo) e = (f ?? mo) as string;
      else if (!household) e = household = own[slot]!;
      else e = keep[slot] ? household : own[slot]!;
      out[slot] = e;
      return e;
    };
    return hh.members.map((m) => of(m.slot, 0));
  }

  /** Marriage registrations of the couples in the household; returns slot → marriage day for both spouses. */
  private couples(hh: Household, names: string[], r: Rng, county: Division): Map<number, number> {
    const married = new Map<number, number>();
    for (const h of hh.members) {
      if (!h.male || h.spouse < 0) continue;
      const w = hh.members[h.spouse]!;
      const children = hh.members.filter((c) => c.father === h.slot || c.mother === w.slot);
      const firstChild = children.length ? Math.min(...children.map((c) => c.birth)) : AS_OF;
      const day = this.marriageDay(h, w, firstChild - 60, r);
      married.set(h.slot, day);
      married.set(w.slot, day);
      const office = r.chance(0.7) ? county : (lookupDivision(h.idCounty) ?? county);
      this.writer.add('marriage_registration', [
        this.certNo('J', office, day), h.idNumber, names[h.slot]!, w.idNumber, names[w.slot]!, isoDate(day),
        `${localName(office)}民政局婚姻登记处`, '结婚',
      ]);
    }
    // people living alone in mid-life: some are divorced; pair them with an earlier divorced single
    const only = hh.members.length === 1 ? hh.members[0]! : undefined;
    if (only && hh.type === '家庭户') {
      const age = (AS_OF - only.birth) / YEAR;
      const divorced = r.chance(0.35);
      if (divorced && age >= 35 && age < 65 && only.status === '正常') this.divorce(only, names[0]!, county, r);
    }
    return married;
  }

  private marriageDay(h: Person, w: Person, upper: number, r: Rng): number {
    let lower = Math.max(addYears(h.birth, 22), addYears(w.birth, 20));
    if (lower < DAY_1981_01_01) lower = Math.max(addYears(h.birth, 20), addYears(w.birth, 18));
    lower = Math.max(lower, DAY_1950_05_01);
    const hi = Math.min(upper, AS_OF);
    if (hi <= lower) return Math.max(DAY_1950_05_01, Math.min(hi, AS_OF));
    return lower + r.int(Math.min(hi - lower, Math.round(8 * YEAR)) + 1);
  }

  private divorce(p: Person, name: string, county: Division, r: Rng): void {
    const waiting = p.male ? this.singles.female : this.singles.male;
    const i = waiting.findIndex((s) => Math.abs(s.person.birth - p.birth) < 8 * YEAR);
    if (i < 0) {
      const mine = p.male ? this.singles.male : this.singles.female;
      mine.push({ person: p, name, county });
      if (mine.length > 16) mine.shift();
      return;
    }
    const other = waiting.splice(i, 1)[0]!;
    const [h, hn, w, wn] = p.male ? [p, name, other.person, other.name] : [other.person, other.name, p, name];
    const office = other.county;
    const wed = this.marriageDay(h, w, AS_OF - 400, r);
    const split = Math.min(AS_OF, wed + 200 + r.int(Math.max(1, Math.min(AS_OF - wed - 200, Math.round(20 * YEAR)))));
    const officeName = `${localName(office)}民政局婚姻登记处`;
    this.writer.add('marriage_registration', [this.certNo('J', office, wed), h.idNumber, hn, w.idNumber, wn, isoDate(wed), officeName, '结婚']);
    this.writer.add('marriage_registration', [this.certNo('L', county, split), h.idNumber, hn, w.idNumber, wn, isoDate(split), `${localName(county)}民政局婚姻登记处`, '离婚']);
  }

  /** 结婚证/离婚证 字号: J340104-2015-000123 (L for divorce), serial per office and year. */
  private certNo(kind: 'J' | 'L', office: Division, day: number): string {
    const year = civilFromDays(day)[0];
    const key = `${kind}${office.code}-${year}`;
    const n = (this.serials.get(key) ?? 0) + 1;
    this.serials.set(key, n);
    return `${key}-${String(n).padStart(6, '0')}`;
  }

  /** Basic pension (人社); returns the employer when the person is in the employees' scheme. */
  private pension(m: Person, r: Rng, county: Division): EntityPlan | undefined {
    const age = (AS_OF - m.birth) / YEAR;
    const roll = r.float();
    const employeeRoll = r.float();
    const statusRoll = r.float();
    const startOffset = r.float();
    const coverage = 0.82 + r.float() * 0.18;
    if (age < 16) return undefined;
    const pCover = m.migrant ? 0.35 : age < 23 ? 0.25 : age < 60 ? 0.8 : 0.78;
    if (roll >= pCover) return undefined;
    const employee = !m.migrant && this.employers.length > 0 && employeeRoll < this.employeeShare * (age >= 60 ? 0.8 : 1);
    // employees retire at 60 (men) or 55 (women, most cadres and staff); residents draw at 60
    const retireAge = employee && !m.male ? 55 : 60;
    const retire = addYears(m.birth, retireAge);
    let start: number;
    let employer: EntityPlan | undefined;
    if (employee) {
      employer = this.employers[r.int(this.employers.length)]!;
      start = Math.max(DAY_1992_01_01, addYears(m.birth, 18) + Math.round(startOffset * 8 * YEAR));
    } else {
      start = Math.max(DAY_2010_01_01, addYears(m.birth, 16)) + Math.round(startOffset * 3 * YEAR);
    }
    if (start > AS_OF) start = AS_OF - r.int(300);
    let status: string;
    let end = AS_OF;
    if (m.status === '死亡') status = '终止';
    else if (AS_OF >= retire) {
      status = '领取待遇';
      end = employee ? Math.max(start, retire) : AS_OF;
    } else if (statusRoll < (employee ? 0.1 : 0.15)) {
      status = '暂停缴费';
      end = start + r.int(AS_OF - start + 1);
    } else status = '参保缴费';
    const months = Math.max(1, Math.round(monthsInclusive(start, Math.max(start, end)) * coverage));
    this.writer.add('pension_insurance', [
      m.idNumber,
      employee ? '企业职工基本养老保险' : '城乡居民基本养老保险',
      employer ? employer.name : null,
      employer ? employer.uscc : null,
      status,
      isoMonth(start),
      months,
      employer ? employer.authorityDivision : county.code,
    ]);
    return employer;
  }

  /** Basic medical insurance (医保), pooled by city; migrants may have filed for care where they live. */
  private medical(m: Person, r: Rng, county: Division, employer: EntityPlan | undefined): void {
    const covered = r.chance(m.status === '死亡' ? 0.9 : 0.95);
    const suspended = r.chance(0.04);
    const filed = r.chance(0.45);
    const sinceOffset = r.int(Math.round(5 * YEAR));
    if (!covered) return;
    const employee = employer !== undefined;
    const region = poolOf(employer ? employer.county : county);
    const status = m.status === '死亡' ? '终止' : suspended ? '暂停缴费' : '参保缴费';
    let since = employee ? Math.max(DAY_1992_01_01, addYears(m.birth, 18)) + sinceOffset : Math.max(m.birth + 30, DAY_2008_01_01 + sinceOffset);
    if (since > AS_OF) since = Math.max(m.birth, AS_OF - 30);
    const remote = m.migrant && !employee && filed;
    this.writer.add('medical_insurance', [
      m.idNumber,
      employee ? '职工基本医疗保险' : '城乡居民基本医疗保险',
      region,
      status,
      isoDate(since),
      remote ? '是' : '否',
      remote ? m.residence : null,
    ]);
  }
}

/** The medical-insurance pooling region of a county: its city, or the whole municipality. */
function poolOf(d: Division): string {
  if (MUNICIPALITIES.has(d.provinceCode)) return d.provinceCode;
  if (d.level === 'county') return d.prefectureCode ?? d.code;
  return d.code;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
