// GB 32100-2015 unified social credit code (统一社会信用代码), 18 characters from a 31-character alphabet
// (0-9 and A-Z without I, O, S, V, Z):
//   1      registration department (登记管理部门)       e.g. 1 机构编制, 5 民政, 9 工商
//   2      institution category (机构类别), per department e.g. 91 企业, 92 个体工商户, 93 农民专业合作社
//   3–8    division code of the registering authority (GB/T 2260, any level; 100000 for central organs)
//   9–17   subject identifier = GB 11714 organisation code, with its own check character
//   18     check character, weights 3^(i-1) mod 31
// Lower-case letters are accepted and normalised to upper case.

import { lookupDivision, type Division } from './divisions.js';
import { orgCheckChar, validateOrgCode } from './org-code.js';
import { describe, type Verdict } from './verdict.js';

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

interface Department {
  zh: string;
  en: string;
  categories: Record<string, { zh: string; en: string }>;
}

/** GB 32100-2015 Table 1: registration departments and their institution categories. */
export const USCC_DEPARTMENTS: Readonly<Record<string, Department>> = {
  '1': {
    zh: '机构编制',
    en: 'staffing authority',
    categories: {
      '1': { zh: '机关', en: 'state organ' },
      '2': { zh: '事业单位', en: 'public institution' },
      '3': { zh: '中央编办直接管理机构编制的群众团体', en: 'mass organisation under the central staffing office' },
      '9': { zh: '其他', en: 'other' },
    },
  },
  '2': {
    zh: '外交',
    en: 'foreign affairs',
    categories: { '1': { zh: '外国常驻新闻机构', en: 'resident foreign news agency' }, '9': { zh: '其他', en: 'other' } },
  },
  '3': {
    zh: '司法行政',
    en: 'justice administration',
    categories: {
      '1': { zh: '律师执业机构', en: 'law firm' },
      '2': { zh: '公证处', en: 'notary office' },
      '3': { zh: '基层法律服务所', en: 'grassroots legal service office' },
      '4': { zh: '司法鉴定机构', en: 'forensic appraisal institution' },
      '5': { zh: '仲裁委员会', en: 'arbitration commission' },
      '9': { zh: '其他', en: 'other' },
    },
  },
  '4': {
    zh: '文化',
    en: 'culture',
    categories: { '1': { zh: '外国在华文化中心', en: 'foreign cultural centre' }, '9': { zh: '其他', en: 'other' } },
  },
  '5': {
    zh: '民政',
    en: 'civil affairs',
    categories: {
      '1': { zh: '社会团体', en: 'social organisation' },
      '2': { zh: '民办非企业单位', en: 'private non-enterprise unit' },
      '3': { zh: '基金会', en: 'foundation' },
      '9': { zh: '其他', en: 'other' },
    },
  },
  '6': {
    zh: '旅游',
    en: 'tourism',
    categories: {
      '1': { zh: '外国旅游部门常驻代表机构', en: 'representative office of a foreign tourism authority' },
      '2': { zh: '港澳台地区旅游部门常驻内地(大陆)代表机构', en: 'representative office of a Hong Kong, Macao or Taiwan tourism authority' },
      '9': { zh: '其他', en: 'other' },
    },
  },
  '7': {
    zh: '宗教',
    en: 'religious affairs',
    categories: { '1': { zh: '宗教活动场所', en: 'place of religious activity' }, '2': { zh: '宗教院校', en: 'religious college' }, '9': { zh: '其他', en: 'other' } },
  },
  '8': {
    zh: '工会',
    en: 'trade union',
    categories: { '1': { zh: '基层工会', en: 'grassroots trade union' }, '9': { zh: '其他', en: 'other' } },
  },
  '9': {
    zh: '工商',
    en: 'market regulation',
    categories: {
      '1': { zh: '企业', en: 'enterprise' },
      '2': { zh: '个体工商户', en: 'individual business' },
      '3': { zh: '农民专业合作社', en: "farmers' cooperative" },
    },
  },
  A: {
    zh: '中央军委改革和编制办公室',
    en: 'Central Military Commission reform and staffing office',
    categories: { '1': { zh: '军队事业单位', en: 'military public institution' }, '9': { zh: '其他', en: 'other' } },
  },
  N: {
    zh: '农业',
    en: 'agriculture',
    categories: {
      '1': { zh: '组级集体经济组织', en: 'group-level collective economic organisation' },
      '2': { zh: '村级集体经济组织', en: 'village-level collective economic organisation' },
      '3': { zh: '乡镇级集体经济组织', en: 'township-level collective economic organisation' },
      '9': { zh: '其他', en: 'other' },
    },
  },
  Y: { zh: '其他', en: 'other', categories: { '1': { zh: '其他', en: 'other' } } },
};

/** Division code used by central (national-level) registering authorities, e.g. ministries: 11100000… */
export const NATIONAL_DIVISION = '100000';

