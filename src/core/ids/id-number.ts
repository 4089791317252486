// GB 11643-1999 citizen ID number (公民身份号码): 6-digit address code (GB/T 2260) + 8-digit birth date
// YYYYMMDD + 3-digit sequence (odd = male) + check character, ISO 7064 MOD 11-2 with weights 2^(17-i) mod 11.
//
// Lower-case 'x' is accepted as the check character and normalised to 'X'. GB 11643 prints 'X'; people
// and forms often type 'x'; refusing it would push the problem to every caller. The canonical form is
// returned in `normalized` and is what callers should store and compare.

import { lookupDivision, type Division } from './divisions.js';
import { describe, type Verdict } from './verdict.js';

export interface IdNumberVerdict extends Verdict {
  /** the canonical form (upper-case X), present whenever the input has the right shape */
  normalized?: string;
  addressCode?: string;
  /** 2 digits + 0000 */
  provinceCode?: string;
  /** YYYY-MM-DD, present when the date exists */
  birthDate?: string;
  sex?: 'M' | 'F';
  /** the 3-digit sequence code */
  sequence?: string;
  /** the division named by the address code, when it is a current one */
  division?: Division;
  /** which rule the number breaks, when it is invalid: `reason` quotes the number's parts, this does not */
  problem?: IdNumberProblem;
}

export type IdNumberProblem =
  | 'not-a-string'
  | 'length'
  | 'characters'
  | 'check-character'
  | 'check-digit'
  | 'birth-date'
  | 'birth-date-too-early'
  | 'birth-date-future'
  | 'address-code'
  | 'address-code-province';

const PROBLEM_TEXT: Record<IdNumberProblem, { en: string; zh: string }> = {
  'not-a-string': { en: 'an ID number must be a string', zh: '身份号码必须是字符串' },
  length: { en: 'an ID number has 18 characters', zh: '身份号码应为18位' },
  characters: { en: 'the first 17 characters must be digits', zh: '前17位必须是数字' },
  'check-character': { en: 'the check character must be a digit or X', zh: '校验码应为数字或X' },
  'check-digit': { en: 'the check digit does not match', zh: '校验码不正确' },
  'birth-date': { en: 'the birth date does not exist', zh: '出生日期不存在' },
  'birth-date-too-early': { en: 'the birth date is before 1900-01-01', zh: '出生日期早于1900-01-01' },
  'birth-date-future': { en: 'the birth date is in the future', zh: '出生日期晚于今天' },
  'address-code': { en: 'the address code is not a current GB/T 2260 division', zh: '地址码不是现行行政区划代码' },
  'address-code-province': { en: 'the address code is a province; an ID number carries a county or prefecture code', zh: '地址码为省级代码,应为县级或地级代码' },
};

/**
 * Why an ID number is invalid without quoting any part of it (its birth date, address code or digits
 * are personal data): for error details that reach logs and other parties. `reason` is for the person
 * who typed the number and sees it anyway.
 */
export function idNumberProblemText(v: IdNumberVerdict): { en: string; zh: string } {
  return PROBLEM_TEXT[v.problem ?? 'characters'];
}

