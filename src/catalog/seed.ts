// What a node's catalogue starts with, published by the node itself (actor `system`, step 'seeded'):
//  (a) the confirmed national cross-province items (national-items.ts), each with its public source.
//      Their codes are Tongban's own (`TB-NAT-…`, codeKind 'local'): the sources give no official codes.
//      What no source gives — the modes this region offers and its time limit — is left pending for the
//      region to set; materials are listed only where the item's name itself names the document.
//  (b) with synthetic registries configured (`registries:`), the five demo resources the exchange serves
//      (src/adapters/registry-resources.ts), their fields mapped onto the standard TB.* elements.
// Idempotent: an entry that exists (in any state, even retired) is never touched again, so seeding on
// every start adds only what is new — e.g. items added to national-items.ts in a later version.

import { createHash } from 'node:crypto';
import { TongbanError } from '../core/errors.js';
import { nowIso } from '../core/time.js';
import { NATIONAL_ITEMS, type NationalItem } from './national-items.js';
import type { ItemInput, ResourceInput } from './validate.js';
import { formatProblems } from './validate.js';
import { SYSTEM_ACTOR, type CatalogService, type EntryKind, type PublishedChange } from './store.js';

/** A resource as the exchange serves it (structurally src/adapters ResourceDef, plus its adapter id when known). */
export interface ServedResourceDef {
  id: string;
  /** the adapter that reads it; default: DEMO_RESOURCE_ELEMENTS */
  adapterId?: string;
  name: { zh: string; en: string };
  department: string;
  sourceSystem: string;
  subjectType: 'citizen' | 'enterprise';
  sharing: 'unconditional' | 'conditional' | 'none';
  /** `element`: the standard element the field carries, when the definition names it (else DEMO_RESOURCE_ELEMENTS) */
  fields: Array<{ name: string; element?: string; label: { zh: string; en: string }; sensitivity: 'general' | 'sensitive' }>;
}

/** The demo resources: the registry table each reads (its adapter id) and the element of each field. */
export const DEMO_RESOURCE_ELEMENTS: Readonly<Record<string, { adapter: string; category: '人口' | '法人'; elements: Readonly<Record<string, string>> }>> = {
  'hukou.person': {
    adapter: 'registries.hukou_person',
    category: '人口',
    elements: {
      name: 'TB.PERSON.NAME',
      sex: 'TB.PERSON.SEX',
      ethnicity: 'TB.PERSON.ETHNICITY',
      birthDate: 'TB.PERSON.BIRTH_DATE',
      householdId: 'TB.HUKOU.HOUSEHOLD_NO',
      relationToHead: 'TB.HUKOU.RELATION',
      registeredDivision: 'TB.PERSON.DIVISION',
      registeredAddress: 'TB.PERSON.ADDRESS',
      status: 'TB.HUKOU.STATUS',
    },
  },
  'marriage.record': {
    adapter: 'registries.marriage_registration',
    category: '人口',
    elements: {
      kind: 'TB.MARRIAGE.KIND',
      registeredOn: 'TB.MARRIAGE.DATE',
      registryOffice: 'TB.MARRIAGE.OFFICE',
      certificateNo: 'TB.MARRIAGE.CERT_NO',
      spouseName: 'TB.MARRIAGE.SPOUSE_NAME',
      spouseIdNumber: 'TB.MARRIAGE.SPOUSE_ID',
    },
  },
  'social.pension': {
    adapter: 'registries.pension_insurance',
    category: '人口',
    elements: {
      insuranceType: 'TB.PENSION.TYPE',
      status: 'TB.PENSION.STATUS',
      employerName: 'TB.PENSION.EMPLOYER',
      firstPaidMonth: 'TB.PENSION.FIRST_MONTH',
      paidMonths: 'TB.PENSION.MONTHS',
      insuredDivision: 'TB.INSURED.DIVISION',
    },
  },
  'medical.insurance': {
    adapter: 'registries.medical_insurance',
    category: '人口',
    elements: {
      scheme: 'TB.MEDICAL.SCHEME',
      status: 'TB.MEDICAL.STATUS',
      insuredDivision: 'TB.INSURED.DIVISION',
      sinceDate: 'TB.MEDICAL.SINCE',
      remoteCareFiling: 'TB.MEDICAL.REMOTE_FILING',
      remoteCareDivision: 'TB.MEDICAL.REMOTE_DIVISION',
    },
  },
  'market.entity': {
    adapter: 'registries.market_entity',
    category: '法人',
    elements: {
      name: 'TB.ENTITY.NAME',
      entityType: 'TB.ENTITY.TYPE',
      legalRepresentative: 'TB.ENTITY.LEGAL_REP',
      registeredCapital: 'TB.ENTITY.CAPITAL',
      establishedOn: 'TB.ENTITY.ESTABLISHED',
      address: 'TB.ENTITY.ADDRESS',
      businessScope: 'TB.ENTITY.SCOPE',
      status: 'TB.ENTITY.STATUS',
      registrationAuthority: 'TB.ENTITY.AUTHORITY',
    },
  },
};

/** The sharing condition the demo resources carry: what the exchange's access checks enforce. */
export const DEMO_SHARING_CONDITION =
  '仅用于办理跨省通办事项:请求须关联事项与办件编号,符合双方共享协议或授权规则,个人敏感字段须经申请人授权或有法定依据。 For cross-province service items only: each request names the item and case, is covered by an agreement or access rule, and sensitive fields need the applicant\'s consent or a statutory basis.';

