// Cross-province service items (跨省通办事项) that public sources confirm, with the source of each.
// A partial list (research: shared/research/standards-and-data.md §1.2); the full national list of
// 国办发〔2020〕35号 could not be retrieved. Codes are null: the national basic codes were not in
// the sources. The catalog capability will load provinces' 实施清单 beside these.

export interface NationalItem {
  code: string | null;
  name: string;
  /** ministry in charge, where a source names it ('*' = inferred, not sourced) */
  ministry: string;
  batch: '2020' | '2021';
  source: string;
}

export const NATIONAL_ITEMS: readonly NationalItem[] = [
  { code: null, name: '内资企业及分支机构设立登记', ministry: '市场监管总局*', batch: '2020', source: '新华社 2020-12-17(内蒙古清单)' },
  { code: null, name: '市场主体登记注册', ministry: '市场监管总局*', batch: '2020', source: '新华社 2020-09-29' },
  { code: null, name: '失业登记', ministry: '人力资源社会保障部*', batch: '2020', source: '新华社 2020-12-17' },
  { code: null, name: '企业职工基本养老保险关系转移接续', ministry: '人力资源社会保障部*', batch: '2020', source: '新华社 2020-12-17' },
  { code: null, name: '城乡居民基本养老保险关系转移接续', ministry: '人力资源社会保障部*', batch: '2020', source: '新华社 2020-12-17' },
  { code: null, name: '职业资格证书核验', ministry: '人力资源社会保障部*', batch: '2020', source: '新华社 2020-09-29' },
  { code: null, name: '正常退休提取住房公积金', ministry: '住房城乡建设部*', batch: '2020', source: '新华社 2020-12-17' },
  { code: null, name: '学历公证', ministry: '司法部*', batch: '2020', source: '新华社 2020-09-29' },
  { code: null, name: '机动车驾驶证公证', ministry: '司法部*', batch: '2020', source: '新华社 2020-09-29' },
  { code: null, name: '社会保障卡申领', ministry: '人力资源社会保障部*', batch: '2021', source: 'english.www.gov.cn 2020-09-29' },
  { code: null, name: '异地就医登记备案和结算', ministry: '国家医保局*', batch: '2021', source: 'english.www.gov.cn 2020-09-29' },
  { code: null, name: '户口迁移(工作调动)', ministry: '公安部', batch: '2021', source: '公安部 2021-05-10' },
  { code: null, name: '户口迁移(大中专院校录取学生)', ministry: '公安部', batch: '2021', source: '公安部 2021-05-10' },
  { code: null, name: '户口迁移(大中专学生毕业)', ministry: '公安部', batch: '2021', source: '公安部 2021-05-10' },
  { code: null, name: '户口迁移(夫妻投靠)', ministry: '公安部', batch: '2021', source: '公安部 2021-05-10' },
  { code: null, name: '户口迁移(父母投靠子女)', ministry: '公安部', batch: '2021', source: '公安部 2021-05-10' },
  { code: null, name: '开具户籍类证明', ministry: '公安部', batch: '2021', source: '公安部 2021-05-10' },
  { code: null, name: '不动产抵押登记', ministry: '自然资源部*', batch: '2021', source: '新华社 2020-12-17' },
  { code: null, name: '购房提取住房公积金', ministry: '住房城乡建设部*', batch: '2021', source: '新华社 2020-12-17' },
];