export interface UsccVerdict extends Verdict {
  /** upper case */
  normalized?: string;
  department?: { code: string; zh: string; en: string };
  category?: { code: string; zh: string; en: string };
  /** characters 3–8 */
  divisionCode?: string;
  /** the registering authority's division; absent for 100000 (national) */
  division?: Division;
  /** characters 9–17, the GB 11714 organisation code */
  orgCode?: string;
}

/** The check character for the first 17 characters (USCC alphabet, upper case). Throws RangeError otherwise. */
export function usccCheckChar(first17: string): string {
  if (typeof first17 !== 'string' || first17.length !== 17) throw new RangeError('usccCheckChar needs 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]!);
    if (v < 0) throw new RangeError(`usccCheckChar: ${JSON.stringify(first17[i])} is not in the GB 32100 alphabet`);
    sum += WEIGHTS[i]! * v;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * Builds a USCC from its parts: `departmentAndCategory` (2 characters, e.g. '91'), the registering
 * authority's 6-digit division code, and the 8-character organisation code body (its check character is
 * computed). Throws RangeError on malformed parts; it does not check the department table or division.
 */
export function makeUscc(departmentAndCategory: string, divisionCode: string, orgCodeBody: string): string {
  if (!/^[0-9A-Z]{2}$/.test(departmentAndCategory)) throw new RangeError('makeUscc: department and category must be 2 characters');
  if (!/^\d{6}$/.test(divisionCode)) throw new RangeError('makeUscc: division code must be 6 digits');
  const org = orgCodeBody + orgCheckChar(orgCodeBody);
  const first17 = departmentAndCategory + divisionCode + org;
  return first17 + usccCheckChar(first17);
}

/** Validates a unified social credit code. Never throws. */
export function validateUscc(s: unknown): UsccVerdict {
  if (typeof s !== 'string') return fail('a unified social credit code must be a string', '统一社会信用代码必须是字符串');
  if (s.length !== 18) {
    return fail(`a unified social credit code has 18 characters, got ${describe(s)}`, `统一社会信用代码应为18位,实际为${s.length}位`);
  }
  const up = s.toUpperCase();
  for (let i = 0; i < 18; i++) {
    if (!USCC_ALPHABET.includes(up[i]!)) {
      return fail(
        `character ${i + 1} is ${JSON.stringify(s[i])}, not in the GB 32100 alphabet (0-9, A-Z without I, O, S, V, Z)`,
        `第${i + 1}位"${s[i]}"不在统一社会信用代码字符集中(数字及除I、O、S、V、Z外的大写字母)`,
      );
    }
  }
  const normalized = up;
  const divisionCode = up.slice(2, 8);
  const orgCode = up.slice(8, 17);
  const parsed: UsccVerdict = { valid: false, normalized, divisionCode, orgCode };
  const dept = USCC_DEPARTMENTS[up[0]!];
  if (dept) {
    parsed.department = { code: up[0]!, zh: dept.zh, en: dept.en };
    const cat = dept.categories[up[1]!];
    if (cat) parsed.category = { code: up[1]!, ...cat };
  }
  const division = lookupDivision(divisionCode);
  if (division) parsed.division = division;

  const expected = usccCheckChar(up.slice(0, 17));
  if (up[17] !== expected) {
    return { ...parsed, reason: `check character is ${s[17]}, expected ${expected}`, reasonZh: `校验码为${s[17]},应为${expected}` };
  }
  if (!dept) {
    return {
      ...parsed,
      reason: `registration department code ${up[0]} is not in GB 32100 (1-9, A, N, Y)`,
      reasonZh: `登记管理部门代码${up[0]}不在GB 32100规定范围内(1-9、A、N、Y)`,
    };
  }
  if (!parsed.category) {
    const allowed = Object.keys(dept.categories).join(', ');
    return {
      ...parsed,
      reason: `institution category ${up[1]} is not defined for department ${up[0]} (${dept.en}); allowed: ${allowed}`,
      reasonZh: `机构类别代码${up[1]}不适用于登记管理部门${up[0]}(${dept.zh}),可用:${allowed}`,
    };
  }
  if (!/^\d{6}$/.test(divisionCode)) {
    return { ...parsed, reason: `characters 3–8 (${divisionCode}) must be a 6-digit division code`, reasonZh: `第3至8位(${divisionCode})应为6位行政区划代码` };
  }
  if (!division && divisionCode !== NATIONAL_DIVISION) {
    return {
      ...parsed,
      reason: `characters 3–8 (${divisionCode}) are not a current GB/T 2260 division`,
      reasonZh: `第3至8位(${divisionCode})不是现行行政区划代码`,
    };
  }
  const org = validateOrgCode(orgCode);
  if (!org.valid) {
    return {
      ...parsed,
      reason: `embedded organisation code ${orgCode}: ${org.reason ?? 'invalid'}`,
      reasonZh: `主体标识码(组织机构代码)${orgCode}:${org.reasonZh ?? '无效'}`,
    };
  }
  return { ...parsed, valid: true };
}

function fail(reason: string, reasonZh: string): UsccVerdict {
  return { valid: false, reason, reasonZh };
}
