// GB/T 36904-2018 style e-certificate identifier (电子证照标识):
//   1.2.156.3005.2.<type code>.<issuer>.<serial>.<version>.<check>
// type code = the defining authority's 18-character USCC + a 3-digit sequence (e.g. 11100000000013338W032,
// 住建部 #032); issuer = the issuing organ's USCC; serial = chosen by the issuer (1–32 characters 0-9, A-Z);
// version = 3 digits; check = ISO/IEC 7064 MOD 37,36 over type + issuer + serial + version without dots.
// Lower-case letters are accepted and normalised to upper case.

import { validateUscc } from './uscc.js';
import { describe, type Verdict } from './verdict.js';

export const CERTIFICATE_ROOT = '1.2.156.3005.2';
const A36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface CertificateIdParts {
  /** 21 characters: defining authority USCC (18) + 3-digit sequence */
  typeCode: string;
  /** issuing organ USCC */
  issuer: string;
  /** 1–32 characters 0-9, A-Z */
  serial: string;
  /** 3 digits */
  version: string;
}

export interface CertificateIdVerdict extends Verdict, Partial<CertificateIdParts> {
  normalized?: string;
  /** the USCC of the authority that defines the certificate type (first 18 characters of typeCode) */
  definingAuthority?: string;
  check?: string;
}

/** ISO/IEC 7064 MOD 37,36 (hybrid system) check character over 0-9A-Z. Throws RangeError on other characters. */
export function certificateCheckChar(s: string): string {
  let p = 36;
  for (const ch of s) {
    const v = A36.indexOf(ch);
    if (v < 0) throw new RangeError(`certificateCheckChar: ${JSON.stringify(ch)} is not 0-9 or A-Z`);
    let t = (p + v) % 36;
    if (t === 0) t = 36;
    p = (2 * t) % 37;
  }
  return A36[(37 - p) % 36]!;
}

/** Builds an identifier from its parts; throws RangeError if a part is malformed (USCC check characters included). */
export function makeCertificateId(parts: CertificateIdParts): string {
  const problem = partsProblem(parts);
  if (problem) throw new RangeError(`makeCertificateId: ${problem.en}`);
  const { typeCode, issuer, serial, version } = parts;
  return [CERTIFICATE_ROOT, typeCode, issuer, serial, version, certificateCheckChar(typeCode + issuer + serial + version)].join('.');
}

/** Validates an e-certificate identifier. Never throws. */
export function validateCertificateId(s: unknown): CertificateIdVerdict {
  if (typeof s !== 'string') return fail('a certificate identifier must be a string', '电子证照标识必须是字符串');
  if (s.length > 200) return fail(`a certificate identifier is at most 200 characters, got ${describe(s)}`, '电子证照标识过长');
  const up = s.toUpperCase();
  const rootParts = CERTIFICATE_ROOT.split('.');
  const parts = up.split('.');
  const root = parts.slice(0, rootParts.length).join('.');
  if (root !== CERTIFICATE_ROOT) {
    return fail(`the identifier must start with ${CERTIFICATE_ROOT} (GB/T 36904), got ${JSON.stringify(root)}`, `电子证照标识应以${CERTIFICATE_ROOT}开头`);
  }
  const fields = parts.slice(rootParts.length);
  if (fields.length !== 5) {
    return fail(
      `after the root there must be 5 dot-separated fields (type, issuer, serial, version, check), got ${fields.length}`,
      `根标识后应有5段(类型代码、颁发机构代码、流水号、版本号、校验位),实际为${fields.length}段`,
    );
  }
  const [typeCode, issuer, serial, version, check] = fields as [string, string, string, string, string];
  const parsed: CertificateIdVerdict = { valid: false, normalized: up, typeCode, issuer, serial, version, check, definingAuthority: typeCode.slice(0, 18) };
  const problem = partsProblem({ typeCode, issuer, serial, version });
  if (problem) return { ...parsed, reason: problem.en, reasonZh: problem.zh };
  if (!/^[0-9A-Z]$/.test(check)) {
    return { ...parsed, reason: `the check field must be one character 0-9 or A-Z, got ${JSON.stringify(check)}`, reasonZh: '校验位应为1位数字或大写字母' };
  }
  const expected = certificateCheckChar(typeCode + issuer + serial + version);
  if (check !== expected) {
    return { ...parsed, reason: `check character is ${check}, expected ${expected}`, reasonZh: `校验位为${check},应为${expected}` };
  }
  return { ...parsed, valid: true };
}

function partsProblem(p: CertificateIdParts): { en: string; zh: string } | undefined {
  if (typeof p.typeCode !== 'string' || !/^[0-9A-Z]{18}\d{3}$/.test(p.typeCode)) {
    return { en: `the type code must be an 18-character USCC + 3 digits, got ${JSON.stringify(p.typeCode)}`, zh: '证照类型代码应为18位统一社会信用代码加3位数字' };
  }
  const definer = validateUscc(p.typeCode.slice(0, 18));
  if (!definer.valid) return { en: `type code: defining authority ${definer.reason}`, zh: `证照类型代码:定义机构${definer.reasonZh}` };
  const issuer = validateUscc(p.issuer);
  if (!issuer.valid) return { en: `issuer: ${issuer.reason}`, zh: `颁发机构代码:${issuer.reasonZh}` };
  if (typeof p.serial !== 'string' || !/^[0-9A-Z]{1,32}$/.test(p.serial)) {
    return { en: `the serial must be 1–32 characters 0-9 or A-Z, got ${JSON.stringify(p.serial)}`, zh: '流水号应为1至32位数字或大写字母' };
  }
  if (typeof p.version !== 'string' || !/^\d{3}$/.test(p.version)) {
    return { en: `the version must be 3 digits, got ${JSON.stringify(p.version)}`, zh: '版本号应为3位数字' };
  }
  return undefined;
}

function fail(reason: string, reasonZh: string): CertificateIdVerdict {
  return { valid: false, reason, reasonZh };
}
