// GB/T 2260 administrative division codes: lookup, validation and hierarchy over data/divisions.json
// (provinces, prefectures, counties; NBS 2023 data, see data/README.md). The file is read once, lazily,
// on first use; every function here is pure after that.

import { readFileSync } from 'node:fs';
import { describe, type Verdict } from './verdict.js';

export type DivisionLevel = 'province' | 'prefecture' | 'county';

export interface Division {
  /** 6-digit GB/T 2260 code */
  code: string;
  name: string;
  level: DivisionLevel;
  /** the province's 6-digit code, e.g. 340000 */
  provinceCode: string;
  /** the prefecture's 6-digit code; absent for provinces */
  prefectureCode?: string;
  /** 安徽省合肥市蜀山区 — placeholders (市辖区, 县, 省直辖县级行政区划) are skipped */
  fullName: string;
  /** 市辖区 / 县 / 省直辖县级行政区划: a prefecture-level code that is not a city */
  placeholder?: true;
  /** a prefecture-level city without counties (东莞, 中山, 儋州, 嘉峪关) */
  countyless?: true;
}

export interface DivisionVerdict extends Verdict {
  division?: Division;
}

interface DivisionFile {
  source: { data: string; package: string; licence: string };
  counts: Record<string, number>;
  divisions: Record<string, string>;
  statisticalUnits: Record<string, string>;
}

interface Loaded {
  file: DivisionFile;
  byCode: Map<string, Division>;
  provinces: Division[];
  prefecturesByProvince: Map<string, Division[]>;
  countiesByPrefecture: Map<string, Division[]>;
  countiesByProvince: Map<string, Division[]>;
}

const PLACEHOLDERS = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

/** Resolves the same way from src/core/ids (tsx) and dist/core/ids (tsc): both are two folders below the root's src|dist. */
const DATA_URL = new URL('../../../data/divisions.json', import.meta.url);

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const file = JSON.parse(readFileSync(DATA_URL, 'utf8')) as DivisionFile;
  const byCode = new Map<string, Division>();
  const codes = Object.keys(file.divisions).sort();
  // provinces and prefectures first so counties can build their full names
  for (const pass of ['province', 'prefecture', 'county'] as const) {
    for (const code of codes) {
      const level = levelOf(code);
      if (level !== pass) continue;
      const name = file.divisions[code] as string;
      const provinceCode = `${code.slice(0, 2)}0000`;
      const d: Division = { code, name, level, provinceCode, fullName: name };
      if (level === 'province') {
        byCode.set(code, d);
        continue;
      }
      const province = byCode.get(provinceCode);
      const prefectureCode = `${code.slice(0, 4)}00`;
      if (level === 'prefecture') {
        d.prefectureCode = code;
        if (PLACEHOLDERS.has(name)) d.placeholder = true;
        d.fullName = (province?.name ?? '') + name;
      } else {
        d.prefectureCode = prefectureCode;
        const prefecture = byCode.get(prefectureCode);
        d.fullName = (province?.name ?? '') + (prefecture && !prefecture.placeholder ? prefecture.name : '') + name;
      }
      byCode.set(code, d);
    }
  }
  const provinces: Division[] = [];
  const prefecturesByProvince = new Map<string, Division[]>();
  const countiesByPrefecture = new Map<string, Division[]>();
  const countiesByProvince = new Map<string, Division[]>();
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const code of codes) {
    const d = byCode.get(code) as Division;
    if (d.level === 'province') provinces.push(d);
    else if (d.level === 'prefecture') push(prefecturesByProvince, d.provinceCode, d);
    else {
      push(countiesByPrefecture, d.prefectureCode as string, d);
      push(countiesByProvince, d.provinceCode, d);
    }
  }
  // prefecture-level cities without counties stand in for their own county level
  for (const prefectures of prefecturesByProvince.values()) {
    for (const p of prefectures) {
      if (p.placeholder || countiesByPrefecture.has(p.code)) continue;
      p.countyless = true;
      countiesByPrefecture.set(p.code, [p]);
      push(countiesByProvince, p.provinceCode, p);
    }
  }
  for (const list of countiesByProvince.values()) list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  // callers get shared objects: make sure none of them can change the table for everyone else
  for (const d of byCode.values()) Object.freeze(d);
  loaded = { file, byCode, provinces, prefecturesByProvince, countiesByPrefecture, countiesByProvince };
  return loaded;
}

