// Catalog entries for directory and search tests, constructed here (the shape of src/catalog/model.ts),
// and a catalog source whose published set a test changes and announces, as the catalog's onPublished does.
import type { CertificateType, DataResource, ServiceItem } from '../../src/catalog/model.js';
import type { CatalogSource } from '../../src/directory/index.js';
import type { PublishedSet } from '../../src/directory/entry.js';

const AT = '2026-11-20T08:00:00.000Z';

export function resource(id: string, zh: string, department: string, o: Partial<DataResource> = {}): DataResource {
  return {
    id,
    version: 1,
    status: 'published',
    name: { zh, en: o.name?.en ?? id },
    summary: o.summary ?? `${department}提供的${zh},用于跨省通办事项办理时的信息核验。`,
    department: { name: department },
    subjectType: 'citizen',
    fields: o.fields ?? [
      { name: 'name', element: 'TB.PERSON.NAME', label: { zh: '姓名', en: 'Name' }, sensitivity: 'general' },
      { name: 'birthDate', element: 'TB.PERSON.BIRTH_DATE', label: { zh: '出生日期', en: 'Date of birth' }, sensitivity: 'general' },
    ],
    sharing: o.sharing ?? { type: 'conditional', condition: '依申请共享', methods: ['system-interface'] },
    classification: { tier: 'basic', category: '人口', grade: 'important' },
    updateCycle: 'realtime',
    source: { adapter: 'sql', system: '人口信息管理系统' },
    updatedAt: AT,
    updatedBy: 'admin-1',
    publishedAt: AT,
    ...o,
  } as DataResource;
}

export function certificateType(code: string, zh: string, authority: string): CertificateType {
  return {
    code,
    version: 1,
    status: 'published',
    name: { zh, en: code },
    definingAuthority: { name: authority, uscc: '11100000000013127D' },
    elements: [{ element: 'TB.PERSON.NAME', required: true }],
    validity: { kind: 'permanent' },
    updatedAt: AT,
    updatedBy: 'admin-1',
    publishedAt: AT,
  };
}

export function item(code: string, name: string, department: string, modes: ServiceItem['modes'], materials: string[], o: Partial<ServiceItem> = {}): ServiceItem {
  return {
    code,
    version: 1,
    status: 'published',
    name,
    department,
    modes,
    timeLimitDays: 10,
    guide: { conditions: o.guide?.conditions ?? `符合${name}条件的申请人` },
    materials: materials.map((m) => ({ name: m, required: true, satisfiedBy: null })),
    origin: { kind: 'regional', source: 'test' },
    updatedAt: AT,
    updatedBy: 'admin-1',
    publishedAt: AT,
    ...o,
  } as ServiceItem;
}

/** A small province catalog: resources with each sharing type, certificate types, items with each mode. */
export function provinceCatalog(code: string, province: string, dept: (d: string) => string = (d) => `${province}${d}`): PublishedSet {
  return {
    resources: [
      resource('hukou.person', '户籍人口基本信息', dept('公安厅'), { sharing: { type: 'conditional', condition: '依申请', methods: ['system-interface'] } }),
      resource('marriage.record', '婚姻登记信息', dept('民政厅'), { sharing: { type: 'unconditional', methods: ['online-query'] } }),
      resource('medical.insured', '基本医疗保险参保信息', dept('医疗保障局'), { sharing: { type: 'conditional', condition: '依申请', methods: ['online-query'] } }),
      resource('tax.secret', '涉密税务稽查信息', dept('税务局'), { sharing: { type: 'none', condition: '《中华人民共和国保守国家秘密法》', methods: ['copy'] } }),
    ],
    certificateTypes: [
      certificateType(`${code}CT001`, '居民户口簿', dept('公安厅')),
      certificateType(`${code}CT002`, '结婚证', dept('民政厅')),
    ],
    items: [
      item(`${code}-HK-001`, '户口迁移(夫妻投靠)', dept('公安厅'), ['proxy', 'joint'], ['居民户口簿', '结婚证', '迁入地住房证明']),
      item(`${code}-HY-001`, '婚姻登记', dept('民政厅'), ['proxy'], ['居民身份证', '居民户口簿']),
      item(`${code}-YB-001`, '异地就医登记备案和结算', dept('医疗保障局'), ['online'], ['医保电子凭证']),
      item(`${code}-SB-001`, '社会保障卡申领', dept('人力资源和社会保障厅'), ['online', 'proxy'], ['居民身份证', '近期免冠照片']),
    ],
  };
}

/** A catalog a test edits; `announce()` plays the catalog's onPublished. */
export class TestCatalog implements CatalogSource {
  private listeners = new Set<() => void>();
  constructor(public set: PublishedSet) {}
  async listPublished(): Promise<PublishedSet> {
    return structuredClone(this.set);
  }
  onPublished(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  announce(): void {
    for (const l of this.listeners) l();
  }
}

/** Polls a condition every 50 ms. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
