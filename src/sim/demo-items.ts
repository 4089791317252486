// The demo federation's 实施清单 (implementation lists): for each demo region, its implementation of a
// few of the confirmed national cross-province items (src/catalog/national-items.ts) — departments,
// modes, time limits, 办事指南 and materials — in the JSON format `importItems` reads. The materials
// that can be 免提交 are read from a partner region's synthetic registries (`<region>:<resource>`, the
// five resources of src/adapters/registry-resources.ts), after the demo's story: people of 安徽 living in
// 上海, 江苏 ↔ 安徽, 浙江 ↔ 贵州, 安徽's returnees from 上海, 贵州's migrant workers in 浙江.
//
// Everything here is synthetic and says so: the import's source, and each guide. Departments are real
// kinds of offices; legal bases name only laws and regulations that truly govern the item. No official
// code is claimed: the items keep Tongban's own codes (TB-NAT-…), so the import sets this region's
// implementation of the national item, which keeps its national-confirmed origin.

import { TongbanError } from '../core/errors.js';
import { NATIONAL_ITEMS } from '../catalog/national-items.js';
import { nationalItemCode } from '../catalog/seed.js';
import { importItems, type ImportReport } from '../catalog/import.js';
import type { CatalogService, CatalogActor } from '../catalog/store.js';
import type { CrossMode, Material, ServiceItem } from '../catalog/model.js';
import type { ItemInput } from '../catalog/validate.js';

/** The import's source (recorded in each item's history and the audit log). */
export const DEMO_ITEMS_SOURCE = 'Tongban 演示实施清单(合成数据,非官方) synthetic demo list, not official';

/** Who imports it on demo start. */
export const DEMO_ITEMS_ACTOR: CatalogActor = { type: 'operator', id: 'demo' };

/** Said by every guide of the list. */
export const DEMO_GUIDE_NOTE = '(演示数据:通办演示用合成办事指南,非官方 synthetic demo guide, not official)';

const LAW = {
  hukou: '《中华人民共和国户口登记条例》',
  socialInsurance: '《中华人民共和国社会保险法》',
  employment: '《中华人民共和国就业促进法》',
  marketEntity: '《中华人民共和国市场主体登记管理条例》',
} as const;

const FIELDS = {
  hukouMove: ['name', 'birthDate', 'householdId', 'registeredDivision', 'status'],
  hukouProof: ['name', 'sex', 'birthDate', 'householdId', 'relationToHead', 'registeredDivision', 'status'],
  marriage: ['kind', 'registeredOn', 'registryOffice', 'certificateNo'],
  pension: ['insuranceType', 'status', 'employerName', 'firstPaidMonth', 'paidMonths', 'insuredDivision'],
  employment: ['employerName', 'status', 'paidMonths', 'insuredDivision'],
  entity: ['name', 'entityType', 'legalRepresentative', 'address', 'status', 'registrationAuthority'],
} as const;

interface Spec {
  /** the national item's exact name (national-items.ts) */
  item: string;
  department: string;
  modes: CrossMode[];
  timeLimitDays: number;
  guide: { legalBasis?: string; conditions: string; process: string; fee: string; contact: string; location: string };
  materials: Material[];
}

const upload = (name: string, note?: string, required = true): Material => ({ name, required, satisfiedBy: null, ...(note ? { note } : {}) });
const fromRegistry = (name: string, resource: string, fields: readonly string[], note: string): Material => ({
  name,
  required: true,
  satisfiedBy: { kind: 'resource', resource, fields: [...fields] },
  note: `${note}(演示数据)`,
});

const HOTLINE = '12345 政务服务便民热线';

