// The resources a node serves from its region's (synthetic) departmental registries: household
// registration, marriage, pension and medical insurance, market entities. Each is a resource
// definition (fields bound to standard data elements) and an sql adapter *configuration* — plain data,
// as a data administrator would enter it for a real department — so the demo and the catalog's seeding
// go through the same createAdapter as any configured source.

import { lookupDivision } from '../core/ids/index.js';
import type { AdapterConfig } from './config.js';
import type { FieldDef, ResourceDef } from './index.js';

const f = (name: string, zh: string, en: string, element: string, type: FieldDef['type'] = 'string', sensitivity: FieldDef['sensitivity'] = 'general'): FieldDef => ({
  name,
  element,
  label: { zh, en },
  type,
  sensitivity,
});

/** A resource and the configuration of the adapter that reads it. */
export interface ConfiguredResource {
  def: ResourceDef;
  /** the adapter's id (what the catalog puts in DataResource.source.adapter) */
  adapterId: string;
  adapter: AdapterConfig;
}

/** The named connection the registry adapters use (the node config's `registries:` URL). */
export const REGISTRIES_CONNECTION = 'registries';

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

const divisionName = { fn: 'division-name' } as const;

/** The five registry resources of a region, with their adapter configurations over `connection`. */
export function registryResourceConfigs(regionCode: string, connection: string = REGISTRIES_CONNECTION): ConfiguredResource[] {
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
          f('name', '姓名', 'Name', 'TB.PERSON.NAME'),
          f('sex', '性别', 'Sex', 'TB.PERSON.SEX', 'code'),
          f('ethnicity', '民族', 'Ethnic group', 'TB.PERSON.ETHNICITY', 'code'),
          f('birthDate', '出生日期', 'Date of birth', 'TB.PERSON.BIRTH_DATE', 'date'),
          f('householdId', '户号', 'Household number', 'TB.HUKOU.HOUSEHOLD_NO'),
          f('relationToHead', '与户主关系', 'Relation to head of household', 'TB.HUKOU.RELATION'),
          f('registeredDivision', '户籍地行政区划', 'Registered division', 'TB.PERSON.DIVISION'),
          f('registeredAddress', '户籍地址', 'Registered address', 'TB.PERSON.ADDRESS', 'string', 'sensitive'),
          f('status', '户口状态', 'Registration status', 'TB.HUKOU.STATUS', 'code'),
        ],
      },
      adapterId: 'registries.hukou_person',
      adapter: {
        kind: 'sql',
        connection,
        table: 'hukou_person',
        keys: ['id_number'],
        fields: {
          name: 'name',
          sex: { from: 'sex', transforms: [{ fn: 'code-table', table: 'gb2261-sex' }] },
          ethnicity: { from: 'ethnicity', transforms: [{ fn: 'code-table', table: 'gb3304-ethnicity' }] },
          birthDate: 'birth_date',
          householdId: 'household_id',
          relationToHead: 'relation_to_head',
          registeredDivision: { from: 'registered_address_code', transforms: [divisionName] },
          registeredAddress: 'registered_address',
          status: 'status',
        },
        dataTime: 'updated_at',
      },
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
          f('kind', '登记类型', 'Registration type', 'TB.MARRIAGE.KIND', 'code'),
          f('registeredOn', '登记日期', 'Registration date', 'TB.MARRIAGE.DATE', 'date'),
          f('registryOffice', '登记机关', 'Registry office', 'TB.MARRIAGE.OFFICE'),
          f('certificateNo', '证件编号', 'Certificate number', 'TB.MARRIAGE.CERT_NO'),
          f('spouseName', '配偶姓名', "Spouse's name", 'TB.MARRIAGE.SPOUSE_NAME', 'string', 'sensitive'),
          f('spouseIdNumber', '配偶身份证号', "Spouse's ID number", 'TB.MARRIAGE.SPOUSE_ID', 'string', 'sensitive'),
        ],
      },
      adapterId: 'registries.marriage_registration',
      adapter: {
        kind: 'sql',
        connection,
        table: 'marriage_registration',
        keys: ['husband_id_number', 'wife_id_number'],
        latestBy: 'registered_on',
        fields: {
          kind: 'kind',
          registeredOn: 'registered_on',
          registryOffice: 'registry_office',
          certificateNo: 'cert_no',
          // the other party: the subject is found as husband or as wife
          spouseName: { transforms: [{ fn: 'pick-by-key', columns: { husband_id_number: 'wife_name', wife_id_number: 'husband_name' } }] },
          spouseIdNumber: { transforms: [{ fn: 'pick-by-key', columns: { husband_id_number: 'wife_id_number', wife_id_number: 'husband_id_number' } }] },
        },
        dataTime: 'registered_on',
      },
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
          f('insuranceType', '险种', 'Insurance type', 'TB.PENSION.TYPE', 'code'),
          f('status', '参保状态', 'Status', 'TB.PENSION.STATUS', 'code'),
          f('employerName', '参保单位', 'Employer', 'TB.PENSION.EMPLOYER'),
          f('firstPaidMonth', '首次缴费年月', 'First contribution month', 'TB.PENSION.FIRST_MONTH'),
          f('paidMonths', '累计缴费月数', 'Months contributed', 'TB.PENSION.MONTHS', 'number'),
          f('insuredDivision', '参保地', 'Insured in', 'TB.INSURED.DIVISION'),
        ],
      },
      adapterId: 'registries.pension_insurance',
      adapter: {
        kind: 'sql',
        connection,
        table: 'pension_insurance',
        keys: ['id_number'],
        fields: {
          insuranceType: 'insurance_type',
          status: 'status',
          employerName: 'employer_name',
          firstPaidMonth: 'first_paid_month',
          paidMonths: 'paid_months',
          insuredDivision: { from: 'insured_region_code', transforms: [divisionName] },
        },
        // the table keeps no change time; the first contribution month (YYYY-MM) is the best it has
        dataTime: 'first_paid_month',
      },
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
          f('scheme', '险种', 'Scheme', 'TB.MEDICAL.SCHEME', 'code'),
          f('status', '参保状态', 'Status', 'TB.MEDICAL.STATUS', 'code'),
          f('insuredDivision', '参保地', 'Insured in', 'TB.INSURED.DIVISION'),
          f('sinceDate', '参保日期', 'Insured since', 'TB.MEDICAL.SINCE', 'date'),
          f('remoteCareFiling', '异地就医备案', 'Registered for care elsewhere', 'TB.MEDICAL.REMOTE_FILING', 'code'),
          f('remoteCareDivision', '备案就医地', 'Care registered in', 'TB.MEDICAL.REMOTE_DIVISION'),
        ],
      },
      adapterId: 'registries.medical_insurance',
      adapter: {
        kind: 'sql',
        connection,
        table: 'medical_insurance',
        keys: ['id_number'],
        fields: {
          scheme: 'scheme',
          status: 'status',
          insuredDivision: { from: 'insured_region_code', transforms: [divisionName] },
          sinceDate: 'since_date',
          remoteCareFiling: 'filing_for_remote_care',
          remoteCareDivision: { from: 'remote_care_destination_code', transforms: [divisionName] },
        },
        dataTime: 'since_date',
      },
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
          f('name', '名称', 'Name', 'TB.ENTITY.NAME'),
          f('entityType', '主体类型', 'Entity type', 'TB.ENTITY.TYPE', 'code'),
          f('legalRepresentative', '法定代表人(经营者)', 'Legal representative', 'TB.ENTITY.LEGAL_REP'),
          f('registeredCapital', '注册资本', 'Registered capital', 'TB.ENTITY.CAPITAL'),
          f('establishedOn', '成立日期', 'Established on', 'TB.ENTITY.ESTABLISHED', 'date'),
          f('address', '住所', 'Address', 'TB.ENTITY.ADDRESS'),
          f('businessScope', '经营范围', 'Business scope', 'TB.ENTITY.SCOPE'),
          f('status', '登记状态', 'Status', 'TB.ENTITY.STATUS', 'code'),
          f('registrationAuthority', '登记机关', 'Registration authority', 'TB.ENTITY.AUTHORITY'),
        ],
      },
      adapterId: 'registries.market_entity',
      adapter: {
        kind: 'sql',
        connection,
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
      },
    },
  ];
}
