// The standard data elements (数据元) resource fields map onto. Codes are Tongban's own (TB.*), not
// national element identifiers; where a national standard fixes the values, it is named and a
// validator checks them on read. A province adds its own elements through the catalog API.

import type { DataElement } from './model.js';

const el = (code: string, zh: string, en: string, type: DataElement['type'], extra: Partial<DataElement> = {}): DataElement => ({
  code,
  name: { zh, en },
  type,
  sensitivity: 'general',
  ...extra,
});

export const STANDARD_ELEMENTS: readonly DataElement[] = [
  // 人口 (natural persons)
  el('TB.PERSON.ID_NUMBER', '公民身份号码', 'Citizen ID number', 'identifier', { standard: 'GB 11643-1999', check: 'id-number', sensitivity: 'sensitive' }),
  el('TB.PERSON.NAME', '姓名', 'Name', 'string'),
  el('TB.PERSON.SEX', '性别', 'Sex', 'code', { standard: 'GB/T 2261.1-2003', check: 'sex-code' }),
  el('TB.PERSON.ETHNICITY', '民族', 'Ethnic group', 'code', { standard: 'GB/T 3304-1991', check: 'ethnic-code' }),
  el('TB.PERSON.BIRTH_DATE', '出生日期', 'Date of birth', 'date', { check: 'date' }),
  el('TB.PERSON.ADDRESS', '住址', 'Address', 'string', { sensitivity: 'sensitive' }),
  el('TB.PERSON.DIVISION', '户籍地行政区划', 'Registered division', 'string', { standard: 'GB/T 2260' }),
  el('TB.HUKOU.HOUSEHOLD_NO', '户号', 'Household number', 'string'),
  el('TB.HUKOU.RELATION', '与户主关系', 'Relation to head of household', 'code'),
  el('TB.HUKOU.STATUS', '户口状态', 'Registration status', 'code'),
  // 民政 (marriage)
  el('TB.MARRIAGE.KIND', '婚姻登记类型', 'Marriage registration type', 'code'),
  el('TB.MARRIAGE.DATE', '登记日期', 'Registration date', 'date', { check: 'date' }),
  el('TB.MARRIAGE.OFFICE', '婚姻登记机关', 'Registry office', 'string'),
  el('TB.MARRIAGE.CERT_NO', '结(离)婚证字号', 'Certificate number', 'string'),
  el('TB.MARRIAGE.SPOUSE_NAME', '配偶姓名', "Spouse's name", 'string', { sensitivity: 'sensitive' }),
  el('TB.MARRIAGE.SPOUSE_ID', '配偶公民身份号码', "Spouse's ID number", 'identifier', { standard: 'GB 11643-1999', check: 'id-number', sensitivity: 'sensitive' }),
  // 人社 (pension)
  el('TB.PENSION.TYPE', '养老保险险种', 'Pension insurance type', 'code'),
  el('TB.PENSION.STATUS', '参保状态', 'Insurance status', 'code'),
  el('TB.PENSION.EMPLOYER', '参保单位名称', 'Employer', 'string'),
  el('TB.PENSION.FIRST_MONTH', '首次缴费年月', 'First contribution month', 'string'),
  el('TB.PENSION.MONTHS', '累计缴费月数', 'Months contributed', 'number'),
  el('TB.INSURED.DIVISION', '参保地', 'Insured in', 'string', { standard: 'GB/T 2260' }),
  // 医保 (medical insurance)
  el('TB.MEDICAL.SCHEME', '医疗保险险种', 'Medical insurance scheme', 'code'),
  el('TB.MEDICAL.STATUS', '医疗保险参保状态', 'Medical insurance status', 'code'),
  el('TB.MEDICAL.SINCE', '参保日期', 'Insured since', 'date', { check: 'date' }),
  el('TB.MEDICAL.REMOTE_FILING', '异地就医备案', 'Registered for care elsewhere', 'code'),
  el('TB.MEDICAL.REMOTE_DIVISION', '备案就医地', 'Care registered in', 'string', { standard: 'GB/T 2260' }),
  // 法人 (market entities)
  el('TB.ENTITY.USCC', '统一社会信用代码', 'Unified social credit code', 'identifier', { standard: 'GB 32100-2015', check: 'uscc' }),
  el('TB.ENTITY.NAME', '市场主体名称', 'Entity name', 'string'),
  el('TB.ENTITY.TYPE', '市场主体类型', 'Entity type', 'code'),
  el('TB.ENTITY.LEGAL_REP', '法定代表人(经营者)', 'Legal representative', 'string'),
  el('TB.ENTITY.CAPITAL', '注册资本', 'Registered capital', 'string'),
  el('TB.ENTITY.ESTABLISHED', '成立日期', 'Established on', 'date', { check: 'date' }),
  el('TB.ENTITY.ADDRESS', '住所', 'Registered address', 'string'),
  el('TB.ENTITY.SCOPE', '经营范围', 'Business scope', 'string'),
  el('TB.ENTITY.STATUS', '登记状态', 'Registration status', 'code'),
  el('TB.ENTITY.AUTHORITY', '登记机关', 'Registration authority', 'string'),
  // 电子证照 (certificates)
  el('TB.CERT.ID', '电子证照标识', 'E-certificate identifier', 'identifier', { standard: 'GB/T 36904-2018', check: 'certificate-id' }),
  el('TB.CERT.NUMBER', '证照编号', 'Certificate number', 'string'),
  el('TB.CERT.ISSUED_ON', '颁发日期', 'Issued on', 'date', { check: 'date' }),
  el('TB.CERT.VALID_UNTIL', '有效期截至', 'Valid until', 'date', { check: 'date' }),
  el('TB.CERT.ISSUER', '颁发机构', 'Issuing authority', 'string'),
  el('TB.CERT.ISSUER_CODE', '颁发机构代码', 'Issuing authority code', 'identifier', { standard: 'GB 32100-2015', check: 'uscc' }),
  el('TB.CERT.HOLDER', '持证主体', 'Holder', 'string'),
  el('TB.CERT.HOLDER_ID', '持证主体代码', 'Holder identifier', 'identifier', { sensitivity: 'sensitive' }),
];

const byCode = new Map(STANDARD_ELEMENTS.map((e) => [e.code, e]));

export function standardElement(code: string): DataElement | undefined {
  return byCode.get(code);
}
