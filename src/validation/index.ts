// validation: checking identifiers for operators and other systems — the `tongban validate` command
// and the /api/validate endpoint. The rules themselves live in src/core/ids; this module only lets
// people and systems ask them.

import { validateCertificateId, validateDivisionCode, validateIdNumber, validateOrgCode, validateUscc, type Verdict } from '../core/ids/index.js';

export const IDENTIFIER_KINDS = ['id', 'uscc', 'org', 'division', 'cert'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export const KIND_NAMES: Record<IdentifierKind, { zh: string; en: string; standard: string }> = {
  id: { zh: '公民身份号码', en: 'citizen ID number', standard: 'GB 11643-1999' },
  uscc: { zh: '统一社会信用代码', en: 'unified social credit code', standard: 'GB 32100-2015' },
  org: { zh: '组织机构代码', en: 'organisation code', standard: 'GB 11714-1997' },
  division: { zh: '行政区划代码', en: 'division code', standard: 'GB/T 2260' },
  cert: { zh: '电子证照标识', en: 'e-certificate identifier', standard: 'GB/T 36904-2018' },
};

export interface ValidationResult {
  value: string;
  valid: boolean;
  reason?: string;
  reasonZh?: string;
  /** what the value says when valid (birth date, division, issuer…), for display */
  details?: Record<string, string>;
}

export function validateIdentifier(kind: IdentifierKind, value: string): ValidationResult {
  const v = check(kind, value);
  const details: Record<string, string> = {};
  const r = v as Verdict & Record<string, unknown>;
  for (const key of ['normalized', 'birthDate', 'sex', 'addressCode', 'provinceCode', 'divisionCode', 'orgCode', 'formatted', 'typeCode', 'issuer', 'serial', 'version', 'check', 'level']) {
    const x = r[key];
    if (typeof x === 'string' || typeof x === 'number') details[key] = String(x);
  }
  const division = (r.division as { fullName?: string } | undefined)?.fullName;
  if (division) details.division = division;
  return {
    value,
    valid: v.valid,
    ...(v.reason ? { reason: v.reason } : {}),
    ...(v.reasonZh ? { reasonZh: v.reasonZh } : {}),
    ...(v.valid && Object.keys(details).length ? { details } : {}),
  };
}

function check(kind: IdentifierKind, value: string): Verdict {
  switch (kind) {
    case 'id':
      return validateIdNumber(value);
    case 'uscc':
      return validateUscc(value);
    case 'org':
      return validateOrgCode(value);
    case 'division':
      return validateDivisionCode(value);
    case 'cert':
      return validateCertificateId(value);
  }
}