const LISTS: Readonly<Record<string, readonly Spec[]>> = {
  // 上海: people of 安徽 who live and work in 上海
  '310000': [
    {
      item: '户口迁移(夫妻投靠)',
      department: '上海市公安局',
      modes: ['proxy', 'joint'],
      timeLimitDays: 20,
      guide: {
        legalBasis: LAW.hukou,
        conditions: `申请人与本市常住户口居民依法登记结婚,符合本市夫妻投靠落户条件;户籍在安徽的,迁出地户籍与婚姻登记信息由通办在线核验。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 申请人向迁入地公安派出所提出申请\n2. 迁入地在线调取安徽的户籍与婚姻登记信息核验\n3. 审核通过后,迁入地与迁出地在线办理迁移手续,申请人无需往返\n4. 办结',
        fee: '不收费',
        contact: '12345 市民服务热线',
        location: '迁入地公安派出所户籍窗口',
      },
      materials: [
        upload('申请人居民身份证', '窗口核验原件'),
        fromRegistry('迁出地户籍信息', '340000:hukou.person', FIELDS.hukouMove, '由安徽省公安厅户籍信息在线核验,无需提交户口簿'),
        fromRegistry('结婚证', '340000:marriage.record', FIELDS.marriage, '由安徽省民政厅婚姻登记信息在线核验'),
        upload('夫妻投靠落户申请表', '可在窗口现场填写'),
      ],
    },
    {
      item: '企业职工基本养老保险关系转移接续',
      department: '上海市社会保险事业管理中心',
      modes: ['online', 'proxy'],
      timeLimitDays: 15,
      guide: {
        legalBasis: LAW.socialInsurance,
        conditions: `曾在安徽参加企业职工基本养老保险、现在本市就业参保的人员,申请将养老保险关系转入本市。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 参保人员向转入地(本市)提出申请\n2. 转入地在线调取安徽的参保缴费信息\n3. 转出地办理转出手续并转移基金\n4. 转入地接续,缴费年限累计计算',
        fee: '不收费',
        contact: '12345 市民服务热线',
        location: '各区社会保险经办窗口,或网上办理',
      },
      materials: [
        fromRegistry('基本养老保险参保缴费凭证', '340000:social.pension', FIELDS.pension, '由安徽省人力资源和社会保障厅参保信息在线核验'),
        upload('基本养老保险关系转移接续申请表'),
      ],
    },
    {
      item: '开具户籍类证明',
      department: '上海市公安局',
      modes: ['proxy'],
      timeLimitDays: 5,
      guide: {
        conditions: `户籍在安徽、现居住在本市的人员,可在本市申请开具户籍类证明,由户籍地公安机关出具。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 居住地公安派出所受理\n2. 在线核验户籍地(安徽)的户籍信息\n3. 户籍地公安机关出具证明,寄递或在线送达',
        fee: '不收费',
        contact: '12345 市民服务热线',
        location: '居住地公安派出所户籍窗口',
      },
      materials: [
        upload('申请人居民身份证', '窗口核验原件'),
        fromRegistry('户籍信息', '340000:hukou.person', FIELDS.hukouProof, '由安徽省公安厅户籍信息在线核验'),
        upload('上海市居住证', '证明在本市居住'),
      ],
    },
  ],
  // 江苏 ↔ 安徽: families and firms on both sides of the border
  '320000': [
    {
      item: '户口迁移(父母投靠子女)',
      department: '江苏省公安厅',
      modes: ['proxy', 'joint'],
      timeLimitDays: 20,
      guide: {
        legalBasis: LAW.hukou,
        conditions: `子女为本省常住户口,父母户籍在安徽,符合本省父母投靠子女落户条件。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 向迁入地公安派出所提出申请\n2. 在线核验父母在安徽的户籍信息\n3. 迁入地与迁出地在线办理迁移手续\n4. 办结',
        fee: '不收费',
        contact: HOTLINE,
        location: '迁入地公安派出所户籍窗口',
      },
      materials: [
        fromRegistry('投靠人(父母)户籍信息', '340000:hukou.person', FIELDS.hukouProof, '由安徽省公安厅户籍信息在线核验'),
        upload('亲属关系证明', '出生医学证明等能证明父母子女关系的材料之一'),
        upload('子女居民身份证', '窗口核验原件'),
      ],
    },
    {
      item: '城乡居民基本养老保险关系转移接续',
      department: '江苏省人力资源和社会保障厅',
      modes: ['online', 'proxy'],
      timeLimitDays: 15,
      guide: {
        legalBasis: LAW.socialInsurance,
        conditions: `参加安徽城乡居民基本养老保险、户籍迁入本省的人员,申请将养老保险关系转入本省。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 向户籍地(本省)社会保险经办机构提出申请\n2. 在线调取安徽的参保缴费信息\n3. 转出地办理转出并转移个人账户\n4. 本省接续',
        fee: '不收费',
        contact: HOTLINE,
        location: '户籍所在地社会保险经办窗口,或网上办理',
      },
      materials: [
        fromRegistry('城乡居民养老保险参保缴费信息', '340000:social.pension', ['insuranceType', 'status', 'firstPaidMonth', 'paidMonths', 'insuredDivision'], '由安徽省人力资源和社会保障厅参保信息在线核验'),
        upload('城乡居民基本养老保险关系转入申请表'),
      ],
    },
    {
      item: '内资企业及分支机构设立登记',
      department: '江苏省市场监督管理局',
      modes: ['online', 'proxy'],
      timeLimitDays: 3,
      guide: {
        legalBasis: LAW.marketEntity,
        conditions: `在安徽登记的企业在本省设立分支机构。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 网上或窗口提交申请\n2. 在线核验隶属企业在安徽的登记信息\n3. 核准登记,发放营业执照',
        fee: '不收费',
        contact: HOTLINE,
        location: '分支机构所在地政务服务中心市场监管窗口,或网上办理',
      },
      materials: [
        upload('分支机构设立登记申请书'),
        fromRegistry('隶属企业登记信息', '340000:market.entity', FIELDS.entity, '由安徽省市场监督管理局登记信息在线核验,无需提交营业执照复印件'),
        upload('分支机构负责人任职文件及身份证明'),
        upload('经营场所使用证明'),
      ],
    },
  ],
  // 浙江 ↔ 贵州: work moves and retirees going home
  '330000': [
    {
      item: '户口迁移(工作调动)',
      department: '浙江省公安厅',
      modes: ['proxy', 'joint'],
      timeLimitDays: 20,
      guide: {
        legalBasis: LAW.hukou,
        conditions: `由贵州调入本省工作、符合本省落户条件的人员。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 向迁入地公安派出所提出申请\n2. 在线核验申请人在贵州的户籍信息\n3. 迁入地与迁出地在线办理迁移手续,申请人无需往返\n4. 办结',
        fee: '不收费',
        contact: HOTLINE,
        location: '迁入地公安派出所户籍窗口',
      },
      materials: [
        upload('申请人居民身份证', '窗口核验原件'),
        fromRegistry('迁出地户籍信息', '520000:hukou.person', FIELDS.hukouMove, '由贵州省公安厅户籍信息在线核验,无需提交户口簿'),
        upload('工作调动证明', '调入单位出具'),
      ],
    },
    {
      item: '企业职工基本养老保险关系转移接续',
      department: '浙江省人力资源和社会保障厅',
      modes: ['online', 'proxy'],
      timeLimitDays: 15,
      guide: {
        legalBasis: LAW.socialInsurance,
        conditions: `曾在贵州参加企业职工基本养老保险、现在本省就业参保的人员,申请将养老保险关系转入本省。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 参保人员向转入地(本省)提出申请\n2. 在线调取贵州的参保缴费信息\n3. 转出地办理转出手续并转移基金\n4. 本省接续,缴费年限累计计算',
        fee: '不收费',
        contact: HOTLINE,
        location: '社会保险经办窗口,或网上办理',
      },
      materials: [
        fromRegistry('基本养老保险参保缴费凭证', '520000:social.pension', FIELDS.pension, '由贵州省人力资源和社会保障厅参保信息在线核验'),
        upload('基本养老保险关系转移接续申请表'),
      ],
    },
    {
      item: '异地就医登记备案和结算',
      department: '浙江省医疗保障局',
      modes: ['online'],
      timeLimitDays: 1,
      guide: {
        legalBasis: LAW.socialInsurance,
        conditions: `在本省参保、退休后回贵州户籍地长期居住的人员(异地安置退休人员),备案后在就医地直接结算。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 网上或窗口提交备案申请\n2. 在线核验申请人在贵州的户籍信息,作为异地安置证明\n3. 备案生效,在备案就医地定点医疗机构直接结算',
        fee: '不收费',
        contact: HOTLINE,
        location: '医疗保障经办窗口,或网上办理',
      },
      materials: [
        fromRegistry('异地安置(户籍)证明', '520000:hukou.person', ['name', 'registeredDivision', 'status'], '由贵州省公安厅户籍信息在线核验'),
        upload('异地就医备案申请表', '可网上填写'),
      ],
    },
  ],
  // 安徽: returnees from 上海, and firms from 江苏
  '340000': [
    {
      item: '企业职工基本养老保险关系转移接续',
      department: '安徽省人力资源和社会保障厅',
      modes: ['online', 'proxy'],
      timeLimitDays: 15,
      guide: {
        legalBasis: LAW.socialInsurance,
        conditions: `在上海参加企业职工基本养老保险后返回本省就业参保的人员,申请将养老保险关系转回本省。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 参保人员向转入地(本省)提出申请\n2. 在线调取上海的参保缴费信息\n3. 转出地办理转出手续并转移基金\n4. 本省接续,缴费年限累计计算',
        fee: '不收费',
        contact: HOTLINE,
        location: '社会保险经办窗口,或网上办理',
      },
      materials: [
        fromRegistry('基本养老保险参保缴费凭证', '310000:social.pension', FIELDS.pension, '由上海市人力资源和社会保障局参保信息在线核验'),
        upload('基本养老保险关系转移接续申请表'),
      ],
    },
    {
      item: '户口迁移(大中专学生毕业)',
      department: '安徽省公安厅',
      modes: ['proxy', 'joint'],
      timeLimitDays: 20,
      guide: {
        legalBasis: LAW.hukou,
        conditions: `在上海就读期间户口迁入学校、毕业后回本省落户的大中专毕业生。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 向迁入地公安派出所提出申请\n2. 在线核验申请人在上海的户籍信息\n3. 迁入地与迁出地在线办理迁移手续\n4. 办结',
        fee: '不收费',
        contact: HOTLINE,
        location: '迁入地公安派出所户籍窗口',
      },
      materials: [
        fromRegistry('迁出地户籍信息', '310000:hukou.person', FIELDS.hukouMove, '由上海市公安局户籍信息在线核验'),
        upload('毕业证书'),
        upload('申请人居民身份证', '窗口核验原件'),
      ],
    },
    {
      item: '内资企业及分支机构设立登记',
      department: '安徽省市场监督管理局',
      modes: ['online', 'proxy'],
      timeLimitDays: 3,
      guide: {
        legalBasis: LAW.marketEntity,
        conditions: `在江苏登记的企业在本省设立分支机构。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 网上或窗口提交申请\n2. 在线核验隶属企业在江苏的登记信息\n3. 核准登记,发放营业执照',
        fee: '不收费',
        contact: HOTLINE,
        location: '分支机构所在地政务服务中心市场监管窗口,或网上办理',
      },
      materials: [
        upload('分支机构设立登记申请书'),
        fromRegistry('隶属企业登记信息', '320000:market.entity', FIELDS.entity, '由江苏省市场监督管理局登记信息在线核验,无需提交营业执照复印件'),
        upload('经营场所使用证明'),
      ],
    },
  ],
  // 贵州: migrant workers coming home from 浙江
  '520000': [
    {
      item: '企业职工基本养老保险关系转移接续',
      department: '贵州省人力资源和社会保障厅',
      modes: ['online', 'proxy'],
      timeLimitDays: 15,
      guide: {
        legalBasis: LAW.socialInsurance,
        conditions: `在浙江务工期间参加企业职工基本养老保险、返乡后在本省参保的人员,申请将养老保险关系转回本省。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 参保人员向转入地(本省)提出申请\n2. 在线调取浙江的参保缴费信息\n3. 转出地办理转出手续并转移基金\n4. 本省接续,缴费年限累计计算',
        fee: '不收费',
        contact: HOTLINE,
        location: '社会保险经办窗口,或网上办理',
      },
      materials: [
        fromRegistry('基本养老保险参保缴费凭证', '330000:social.pension', FIELDS.pension, '由浙江省人力资源和社会保障厅参保信息在线核验'),
        upload('基本养老保险关系转移接续申请表'),
      ],
    },
    {
      item: '失业登记',
      department: '贵州省人力资源和社会保障厅',
      modes: ['online', 'proxy'],
      timeLimitDays: 5,
      guide: {
        legalBasis: LAW.employment,
        conditions: `在浙江务工后返乡、处于失业状态并有就业要求的人员,可在常住地(本省)办理失业登记。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 网上或向常住地公共就业服务机构提出申请\n2. 在线核验申请人在浙江的参保就业记录\n3. 登记,提供就业服务',
        fee: '不收费',
        contact: HOTLINE,
        location: '常住地公共就业服务机构,或网上办理',
      },
      materials: [
        upload('申请人居民身份证', '窗口核验原件'),
        fromRegistry('原就业参保记录', '330000:social.pension', FIELDS.employment, '由浙江省人力资源和社会保障厅参保信息在线核验,确认在浙就业经历'),
      ],
    },
    {
      item: '户口迁移(夫妻投靠)',
      department: '贵州省公安厅',
      modes: ['proxy', 'joint'],
      timeLimitDays: 20,
      guide: {
        legalBasis: LAW.hukou,
        conditions: `申请人与本省常住户口居民依法登记结婚,户籍在浙江、符合本省夫妻投靠落户条件。\n${DEMO_GUIDE_NOTE}`,
        process: '1. 向迁入地公安派出所提出申请\n2. 在线核验申请人在浙江的户籍与婚姻登记信息\n3. 迁入地与迁出地在线办理迁移手续\n4. 办结',
        fee: '不收费',
        contact: HOTLINE,
        location: '迁入地公安派出所户籍窗口',
      },
      materials: [
        upload('申请人居民身份证', '窗口核验原件'),
        fromRegistry('迁出地户籍信息', '330000:hukou.person', FIELDS.hukouMove, '由浙江省公安厅户籍信息在线核验,无需提交户口簿'),
        fromRegistry('结婚证', '330000:marriage.record', FIELDS.marriage, '由浙江省民政厅婚姻登记信息在线核验'),
      ],
    },
  ],
};