/** The catalogue entry of one demo resource, or undefined if it is not one of the five. */
export function demoResourceInput(def: ServedResourceDef): ResourceInput | undefined {
  const spec = DEMO_RESOURCE_ELEMENTS[def.id];
  if (!spec) return undefined;
  const fields = def.fields.map((f) => {
    const element = f.element ?? spec.elements[f.name];
    if (!element) throw new TongbanError('E_INTERNAL', `catalog seed: no standard element for ${def.id}.${f.name}; add it to DEMO_RESOURCE_ELEMENTS`);
    return { name: f.name, element, label: f.label, sensitivity: f.sensitivity };
  });
  return {
    id: def.id,
    name: def.name,
    summary: `${def.name.zh}:${def.fields.map((f) => f.label.zh).join('、')}。由${def.department}${def.sourceSystem}提供,按需调取,不作集中存储。`,
    department: { name: def.department },
    subjectType: def.subjectType,
    fields,
    sharing: {
      type: def.sharing,
      ...(def.sharing === 'conditional' ? { condition: DEMO_SHARING_CONDITION } : {}),
      ...(def.sharing === 'none' ? { condition: '(synthetic registry: not shared)' } : {}),
      methods: ['online-query', 'system-interface'],
    },
    classification: { tier: 'basic', category: spec.category, grade: 'general' },
    updateCycle: 'daily',
    source: { adapter: def.adapterId ?? spec.adapter, system: def.sourceSystem },
  };
}

/** Tongban's local code for a confirmed national item: stable (derived from the name), and plainly not an official one. */
export function nationalItemCode(item: NationalItem): string {
  return `TB-NAT-${createHash('sha256').update(item.name, 'utf8').digest('hex').slice(0, 8).toUpperCase()}`;
}

/** Documents an item's own name makes obvious; nothing else is claimed. */
const MATERIALS_FROM_NAME: Readonly<Record<string, string>> = {
  学历公证: '学历证书',
  机动车驾驶证公证: '机动车驾驶证',
  职业资格证书核验: '职业资格证书',
};

export function nationalItemInput(item: NationalItem): ItemInput & { origin: { kind: 'national-confirmed'; source: string } } {
  const inferred = item.ministry.endsWith('*');
  const ministry = item.ministry.replace(/\*$/, '');
  const material = MATERIALS_FROM_NAME[item.name];
  return {
    code: item.code ?? nationalItemCode(item),
    name: item.name,
    department: inferred ? `${ministry}(主管部门,系推断,未经来源确认)` : `${ministry}(主管部门)`,
    modes: [],
    timeLimitDays: 0,
    guide: {},
    materials: material ? [{ name: material, required: true, satisfiedBy: null, note: '据事项名称 (named by the item itself)' }] : [],
    origin: { kind: 'national-confirmed', source: `${item.source}(${item.batch}年批次)` },
  };
}

export interface SeedOptions {
  /** the resources the exchange serves from the synthetic registries (only when `registries:` is configured) */
  demoResources?: readonly ServedResourceDef[];
}

export interface SeedReport {
  resources: string[];
  items: string[];
}

/**
 * Seeds what is missing, in one transaction (a history row per entry), and announces each new entry. Replicas of one node
 * starting together on PostgreSQL may race: the loser's transaction fails on a primary key and is run
 * once more, and then finds everything in place.
 */
export async function seedCatalog(svc: CatalogService, o: SeedOptions = {}): Promise<SeedReport> {
  try {
    return await seedOnce(svc, o);
  } catch (e) {
    if (e instanceof TongbanError || !/unique|duplicate/i.test((e as Error)?.message ?? '')) throw e;
    return seedOnce(svc, o);
  }
}

async function seedOnce(svc: CatalogService, o: SeedOptions): Promise<SeedReport> {
  const at = nowIso();
  const changes: PublishedChange[] = [];
  const report: SeedReport = { resources: [], items: [] };
  await svc.db.transaction().execute(async (tx) => {
    const have = async (table: 'catalog_resource' | 'catalog_item') => new Set((await tx.selectFrom(table).select('id').execute()).map((r) => r.id));
    const haveResources = await have('catalog_resource');
    const haveItems = await have('catalog_item');
    const ctx = await svc.validationContext(tx);
    const put = async (kind: EntryKind, input: unknown) => {
      const v = svc.validate(kind, input, ctx, null, { shipped: true });
      if (!v.ok) throw new TongbanError('E_INTERNAL', `catalog seed: ${kind} does not validate: ${formatProblems(v.problems)}`);
      changes.push(await svc.publishDirectly(tx, kind, v.value, SYSTEM_ACTOR, 'seeded', at, { mustBeNew: true }));
    };
    for (const def of o.demoResources ?? []) {
      const input = demoResourceInput(def);
      if (!input || haveResources.has(input.id)) continue;
      await put('resource', input);
      report.resources.push(input.id);
    }
    for (const item of NATIONAL_ITEMS) {
      const input = nationalItemInput(item);
      if (haveItems.has(input.code)) continue;
      await put('item', input);
      report.items.push(input.code);
    }
  });
  // the catalogue history records each seeded entry (actor system, step seeded); the audit log, which
  // records what people and nodes do, gets nothing: seeding is the software's own starting content
  await svc.afterCommit([], SYSTEM_ACTOR, changes);
  return report;
}
