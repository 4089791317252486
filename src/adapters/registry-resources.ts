// The resources a node serves from its region's (synthetic) departmental registries: household
// registration, marriage, pension and medical insurance, market entities. Each is a SQL-table adapter
// with a field mapping, as a data administrator would configure one for a real department.

import type { Kysely } from 'kysely';
import { lookupDivision, validateIdNumber } from '../core/ids/index.js';
import { GB2261_SEX, GB3304_ETHNIC_GROUPS } from '../core/codes.js';
import type { RegistryDB } from '../sim/registries/index.js';
import { sqlTableAdapter } from './sql-table.js';
import type { FieldDef, Resource } from './index.js';

const f = (name: string, zh: string, en: string, type: FieldDef['type'] = 'string', sensitivity: FieldDef['sensitivity'] = 'general'): FieldDef => ({
  name,
  label: { zh, en },
  type,
  sensitivity,
});

/** Province-level departments are 厅 in provinces and 局 in municipalities (直辖市). */
function departments(regionCode: string) {
  const full = lookupDivision(`${regionCode.slice(0, 2)}0000`)?.name ?? regionCode;
  const municipality = /市$/.test(full);
  return {
    publicSecurity: `${full}公安${municipality ? '局' : '厅'}`,
    civilAffairs: `${full}民政${municipality ? '局' : '厅'}`,
    humanResources: `${full}人力资源和社会保障${municipality ? '局' : '厅'}`,
    medicalSecurity: `${full}医疗保障局`,
    marketRegulation: `${full}市场监督管理局`,
  };
}

const divisionName = (code: unknown) => (typeof code === 'string' ? (lookupDivision(code)?.fullName ?? code) : null);
const checkIdNumber = (v: string | number | null) => (typeof v === 'string' && !validateIdNumber(v).valid ? 'not a valid GB 11643 ID number' : undefined);
const checkDate = (v: string | number | null) => (typeof v === 'string' && Number.isNaN(Date.parse(v)) ? 'not a valid date' : undefined);