export interface IdNumberOptions {
  /** "now" for the future-birth-date check (default: the current time); compared in Asia/Shanghai */
  today?: Date;
  /** check the address code against the shipped GB/T 2260 data (default true). Old ID numbers can carry
   *  codes of divisions abolished since; turn this off to accept them. */
  checkAddress?: boolean;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';
const EARLIEST = '1900-01-01';

/** The check character for the first 17 digits. Throws RangeError if the input is not 17 digits. */
export function idCheckDigit(first17: string): string {
  if (typeof first17 !== 'string' || !/^\d{17}$/.test(first17)) throw new RangeError('idCheckDigit needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += WEIGHTS[i]! * (first17.charCodeAt(i) - 48);
  return CHECK[sum % 11]!;
}

/**
 * Builds an ID number. `birthDate` is YYYY-MM-DD or YYYYMMDD; `sequence` is 0–999 (odd for men, even
 * for women). Throws RangeError on malformed parts; it does not check that the date or address exist.
 */
export function makeIdNumber(addressCode: string, birthDate: string, sequence: number): string {
  if (!/^\d{6}$/.test(addressCode)) throw new RangeError('makeIdNumber: address code must be 6 digits');
  const date = birthDate.replace(/-/g, '');
  if (!/^\d{8}$/.test(date)) throw new RangeError('makeIdNumber: birth date must be YYYY-MM-DD or YYYYMMDD');
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) throw new RangeError('makeIdNumber: sequence must be 0–999');
  const first17 = addressCode + date + String(sequence).padStart(3, '0');
  return first17 + idCheckDigit(first17);
}

/** Validates a GB 11643 ID number. Never throws; the verdict says what is wrong. */
export function validateIdNumber(s: unknown, opts: IdNumberOptions = {}): IdNumberVerdict {
  if (typeof s !== 'string') return fail('not-a-string', 'an ID number must be a string', '身份号码必须是字符串');
  if (s.length !== 18) {
    return fail('length', `an ID number has 18 characters, got ${describe(s)}`, `身份号码应为18位,实际为${s.length}位`);
  }
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) {
      return fail(
        'characters',
        `character ${i + 1} is ${JSON.stringify(s[i])}; the first 17 characters must be digits`,
        `第${i + 1}位为"${s[i]}",前17位必须是数字`,
      );
    }
  }
  const last = s[17]!;
  if (!/[0-9Xx]/.test(last)) {
    return fail('check-character', `the check character is ${JSON.stringify(last)}; it must be a digit or X`, `校验码为"${last}",应为数字或X`);
  }
  const normalized = s.slice(0, 17) + last.toUpperCase();
  const addressCode = s.slice(0, 6);
  const sequence = s.slice(14, 17);
  const parsed: IdNumberVerdict = {
    valid: false,
    normalized,
    addressCode,
    provinceCode: `${s.slice(0, 2)}0000`,
    sex: (s.charCodeAt(16) - 48) % 2 === 1 ? 'M' : 'F',
    sequence,
  };
  const division = lookupDivision(addressCode);
  if (division) parsed.division = division;

  const expected = idCheckDigit(s.slice(0, 17));
  if (expected !== normalized[17]) {
    return { ...parsed, problem: 'check-digit', reason: `check digit is ${last}, expected ${expected}`, reasonZh: `校验码为${last},应为${expected}` };
  }

  const y = s.slice(6, 10);
  const m = s.slice(10, 12);
  const d = s.slice(12, 14);
  const iso = `${y}-${m}-${d}`;
  if (!dateExists(Number(y), Number(m), Number(d))) {
    return { ...parsed, problem: 'birth-date', reason: `birth date ${y}${m}${d} does not exist`, reasonZh: `出生日期${y}${m}${d}不存在` };
  }
  parsed.birthDate = iso;
  if (iso < EARLIEST) {
    return { ...parsed, problem: 'birth-date-too-early', reason: `birth date ${iso} is before 1900-01-01`, reasonZh: `出生日期${iso}早于1900-01-01` };
  }
  const today = shanghaiDate(opts.today ?? new Date());
  if (iso > today) {
    return { ...parsed, problem: 'birth-date-future', reason: `birth date ${iso} is in the future (today is ${today})`, reasonZh: `出生日期${iso}晚于今天(${today})` };
  }

  if (opts.checkAddress !== false) {
    if (!division) {
      return {
        ...parsed,
        problem: 'address-code',
        reason: `address code ${addressCode} is not a current GB/T 2260 division`,
        reasonZh: `地址码${addressCode}不是现行行政区划代码`,
      };
    }
    if (division.level === 'province') {
      return {
        ...parsed,
        problem: 'address-code-province',
        reason: `address code ${addressCode} is a province (${division.name}); an ID number carries a county or prefecture code`,
        reasonZh: `地址码${addressCode}为省级代码(${division.name}),应为县级或地级代码`,
      };
    }
  }
  return { ...parsed, valid: true };
}

function fail(problem: IdNumberProblem, reason: string, reasonZh: string): IdNumberVerdict {
  return { valid: false, problem, reason, reasonZh };
}

/** Gregorian calendar check, no Date object (so no time zone or two-digit-year surprises). */
export function dateExists(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

/** The civil date in China (UTC+8, no daylight saving) of an instant, as YYYY-MM-DD. */
function shanghaiDate(t: Date): string {
  return new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
