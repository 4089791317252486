// GB 11643 citizen ID numbers, checked in the browser before anything is sent: 18 characters,
// a plausible address code, a real date of birth not in the future, and the ISO 7064 MOD 11-2 check
// character (weights 2^(17-i) mod 11, check characters "10X98765432"). Pure: also tested from Node.

export type IdNumberProblem = 'empty' | 'length' | 'characters' | 'region' | 'birthDate' | 'checkDigit';

export type IdNumberCheck =
  | { ok: true; value: string; birthDate: string }
  | { ok: false; problem: IdNumberProblem; value: string; expected?: string };

/** A number that fails the check: why, and (a wrong check character) what it should be. */
export type IdNumberFailure = Exclude<IdNumberCheck, { ok: true }>;

const WEIGHTS = Array.from({ length: 17 }, (_, i) => 2 ** (17 - i) % 11);
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Spaces removed, a final x made upper case, full-width digits made ASCII. */
export function normaliseIdNumber(raw: string): string {
  return raw
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/[\s-]/g, '')
    .replace(/x$/, 'X');
}

// first two digits: provinces and the special regions of GB/T 2260
const PROVINCE_PREFIX = /^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-2])/;

export function checkIdNumber(raw: string, today: Date = new Date()): IdNumberCheck {
  const value = normaliseIdNumber(raw);
  if (value.length === 0) return { ok: false, problem: 'empty', value };
  if (!/^[0-9]*[0-9X]?$/.test(value)) return { ok: false, problem: 'characters', value };
  if (value.length !== 18) return { ok: false, problem: 'length', value };
  if (!/^[0-9]{17}[0-9X]$/.test(value)) return { ok: false, problem: 'characters', value };
  if (!PROVINCE_PREFIX.test(value)) return { ok: false, problem: 'region', value };
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  if (!real || y < 1900 || date.getTime() > today.getTime()) return { ok: false, problem: 'birthDate', value };
  const expected = idCheckChar(value.slice(0, 17));
  if (value[17] !== expected) return { ok: false, problem: 'checkDigit', value, expected };
  return { ok: true, value, birthDate: `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}` };
}
