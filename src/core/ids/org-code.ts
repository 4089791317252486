// GB 11714-1997 organisation code (组织机构代码): 8 body characters (0-9, A-Z) + a check character
// (0-9 or X), printed as XXXXXXXX-X. Since 2015 it lives on as characters 9–17 of the unified social
// credit code. Lower-case letters are accepted and normalised to upper case.

import { describe, type Verdict } from './verdict.js';

export interface OrgCodeVerdict extends Verdict {
  /** 9 characters, upper case, no hyphen */
  normalized?: string;
  /** XXXXXXXX-X, the printed form */
  formatted?: string;
}

const WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

function value(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return -1;
}

/** The check character for an 8-character body (digits and upper-case letters). Throws RangeError otherwise. */
export function orgCheckChar(first8: string): string {
  if (typeof first8 !== 'string' || !/^[0-9A-Z]{8}$/.test(first8)) throw new RangeError('orgCheckChar needs 8 characters 0-9 or A-Z');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += WEIGHTS[i]! * value(first8[i]!);
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

/** Validates an organisation code, with or without the hyphen. Never throws. */
export function validateOrgCode(s: unknown): OrgCodeVerdict {
  if (typeof s !== 'string') return { valid: false, reason: 'an organisation code must be a string', reasonZh: '组织机构代码必须是字符串' };
  let raw = s;
  if (raw.length === 10) {
    if (raw[8] !== '-') {
      return {
        valid: false,
        reason: `a 10-character organisation code must be XXXXXXXX-X, got ${describe(s)}`,
        reasonZh: `10位组织机构代码应为XXXXXXXX-X格式`,
      };
    }
    raw = raw.slice(0, 8) + raw.slice(9);
  }
  if (raw.length !== 9) {
    return {
      valid: false,
      reason: `an organisation code has 9 characters (XXXXXXXX-X with the hyphen), got ${describe(s)}`,
      reasonZh: `组织机构代码应为9位(含连字符为10位),实际为${s.length}位`,
    };
  }
  const up = raw.toUpperCase();
  for (let i = 0; i < 8; i++) {
    if (value(up[i]!) < 0) {
      return {
        valid: false,
        reason: `body character ${i + 1} is ${JSON.stringify(raw[i])}; it must be 0-9 or A-Z`,
        reasonZh: `本体代码第${i + 1}位"${raw[i]}"应为数字或大写字母`,
      };
    }
  }
  const normalized = up;
  const formatted = `${up.slice(0, 8)}-${up[8]}`;
  const expected = orgCheckChar(up.slice(0, 8));
  if (up[8] !== expected) {
    return {
      valid: false,
      normalized,
      formatted,
      reason: `check character is ${raw[8]}, expected ${expected}`,
      reasonZh: `校验码为${raw[8]},应为${expected}`,
    };
  }
  return { valid: true, normalized, formatted };
}