/** The regions with a demo list. */
export const DEMO_ITEM_REGIONS: readonly string[] = Object.keys(LISTS);

/** The code a national item has on every node: its own code when set, else Tongban's TB-NAT-… */
export function nationalCodeOf(name: string): string {
  const item = NATIONAL_ITEMS.find((i) => i.name === name);
  if (!item) throw new TongbanError('E_INTERNAL', `demo items: ${name} is not a confirmed national item (national-items.ts)`);
  return item.code ?? nationalItemCode(item);
}

/** A region's demo 实施清单 as catalogue item inputs (empty for a region without one). */
export function demoItems(regionCode: string): ItemInput[] {
  return (LISTS[regionCode] ?? []).map((s) => ({
    code: nationalCodeOf(s.item),
    name: s.item,
    department: s.department,
    modes: [...s.modes],
    timeLimitDays: s.timeLimitDays,
    guide: { ...s.guide },
    materials: s.materials.map((m) => ({ ...m })),
  }));
}

/** The list as the JSON file importItems reads (`{"items": [...]}`), optionally only some codes. */
export function demoItemsJson(regionCode: string, codes?: ReadonlySet<string>): string {
  const items = demoItems(regionCode).filter((i) => !codes || codes.has(i.code));
  return `${JSON.stringify({ source: DEMO_ITEMS_SOURCE, items }, null, 2)}\n`;
}

/**
 * Imports the region's demo list, published at once, for the items that still wait for it: those whose
 * published version has `pending` fields (modes or time limit not set yet) and nobody is working on
 * (no draft, nothing in review, not retired). Returns undefined when there is nothing to import, so
 * later starts add no versions.
 */
export async function importDemoItems(catalog: CatalogService, regionCode: string = catalog.regionCode): Promise<ImportReport | undefined> {
  const due = new Set<string>();
  for (const item of demoItems(regionCode)) {
    const view = await catalog.get('item', item.code, { includeWorking: true });
    if (view?.status === 'published' && ((view.published as ServiceItem | null)?.pending?.length ?? 0) > 0) due.add(item.code);
  }
  if (due.size === 0) return undefined;
  const report = await importItems(catalog, { format: 'json', content: demoItemsJson(regionCode, due), source: DEMO_ITEMS_SOURCE, publish: true, actor: DEMO_ITEMS_ACTOR });
  if (!report.ok) throw new TongbanError('E_INTERNAL', `demo items of ${regionCode} do not import: ${JSON.stringify(report.problems)}`);
  return report;
}
