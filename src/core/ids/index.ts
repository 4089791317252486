// core/ids owns every public identifier Tongban validates or generates: GB 11643 ID numbers, GB 32100 credit codes, GB 11714 organisation codes, GB/T 2260 divisions, GB/T 36904 e-certificate identifiers.
// Pure functions; the division table (data/divisions.json) is read once on first use. Validators never
// throw on bad input: they return a verdict with an English and a Chinese reason.

export type { Verdict } from './verdict.js';
export {
  countiesOf,
  divisionDataInfo,
  isWithin,
  lookupDivision,
  prefecturesOf,
  provinceOf,
  provinces,
  validateDivisionCode,
  type Division,
  type DivisionLevel,
  type DivisionVerdict,
} from './divisions.js';
export {
  dateExists,
  idCheckDigit,
  idNumberProblemText,
  makeIdNumber,
  validateIdNumber,
  type IdNumberOptions,
  type IdNumberProblem,
  type IdNumberVerdict,
} from './id-number.js';
export { orgCheckChar, validateOrgCode, type OrgCodeVerdict } from './org-code.js';
export { NATIONAL_DIVISION, USCC_ALPHABET, USCC_DEPARTMENTS, makeUscc, usccCheckChar, validateUscc, type UsccVerdict } from './uscc.js';
export {
  CERTIFICATE_ROOT,
  certificateCheckChar,
  makeCertificateId,
  validateCertificateId,
  type CertificateIdParts,
  type CertificateIdVerdict,
} from './certificate-id.js';