export function registryResources(db: Kysely<RegistryDB>, regionCode: string): Resource[] {
  const dept = departments(regionCode);
  return [
    {
      def: {
        id: 'hukou.person',
        name: { zh: '户籍人口基本信息', en: 'Household registration: person' },
        department: dept.publicSecurity,
        sourceSystem: '人口信息管理系统',
        subjectType: 'citizen',
        sharing: 'conditional',
        fields: [
          f('name', '姓名', 'Name'),
          f('sex', '性别', 'Sex', 'code'),
          f('ethnicity', '民族', 'Ethnic group', 'code'),
          f('birthDate', '出生日期', 'Date of birth', 'date'),
          f('householdId', '户号', 'Household number'),
          f('relationToHead', '与户主关系', 'Relation to head of household'),
          f('registeredDivision', '户籍地行政区划', 'Registered division'),
          f('registeredAddress', '户籍地址', 'Registered address', 'string', 'sensitive'),
          f('status', '户口状态', 'Registration status', 'code'),
        ],
      },
      adapter: sqlTableAdapter({
        db,
        table: 'hukou_person',
        keys: ['id_number'],
        fields: {
          name: 'name',
          sex: (r) => GB2261_SEX[String(r.sex)] ?? String(r.sex),
          ethnicity: (r) => GB3304_ETHNIC_GROUPS[String(r.ethnicity)] ?? String(r.ethnicity),
          birthDate: 'birth_date',
          householdId: 'household_id',
          relationToHead: 'relation_to_head',
          registeredDivision: (r) => divisionName(r.registered_address_code),
          registeredAddress: 'registered_address',
          status: 'status',
        },
        dataTime: 'updated_at',
        checks: { birthDate: checkDate },
      }),
    },
    {
      def: {
        id: 'marriage.record',
        name: { zh: '婚姻登记信息', en: 'Marriage registration' },
        department: dept.civilAffairs,
        sourceSystem: '婚姻登记管理信息系统',
        subjectType: 'citizen',
        sharing: 'conditional',
        fields: [
          f('kind', '登记类型', 'Registration type', 'code'),
          f('registeredOn', '登记日期', 'Registration date', 'date'),
          f('registryOffice', '登记机关', 'Registry office'),
          f('certificateNo', '证件编号', 'Certificate number'),
          f('spouseName', '配偶姓名', "Spouse's name", 'string', 'sensitive'),
          f('spouseIdNumber', '配偶身份证号', "Spouse's ID number", 'string', 'sensitive'),
        ],
      },
      adapter: sqlTableAdapter({
        db,
        table: 'marriage_registration',
        keys: ['husband_id_number', 'wife_id_number'],
        latestBy: 'registered_on',
        fields: {
          kind: 'kind',
          registeredOn: 'registered_on',
          registryOffice: 'registry_office',
          certificateNo: 'cert_no',
          spouseName: (r, id) => String(r.husband_id_number === id ? r.wife_name : r.husband_name),
          spouseIdNumber: (r, id) => String(r.husband_id_number === id ? r.wife_id_number : r.husband_id_number),
        },
        dataTime: 'registered_on',
        checks: { spouseIdNumber: checkIdNumber },
      }),
    },
    {
      def: {
        id: 'social.pension',
        name: { zh: '基本养老保险参保信息', en: 'Basic pension insurance' },
        department: dept.humanResources,
        sourceSystem: '社会保险信息系统',
        subjectType: 'citizen',
        sharing: 'conditional',
        fields: [
          f('insuranceType', '险种', 'Insurance type', 'code'),
          f('status', '参保状态', 'Status', 'code'),
          f('employerName', '参保单位', 'Employer'),
          f('firstPaidMonth', '首次缴费年月', 'First contribution month'),
          f('paidMonths', '累计缴费月数', 'Months contributed', 'number'),
          f('insuredDivision', '参保地', 'Insured in'),
        ],
      },
      adapter: sqlTableAdapter({
        db,
        table: 'pension_insurance',
        keys: ['id_number'],
        fields: {
          insuranceType: 'insurance_type',
          status: 'status',
          employerName: 'employer_name',
          firstPaidMonth: 'first_paid_month',
          paidMonths: 'paid_months',
          insuredDivision: (r) => divisionName(r.insured_region_code),
        },
        dataTime: (r) => `${String(r.first_paid_month)}-01`,
      }),
    },
    {
      def: {
        id: 'medical.insurance',
        name: { zh: '基本医疗保险参保信息', en: 'Basic medical insurance' },
        department: dept.medicalSecurity,
        sourceSystem: '医疗保障信息平台',
        subjectType: 'citizen',
        sharing: 'conditional',
        fields: [
          f('scheme', '险种', 'Scheme', 'code'),
          f('status', '参保状态', 'Status', 'code'),
          f('insuredDivision', '参保地', 'Insured in'),
          f('sinceDate', '参保日期', 'Insured since', 'date'),
          f('remoteCareFiling', '异地就医备案', 'Registered for care elsewhere', 'code'),
          f('remoteCareDivision', '备案就医地', 'Care registered in'),
        ],
      },
      adapter: sqlTableAdapter({
        db,
        table: 'medical_insurance',
        keys: ['id_number'],
        fields: {
          scheme: 'scheme',
          status: 'status',
          insuredDivision: (r) => divisionName(r.insured_region_code),
          sinceDate: 'since_date',
          remoteCareFiling: 'filing_for_remote_care',
          remoteCareDivision: (r) => (r.remote_care_destination_code ? divisionName(r.remote_care_destination_code) : null),
        },
        dataTime: 'since_date',
      }),
    },
    {
      def: {
        id: 'market.entity',
        name: { zh: '市场主体登记信息', en: 'Market entity registration' },
        department: dept.marketRegulation,
        sourceSystem: '市场主体登记管理系统',
        subjectType: 'enterprise',
        sharing: 'unconditional',
        fields: [
          f('name', '名称', 'Name'),
          f('entityType', '主体类型', 'Entity type', 'code'),
          f('legalRepresentative', '法定代表人(经营者)', 'Legal representative'),
          f('registeredCapital', '注册资本', 'Registered capital'),
          f('establishedOn', '成立日期', 'Established on', 'date'),
          f('address', '住所', 'Address'),
          f('businessScope', '经营范围', 'Business scope'),
          f('status', '登记状态', 'Status', 'code'),
          f('registrationAuthority', '登记机关', 'Registration authority'),
        ],
      },
      adapter: sqlTableAdapter({
        db,
        table: 'market_entity',
        keys: ['uscc'],
        fields: {
          name: 'name',
          entityType: 'entity_type',
          legalRepresentative: 'legal_rep_name',
          registeredCapital: 'registered_capital',
          establishedOn: 'established_on',
          address: 'address',
          businessScope: 'business_scope',
          status: 'status',
          registrationAuthority: 'registration_authority',
        },
        dataTime: 'established_on',
      }),
    },
  ];
}
