// catalog: what a region shares, described to national practice — data resources (信息资源目录,
// after 《政务信息资源目录编制指南》 and GB/T 21063), standard data elements, certificate types
// (证照类型, GB/T 36902/36904), and service items (事项, GB/T 39554.1) with their materials. Pure
// types and rules here; storage in ./store.ts, routes in ./routes.ts.

/** 共享类型 */
export const SHARING_TYPES = ['unconditional', 'conditional', 'none'] as const;
export type SharingType = (typeof SHARING_TYPES)[number];
export const SHARING_TYPE_ZH: Record<SharingType, string> = { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' };

/** 共享方式 */
export const SHARING_METHODS = ['system-interface', 'online-query', 'online-browse', 'online-service', 'download', 'copy'] as const;
export type SharingMethod = (typeof SHARING_METHODS)[number];
export const SHARING_METHOD_ZH: Record<SharingMethod, string> = {
  'system-interface': '系统对接',
  'online-query': '联机查询',
  'online-browse': '在线浏览',
  'online-service': '调用在线服务',
  download: '下载',
  copy: '拷贝',
};

/** 更新周期 */
export const UPDATE_CYCLES = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'] as const;
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];
export const UPDATE_CYCLE_ZH: Record<UpdateCycle, string> = {
  realtime: '实时', daily: '每日', weekly: '每周', monthly: '每月', quarterly: '每季度', yearly: '每年', irregular: '不定期',
};

/** 数据分级 (GB/T 43697-2024) */
export const DATA_GRADES = ['general', 'important', 'core'] as const;
export type DataGrade = (typeof DATA_GRADES)[number];
export const DATA_GRADE_ZH: Record<DataGrade, string> = { general: '一般数据', important: '重要数据', core: '核心数据' };

/** 目录层级: 基础 / 主题 / 部门 */
export const CATALOG_TIERS = ['basic', 'thematic', 'departmental'] as const;
export type CatalogTier = (typeof CATALOG_TIERS)[number];

/** Lifecycle of a catalogue entry: a data administrator drafts, a reviewer approves, then it is published. */
export const ENTRY_STATUSES = ['draft', 'in-review', 'published', 'retired'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export type ElementType = 'string' | 'date' | 'code' | 'number' | 'identifier';
export type Sensitivity = 'general' | 'sensitive';

/** A standard data element (数据元) a resource field is mapped onto. */
export interface DataElement {
  /** stable code, e.g. TB.PERSON.ID_NUMBER */
  code: string;
  name: { zh: string; en: string };
  type: ElementType;
  /** the national standard that defines the values, e.g. "GB 11643-1999" */
  standard?: string;
  /** a validator in src/core/ids or a code table in src/core/codes that checks values */
  check?: 'id-number' | 'uscc' | 'org-code' | 'division' | 'date' | 'sex-code' | 'ethnic-code' | 'certificate-id';
  sensitivity: Sensitivity;
}

/** A field of a resource: its name in the exchange, the element it carries, and its sensitivity here. */
export interface ResourceField {
  name: string;
  element: string;
  label: { zh: string; en: string };
  sensitivity: Sensitivity;
}

/** 信息资源 (data resource): one thing the federation can ask a region for. */
export interface DataResource {
  /** resource id used on the wire, e.g. hukou.person */
  id: string;
  version: number;
  status: EntryStatus;
  name: { zh: string; en: string };
  summary: string;
  /** 提供方 */
  department: { name: string; code?: string };
  subjectType: 'citizen' | 'enterprise';
  fields: ResourceField[];
  sharing: {
    type: SharingType;
    /** 共享条件 (conditional) or 不予共享依据 (none: a law, regulation or policy) */
    condition?: string;
    methods: SharingMethod[];
  };
  classification: { tier: CatalogTier; category: string; grade: DataGrade };
  updateCycle: UpdateCycle;
  /** the adapter that reads it (see src/adapters) */
  source: { adapter: string; system: string };
  updatedAt: string;
  updatedBy: string;
  publishedAt?: string;
}

/** 证照类型 */
export interface CertificateType {
  /** 证照类型代码: the defining authority's USCC + 3 digits (GB/T 36904) */
  code: string;
  version: number;
  status: EntryStatus;
  name: { zh: string; en: string };
  /** 证照定义机构 */
  definingAuthority: { name: string; uscc: string };
  /** metadata elements carried by every certificate of this type */
  elements: Array<{ element: string; required: boolean }>;
  validity: { kind: 'permanent' | 'fixed-term' | 'until-revoked'; years?: number };
  updatedAt: string;
  updatedBy: string;
  publishedAt?: string;
}

/** 跨省通办 handling modes */
export const CROSS_MODES = ['online', 'proxy', 'joint'] as const;
export type CrossMode = (typeof CROSS_MODES)[number];
export const CROSS_MODE_ZH: Record<CrossMode, string> = { online: '全程网办', proxy: '异地代收代办', joint: '多地联办' };

/** 申请材料 and how it can be satisfied without the applicant bringing it (免提交). */
export interface Material {
  name: string;
  required: boolean;
  /** null: the applicant uploads it */
  satisfiedBy: null | { kind: 'resource'; resource: string; fields?: string[] } | { kind: 'certificate'; certificateType: string };
  note?: string;
}

/** 政务服务事项 (service item) as a region implements it (实施清单). */
export interface ServiceItem {
  /** 实施编码 (GB/T 39554.1), or a local code where none is published */
  code: string;
  /** 基本编码 of the national item, when known */
  basicCode?: string;
  version: number;
  status: EntryStatus;
  name: string;
  department: string;
  modes: CrossMode[];
  /** 承诺办结时限, working days */
  timeLimitDays: number;
  /** 办事指南 */
  guide: {
    legalBasis?: string;
    conditions?: string;
    process?: string;
    fee?: string;
    contact?: string;
    location?: string;
  };
  materials: Material[];
  /** where the entry comes from: a confirmed national item (with its source) or this region's list */
  origin: { kind: 'national-confirmed'; source: string } | { kind: 'regional'; source: string };
  /**
   * Set by the catalog, never by the input: 'implementation' when `code` has the shape of a GB/T 39554.1
   * 实施编码 (31 characters beginning with the implementing organ's valid USCC), otherwise 'local' — a code
   * this region (or Tongban, `TB-…`) gave the item, not an official one.
   */
  codeKind?: 'implementation' | 'local';
  /**
   * Set by the catalog: fields no public source gives and this region has not set yet (national items
   * seeded before the region's 实施清单 is loaded). While pending, `modes` is [] and `timeLimitDays` is 0.
   */
  pending?: Array<'modes' | 'timeLimitDays'>;
  updatedAt: string;
  updatedBy: string;
  publishedAt?: string;
}

export type CatalogKind = 'resource' | 'certificate-type' | 'item';

/** A data element a region defines for itself (beside the standard TB.* ones), versioned like the other entries. */
export interface CustomDataElement extends DataElement {
  version: number;
  status: EntryStatus;
  updatedAt: string;
  updatedBy: string;
  publishedAt?: string;
}