function levelOf(code: string): DivisionLevel {
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'prefecture';
  return 'county';
}

/** The division with this 6-digit code, or undefined. */
export function lookupDivision(code: string): Division | undefined {
  if (typeof code !== 'string' || code.length !== 6) return undefined;
  return load().byCode.get(code);
}

/**
 * Is `s` a current GB/T 2260 code? With `level`, the division must also be at that level.
 * The reason names NBS-only statistical units (开发区 etc.) and codes whose parent is unknown.
 */
export function validateDivisionCode(s: unknown, opts: { level?: DivisionLevel } = {}): DivisionVerdict {
  if (typeof s !== 'string') return bad('division code must be a string', '区划代码必须是字符串');
  if (!/^\d{6}$/.test(s)) {
    return bad(`division code must be 6 digits, got ${describe(s)}`, `区划代码应为6位数字,实际为${describe(s)}`);
  }
  const d = load().byCode.get(s);
  if (!d) {
    const unit = load().file.statisticalUnits[s];
    if (unit) {
      return bad(
        `${s} is an NBS statistical unit (${unit}), not a GB/T 2260 administrative division`,
        `${s}(${unit})是统计用区划单位,不是GB/T 2260行政区划`,
      );
    }
    if (!load().byCode.has(`${s.slice(0, 2)}0000`)) {
      return bad(`${s} is not a division code: no province ${s.slice(0, 2)}0000`, `${s}不是区划代码:不存在省级代码${s.slice(0, 2)}0000`);
    }
    return bad(`${s} is not a current GB/T 2260 division`, `${s}不是现行GB/T 2260行政区划代码`);
  }
  if (opts.level && d.level !== opts.level) {
    return {
      valid: false,
      reason: `${s} (${d.fullName}) is a ${d.level}, expected a ${opts.level}`,
      reasonZh: `${s}(${d.fullName})是${LEVEL_ZH[d.level]}级区划,应为${LEVEL_ZH[opts.level]}级`,
      division: d,
    };
  }
  return { valid: true, division: d };
}

const LEVEL_ZH: Record<DivisionLevel, string> = { province: '省', prefecture: '地', county: '县' };

/** All 31 provinces, by code. */
export function provinces(): Division[] {
  return [...load().provinces];
}

/** The province of a code: any string whose first two digits are a province (the rest is not checked). */
export function provinceOf(code: string): Division | undefined {
  if (typeof code !== 'string' || !/^\d{2}/.test(code)) return undefined;
  return load().byCode.get(`${code.slice(0, 2)}0000`);
}

/** Prefecture-level entries of a province, placeholders included, by code. */
export function prefecturesOf(provinceCode: string): Division[] {
  const p = lookupDivision(provinceCode);
  if (!p || p.level !== 'province') return [];
  return [...(load().prefecturesByProvince.get(p.code) ?? [])];
}

/**
 * County-level units under a province or prefecture (or the county itself), by code. Prefecture-level
 * cities without counties (东莞 441900, 中山 442000, 儋州 460400, 嘉峪关 620200) are included, since they
 * stand in for their own county level.
 */
export function countiesOf(code: string): Division[] {
  const d = lookupDivision(code);
  if (!d) return [];
  const l = load();
  if (d.level === 'province') return [...(l.countiesByProvince.get(d.code) ?? [])];
  if (d.level === 'prefecture') return [...(l.countiesByPrefecture.get(d.code) ?? [])];
  return [d];
}

/** Is division `code` inside (or equal to) `region`? Both are 6-digit codes of any level. */
export function isWithin(code: string, region: string): boolean {
  const r = lookupDivision(region);
  if (!r || typeof code !== 'string' || code.length !== 6) return false;
  if (r.level === 'province') return code.slice(0, 2) === region.slice(0, 2);
  if (r.level === 'prefecture') return code.slice(0, 4) === region.slice(0, 4);
  return code === region;
}

/** Where the shipped data comes from, for about pages and the CLI. */
export function divisionDataInfo(): { source: DivisionFile['source']; counts: Record<string, number> } {
  const f = load().file;
  return { source: f.source, counts: f.counts };
}

function bad(reason: string, reasonZh: string): DivisionVerdict {
  return { valid: false, reason, reasonZh };
}
