// Validation of catalogue entries (pure, no I/O): data resources, certificate types, service items and
// custom data elements. Every check is here, so the API, the CLI and the importers give the same
// answers. A validator returns EVERY problem it finds, each with the path of the field and a message in
// English and Chinese, and — only when there is none — the entry normalised (USCCs in upper case,
// no unknown members). What the validator needs to know about this node (its custom elements, its
// resources) comes in a ValidationContext the caller builds.

import { validateDivisionCode, validateUscc } from '../core/ids/index.js';
import { standardElement } from './elements.js';
import {
  CATALOG_TIERS,
  CROSS_MODES,
  CROSS_MODE_ZH,
  DATA_GRADES,
  SHARING_METHODS,
  SHARING_TYPES,
  UPDATE_CYCLES,
  type CertificateType,
  type DataElement,
  type DataResource,
  type Material,
  type ServiceItem,
} from './model.js';

export interface Problem {
  /** where: `fields[2].element`, `sharing.condition`, `timeLimitDays` … ('' for the entry as a whole) */
  path: string;
  message: string;
  messageZh: string;
}

export type ValidationResult<T> = { ok: true; value: T; problems: [] } | { ok: false; problems: Problem[] };

/** What a data administrator writes; the catalogue adds version, status and the timestamps. */
export type ResourceInput = Omit<DataResource, 'version' | 'status' | 'updatedAt' | 'updatedBy' | 'publishedAt'>;
export type CertificateTypeInput = Omit<CertificateType, 'version' | 'status' | 'updatedAt' | 'updatedBy' | 'publishedAt'>;
export type ItemInput = Omit<ServiceItem, 'version' | 'status' | 'updatedAt' | 'updatedBy' | 'publishedAt' | 'codeKind' | 'pending' | 'origin'> & {
  /** absent: a regional entry (on update: the entry's origin is kept) */
  origin?: ServiceItem['origin'];
};
export type ElementInput = DataElement;

export interface ValidationContext {
  /** this node's region code (a `region:resource` reference to it is a local one) */
  regionCode: string;
  /** this node's custom data elements that are not retired, by code */
  customElements: ReadonlyMap<string, { published: boolean; sensitivity?: DataElement['sensitivity'] }>;
  /** this node's data resources that are not retired, by id, with their field names */
  resources: ReadonlyMap<string, { published: boolean; fields: readonly string[] }>;
  /** validating a version for publication: what it refers to on this node must be published too */
  forPublication?: boolean;
}

export const RESOURCE_ID_PATTERN = '^[a-z][a-z0-9_.-]{1,63}$';
export const FIELD_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_]{0,63}$';
export const ITEM_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$';
export const ELEMENT_CODE_PATTERN = '^[A-Z][A-Z0-9_]*(\\.[A-Z0-9_]+)+$';
export const MAX_TIME_LIMIT_DAYS = 365;

const RESOURCE_ID = new RegExp(RESOURCE_ID_PATTERN);
const FIELD_NAME = new RegExp(FIELD_NAME_PATTERN);
const ITEM_CODE = new RegExp(ITEM_CODE_PATTERN);
const ELEMENT_CODE = new RegExp(ELEMENT_CODE_PATTERN);
const REMOTE_RESOURCE = /^([0-9]{6}):(.*)$/;

const ELEMENT_TYPES = ['string', 'date', 'code', 'number', 'identifier'] as const;
const SENSITIVITIES = ['general', 'sensitive'] as const;
const ELEMENT_CHECKS = ['id-number', 'uscc', 'org-code', 'division', 'date', 'sex-code', 'ethnic-code', 'certificate-id'] as const;
const VALIDITY_KINDS = ['permanent', 'fixed-term', 'until-revoked'] as const;

// ---- the checker: collects problems, never throws ------------------------------------------------

type Obj = Record<string, unknown>;

class Checker {
  readonly problems: Problem[] = [];

  add(path: string, message: string, messageZh: string): void {
    this.problems.push({ path, message, messageZh });
  }

  /** An object with only the given members; reports unknown ones. */
  object(v: unknown, path: string, allowed: readonly string[], required = true): Obj | undefined {
    if (v === undefined || v === null) {
      if (required) this.add(path, 'is required', '必填');
      return undefined;
    }
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.add(path, 'must be an object', '应为对象');
      return undefined;
    }
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k)) this.add(join(path, k), 'is not a known field', '不是可识别的字段');
    }
    return v as Obj;
  }

  text(v: unknown, path: string, max: number, required = true): string | undefined {
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      if (required) this.add(path, 'is required', '必填');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.add(path, 'must be text', '应为文本');
      return undefined;
    }
    if (v.length > max) {
      this.add(path, `must be at most ${max} characters (got ${v.length})`, `不得超过${max}个字符(实际${v.length}个)`);
      return undefined;
    }
    if (v.includes('\u0000')) {
      this.add(path, 'must not contain NUL characters', '不得包含空字符');
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(v: unknown, path: string, values: readonly T[], zh?: Record<string, string>): T | undefined {
    if (v === undefined || v === null || v === '') {
      this.add(path, 'is required', '必填');
      return undefined;
    }
    if (typeof v !== 'string' || !values.includes(v as T)) {
      const list = values.join(', ');
      const listZh = values.map((x) => (zh?.[x] ? `${zh[x]}(${x})` : x)).join('、');
      this.add(path, `must be one of ${list} (got ${show(v)})`, `应为以下之一:${listZh}(实际为${show(v)})`);
      return undefined;
    }
    return v as T;
  }

  bool(v: unknown, path: string): boolean | undefined {
    if (typeof v !== 'boolean') {
      this.add(path, v === undefined ? 'is required' : 'must be true or false', v === undefined ? '必填' : '应为true或false');
      return undefined;
    }
    return v;
  }

  array(v: unknown, path: string, max: number): unknown[] | undefined {
    if (v === undefined || v === null) {
      this.add(path, 'is required', '必填');
      return undefined;
    }
    if (!Array.isArray(v)) {
      this.add(path, 'must be a list', '应为列表');
      return undefined;
    }
    if (v.length > max) {
      this.add(path, `must have at most ${max} entries (got ${v.length})`, `最多${max}项(实际${v.length}项)`);
      return undefined;
    }
    return v;
  }

  label(v: unknown, path: string): { zh: string; en: string } | undefined {
    const o = this.object(v, path, ['zh', 'en']);
    if (!o) return undefined;
    const zh = this.text(o.zh, join(path, 'zh'), 200);
    const en = this.text(o.en, join(path, 'en'), 200);
    return zh !== undefined && en !== undefined ? { zh, en } : undefined;
  }

  uscc(v: unknown, path: string, required: boolean): string | undefined {
    const s = this.text(v, path, 18, required);
    if (s === undefined) return undefined;
    const verdict = validateUscc(s);
    if (!verdict.valid) {
      this.add(path, `not a valid unified social credit code (GB 32100): ${verdict.reason}`, `不是有效的统一社会信用代码(GB 32100):${verdict.reasonZh}`);
      return undefined;
    }
    return verdict.normalized!;
  }

  result<T>(value: () => T): ValidationResult<T> {
    return this.problems.length ? { ok: false, problems: this.problems } : { ok: true, value: value(), problems: [] };
  }
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

// ---- elements ------------------------------------------------------------------------------------

/** Standard (TB.*) or one of this node's custom elements that is not retired. */
function knownElement(code: string, ctx: ValidationContext): { sensitivity: DataElement['sensitivity'] | undefined; published: boolean } | undefined {
  const std = standardElement(code);
  if (std) return { sensitivity: std.sensitivity, published: true };
  const custom = ctx.customElements.get(code);
  return custom ? { sensitivity: custom.sensitivity, published: custom.published } : undefined;
}

function checkElementRef(c: Checker, v: unknown, path: string, ctx: ValidationContext): { code: string; sensitivity: DataElement['sensitivity'] | undefined } | undefined {
  const code = c.text(v, path, 64);
  if (code === undefined) return undefined;
  const known = knownElement(code, ctx);
  if (!known) {
    c.add(path, `unknown element code ${show(code)}`, `未知的数据元代码${show(code)}`);
    return undefined;
  }
  if (ctx.forPublication && !known.published) {
    c.add(path, `element ${show(code)} is not published yet`, `数据元${show(code)}尚未发布`);
    return undefined;
  }
  return { code, sensitivity: known.sensitivity };
}

/** A custom data element (the code may not use the TB. prefix of the standard ones). */
export function validateElement(input: unknown): ValidationResult<ElementInput> {
  const c = new Checker();
  const o = c.object(input, '', ['code', 'name', 'type', 'standard', 'check', 'sensitivity']);
  if (!o) return c.result(() => input as ElementInput);
  const code = c.text(o.code, 'code', 64);
  if (code !== undefined) {
    if (code.startsWith('TB.')) {
      c.add('code', 'the TB. prefix is reserved for the standard elements; use your own prefix (e.g. SH.HOUSING.FUND_NO)', 'TB.前缀保留给标准数据元,请使用本地前缀(如SH.HOUSING.FUND_NO)');
    } else if (!ELEMENT_CODE.test(code)) {
      c.add('code', 'must be dotted upper-case words of letters, digits and "_", e.g. SH.HOUSING.FUND_NO', '应为以"."分隔的大写字母、数字或"_"组成的词,如SH.HOUSING.FUND_NO');
    }
  }
  const name = c.label(o.name, 'name');
  const type = c.oneOf(o.type, 'type', ELEMENT_TYPES);
  const standard = c.text(o.standard, 'standard', 100, false);
  const check = o.check === undefined ? undefined : c.oneOf(o.check, 'check', ELEMENT_CHECKS);
  const sensitivity = c.oneOf(o.sensitivity, 'sensitivity', SENSITIVITIES);
  return c.result(() => ({
    code: code!,
    name: name!,
    type: type!,
    ...(standard !== undefined ? { standard } : {}),
    ...(check !== undefined ? { check } : {}),
    sensitivity: sensitivity!,
  }));
}

// ---- data resources ------------------------------------------------------------------------------

export function validateResource(input: unknown, ctx: ValidationContext): ValidationResult<ResourceInput> {
  const c = new Checker();
  const o = c.object(input, '', ['id', 'name', 'summary', 'department', 'subjectType', 'fields', 'sharing', 'classification', 'updateCycle', 'source']);
  if (!o) return c.result(() => input as ResourceInput);

  const id = c.text(o.id, 'id', 64);
  if (id !== undefined && !RESOURCE_ID.test(id)) {
    c.add('id', 'must be 2–64 characters: a lower-case letter, then lower-case letters, digits, "_", "." or "-"', '应为2至64个字符:以小写字母开头,由小写字母、数字、"_"、"."或"-"组成');
  }
  const name = c.label(o.name, 'name');
  const summary = c.text(o.summary, 'summary', 2000);

  let department: ResourceInput['department'] | undefined;
  const d = c.object(o.department, 'department', ['name', 'code']);
  if (d) {
    const dn = c.text(d.name, 'department.name', 200);
    const dc = d.code === undefined || d.code === null || d.code === '' ? undefined : c.uscc(d.code, 'department.code', true);
    if (dn !== undefined) department = { name: dn, ...(dc !== undefined ? { code: dc } : {}) };
  }
  const subjectType = c.oneOf(o.subjectType, 'subjectType', ['citizen', 'enterprise'] as const);

  const fields: ResourceInput['fields'] = [];
  const rawFields = c.array(o.fields, 'fields', 200);
  if (rawFields) {
    if (rawFields.length === 0) c.add('fields', 'must list at least one field', '至少应有一个字段');
    const seen = new Set<string>();
    rawFields.forEach((raw, i) => {
      const p = join('fields', i);
      const f = c.object(raw, p, ['name', 'element', 'label', 'sensitivity']);
      if (!f) return;
      const fname = c.text(f.name, join(p, 'name'), 64);
      if (fname !== undefined) {
        if (!FIELD_NAME.test(fname)) {
          c.add(join(p, 'name'), 'must start with a letter and have only letters, digits and "_" (at most 64)', '应以字母开头,仅由字母、数字和"_"组成(不超过64个字符)');
        } else if (seen.has(fname)) {
          c.add(join(p, 'name'), `field name ${show(fname)} is used twice`, `字段名${show(fname)}重复`);
        }
        seen.add(fname);
      }
      const element = checkElementRef(c, f.element, join(p, 'element'), ctx);
      const label = c.label(f.label, join(p, 'label'));
      const sensitivity = c.oneOf(f.sensitivity, join(p, 'sensitivity'), SENSITIVITIES);
      if (element?.sensitivity === 'sensitive' && sensitivity === 'general') {
        c.add(join(p, 'sensitivity'), `element ${element.code} is personal sensitive information; the field must be marked sensitive`, `数据元${element.code}属于个人敏感信息,字段须标为敏感`);
      }
      if (fname !== undefined && element && label && sensitivity) fields.push({ name: fname, element: element.code, label, sensitivity });
    });
  }

  let sharing: ResourceInput['sharing'] | undefined;
  const s = c.object(o.sharing, 'sharing', ['type', 'condition', 'methods']);
  if (s) {
    const type = c.oneOf(s.type, 'sharing.type', SHARING_TYPES, { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' });
    const condition = c.text(s.condition, 'sharing.condition', 2000, false);
    if (type === 'conditional' && condition === undefined && !hasText(s.condition)) {
      c.add('sharing.condition', 'a conditional resource needs its sharing condition', '有条件共享的资源须写明共享条件');
    }
    if (type === 'none' && condition === undefined && !hasText(s.condition)) {
      c.add('sharing.condition', 'a resource that is not shared needs its legal basis (a law, regulation or policy)', '不予共享的资源须写明依据(法律、法规或政策)');
    }
    const methods = c.array(s.methods, 'sharing.methods', SHARING_METHODS.length);
    const ms: ResourceInput['sharing']['methods'] = [];
    if (methods) {
      if (methods.length === 0) c.add('sharing.methods', 'must list at least one sharing method', '至少应有一种共享方式');
      methods.forEach((m, i) => {
        const v = c.oneOf(m, join('sharing.methods', i), SHARING_METHODS);
        if (v && ms.includes(v)) c.add(join('sharing.methods', i), `${v} is listed twice`, `${v}重复`);
        else if (v) ms.push(v);
      });
    }
    if (type) sharing = { type, ...(condition !== undefined ? { condition } : {}), methods: ms };
  }

  let classification: ResourceInput['classification'] | undefined;
  const cl = c.object(o.classification, 'classification', ['tier', 'category', 'grade']);
  if (cl) {
    const tier = c.oneOf(cl.tier, 'classification.tier', CATALOG_TIERS, { basic: '基础', thematic: '主题', departmental: '部门' });
    const category = c.text(cl.category, 'classification.category', 64);
    const grade = c.oneOf(cl.grade, 'classification.grade', DATA_GRADES, { general: '一般', important: '重要', core: '核心' });
    if (tier && category !== undefined && grade) classification = { tier, category, grade };
  }
  const updateCycle = c.oneOf(o.updateCycle, 'updateCycle', UPDATE_CYCLES);

  let source: ResourceInput['source'] | undefined;
  const src = c.object(o.source, 'source', ['adapter', 'system']);
  if (src) {
    const adapter = c.text(src.adapter, 'source.adapter', 128);
    const system = c.text(src.system, 'source.system', 200);
    if (adapter !== undefined && system !== undefined) source = { adapter, system };
  }

  return c.result(() => ({
    id: id!,
    name: name!,
    summary: summary!,
    department: department!,
    subjectType: subjectType!,
    fields,
    sharing: sharing!,
    classification: classification!,
    updateCycle: updateCycle!,
    source: source!,
  }));
}

function hasText(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

// ---- certificate types ---------------------------------------------------------------------------

/** The format of a 证照类型代码: a valid USCC (the defining authority) + 3 digits. Returns a problem or undefined. */
export function certificateTypeCodeProblem(code: string): { message: string; messageZh: string } | undefined {
  if (code.length !== 21 || !/^[0-9]{3}$/.test(code.slice(18))) {
    return {
      message: `must be the defining authority's unified social credit code followed by 3 digits (21 characters), e.g. 11100000000013338W032; got ${show(code)}`,
      messageZh: `应为证照定义机构的统一社会信用代码加3位数字(共21位),如11100000000013338W032;实际为${show(code)}`,
    };
  }
  const v = validateUscc(code.slice(0, 18));
  if (!v.valid) {
    return {
      message: `its first 18 characters are not a valid unified social credit code: ${v.reason}`,
      messageZh: `前18位不是有效的统一社会信用代码:${v.reasonZh}`,
    };
  }
  return undefined;
}

export function validateCertificateType(input: unknown, ctx: ValidationContext): ValidationResult<CertificateTypeInput> {
  const c = new Checker();
  const o = c.object(input, '', ['code', 'name', 'definingAuthority', 'elements', 'validity']);
  if (!o) return c.result(() => input as CertificateTypeInput);
  let code = c.text(o.code, 'code', 21);
  if (code !== undefined) {
    code = code.toUpperCase();
    const p = certificateTypeCodeProblem(code);
    if (p) {
      c.add('code', p.message, p.messageZh);
      code = undefined;
    }
  }
  const name = c.label(o.name, 'name');
  let definingAuthority: CertificateTypeInput['definingAuthority'] | undefined;
  const da = c.object(o.definingAuthority, 'definingAuthority', ['name', 'uscc']);
  if (da) {
    const n = c.text(da.name, 'definingAuthority.name', 200);
    const u = c.uscc(da.uscc, 'definingAuthority.uscc', true);
    if (n !== undefined && u !== undefined) {
      definingAuthority = { name: n, uscc: u };
      if (code !== undefined && code.slice(0, 18) !== u) {
        c.add('code', `must begin with the defining authority's code ${u}`, `应以证照定义机构的统一社会信用代码${u}开头`);
      }
    }
  }
  const elements: CertificateTypeInput['elements'] = [];
  const raw = c.array(o.elements, 'elements', 100);
  if (raw) {
    if (raw.length === 0) c.add('elements', 'must list at least one metadata element', '至少应有一个元数据项');
    const seen = new Set<string>();
    raw.forEach((r, i) => {
      const p = join('elements', i);
      const e = c.object(r, p, ['element', 'required']);
      if (!e) return;
      const el = checkElementRef(c, e.element, join(p, 'element'), ctx);
      const required = c.bool(e.required, join(p, 'required'));
      if (el && seen.has(el.code)) c.add(join(p, 'element'), `${el.code} is listed twice`, `${el.code}重复`);
      if (el) seen.add(el.code);
      if (el && required !== undefined) elements.push({ element: el.code, required });
    });
  }
  let validity: CertificateTypeInput['validity'] | undefined;
  const va = c.object(o.validity, 'validity', ['kind', 'years']);
  if (va) {
    const kind = c.oneOf(va.kind, 'validity.kind', VALIDITY_KINDS, { permanent: '长期有效', 'fixed-term': '有固定期限', 'until-revoked': '至注销' });
    if (kind === 'fixed-term') {
      if (!Number.isInteger(va.years) || (va.years as number) < 1 || (va.years as number) > 100) {
        c.add('validity.years', 'a fixed-term certificate needs its validity in whole years, 1–100', '有固定期限的证照须写明有效年限(1至100的整数)');
      } else validity = { kind, years: va.years as number };
    } else if (kind) {
      if (va.years !== undefined) c.add('validity.years', `only a fixed-term certificate has years (this one is ${kind})`, `只有固定期限的证照才有有效年限(此证照为${kind})`);
      else validity = { kind };
    }
  }
  return c.result(() => ({ code: code!, name: name!, definingAuthority: definingAuthority!, elements, validity: validity! }));
}

// ---- service items -------------------------------------------------------------------------------

export interface ItemValidationOptions {
  /** the origin of the entry being edited, if it exists (a national-confirmed origin is kept, never claimed) */
  existingOrigin?: ServiceItem['origin'];
  /** the node's own seeding of the national items Tongban ships (national-items.ts): national-confirmed is theirs */
  shipped?: boolean;
}

/** Whether a code has the shape of a GB/T 39554.1 实施编码: the implementing organ's USCC + 13 characters. */
export function codeKindOf(code: string): 'implementation' | 'local' {
  return code.length === 31 && /^[0-9A-Za-z]{13}$/.test(code.slice(18)) && validateUscc(code.slice(0, 18)).valid ? 'implementation' : 'local';
}

export function validateItem(input: unknown, ctx: ValidationContext, opts: ItemValidationOptions = {}): ValidationResult<ItemInput & { origin: ServiceItem['origin'] }> {
  const c = new Checker();
  const o = c.object(input, '', ['code', 'basicCode', 'name', 'department', 'modes', 'timeLimitDays', 'guide', 'materials', 'origin']);
  if (!o) return c.result(() => input as ItemInput & { origin: ServiceItem['origin'] });

  const codeProblem = (path: string, v: string | undefined) => {
    if (v !== undefined && !ITEM_CODE.test(v)) {
      c.add(path, 'must be 2–64 characters: letters, digits, ".", "_" or "-", beginning with a letter or digit', '应为2至64个字符:由字母、数字、"."、"_"或"-"组成,以字母或数字开头');
      return undefined;
    }
    return v;
  };
  const code = codeProblem('code', c.text(o.code, 'code', 64));
  const basicCode = codeProblem('basicCode', c.text(o.basicCode, 'basicCode', 64, false));
  const name = c.text(o.name, 'name', 200);
  const department = c.text(o.department, 'department', 200);

  // origin: regional unless the entry already is a confirmed national one
  let origin: ServiceItem['origin'] | undefined;
  if (o.origin === undefined) {
    origin = opts.existingOrigin ?? { kind: 'regional', source: '本节点录入 entered on this node' };
  } else {
    const og = c.object(o.origin, 'origin', ['kind', 'source']);
    if (og) {
      const kind = c.oneOf(og.kind, 'origin.kind', ['national-confirmed', 'regional'] as const);
      const source = c.text(og.source, 'origin.source', 500);
      if (kind === 'national-confirmed' && !opts.shipped && !(opts.existingOrigin?.kind === 'national-confirmed' && opts.existingOrigin.source === source)) {
        c.add(
          'origin.kind',
          'only the confirmed national items Tongban ships (each with its public source) are national-confirmed; an item this region adds is regional',
          '只有通办随附的、有公开来源的全国事项才标为national-confirmed;本地区添加的事项应为regional',
        );
      } else if (kind === 'regional' && opts.existingOrigin?.kind === 'national-confirmed') {
        c.add('origin.kind', 'this is a confirmed national item; its origin cannot change', '此为已确认的全国事项,来源不可更改');
      } else if (kind && source !== undefined) origin = { kind, source } as ServiceItem['origin'];
    }
  }
  const national = origin?.kind === 'national-confirmed';

  const modes: ServiceItem['modes'] = [];
  const rawModes = c.array(o.modes, 'modes', CROSS_MODES.length);
  if (rawModes) {
    if (rawModes.length === 0 && !national) {
      c.add('modes', 'must list at least one cross-province mode (online 全程网办, proxy 异地代收代办, joint 多地联办)', '至少应有一种通办模式(全程网办online、异地代收代办proxy、多地联办joint)');
    }
    rawModes.forEach((m, i) => {
      const v = c.oneOf(m, join('modes', i), CROSS_MODES, CROSS_MODE_ZH);
      if (v && modes.includes(v)) c.add(join('modes', i), `${v} is listed twice`, `${CROSS_MODE_ZH[v]}重复`);
      else if (v) modes.push(v);
    });
  }

  let timeLimitDays: number | undefined;
  const t = o.timeLimitDays;
  if (t === undefined || t === null) c.add('timeLimitDays', 'is required (working days, 1–365)', '必填(工作日,1至365)');
  else if (national && t === 0) timeLimitDays = 0;
  else if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_TIME_LIMIT_DAYS) {
    c.add('timeLimitDays', `must be 1–${MAX_TIME_LIMIT_DAYS} working days (got ${show(t)})`, `应为1至${MAX_TIME_LIMIT_DAYS}个工作日(实际为${show(t)})`);
  } else timeLimitDays = t;

  const guide: ServiceItem['guide'] = {};
  const GUIDE_KEYS = ['legalBasis', 'conditions', 'process', 'fee', 'contact', 'location'] as const;
  const g = c.object(o.guide ?? {}, 'guide', GUIDE_KEYS);
  if (g) {
    for (const k of GUIDE_KEYS) {
      const v = c.text(g[k], join('guide', k), 4000, false);
      if (v !== undefined) guide[k] = v;
    }
  }

  const materials: Material[] = [];
  const rawMaterials = c.array(o.materials ?? [], 'materials', 100);
  if (rawMaterials) {
    const seen = new Set<string>();
    rawMaterials.forEach((r, i) => {
      const m = checkMaterial(c, r, join('materials', i), ctx);
      if (!m) return;
      if (seen.has(m.name)) c.add(join(join('materials', i), 'name'), `material ${show(m.name)} is listed twice`, `材料${show(m.name)}重复`);
      seen.add(m.name);
      materials.push(m);
    });
  }

  return c.result(() => ({
    code: code!,
    ...(basicCode !== undefined ? { basicCode } : {}),
    name: name!,
    department: department!,
    modes,
    timeLimitDays: timeLimitDays!,
    guide,
    materials,
    origin: origin!,
  }));
}

function checkMaterial(c: Checker, raw: unknown, path: string, ctx: ValidationContext): Material | undefined {
  const m = c.object(raw, path, ['name', 'required', 'satisfiedBy', 'note']);
  if (!m) return undefined;
  const before = c.problems.length;
  const name = c.text(m.name, join(path, 'name'), 200);
  const required = m.required === undefined ? true : c.bool(m.required, join(path, 'required'));
  const note = c.text(m.note, join(path, 'note'), 1000, false);
  let satisfiedBy: Material['satisfiedBy'] = null;
  const sp = join(path, 'satisfiedBy');
  if (m.satisfiedBy !== undefined && m.satisfiedBy !== null) {
    const s = c.object(m.satisfiedBy, sp, ['kind', 'resource', 'fields', 'certificateType']);
    const kind = s ? c.oneOf(s.kind, join(sp, 'kind'), ['resource', 'certificate'] as const) : undefined;
    if (s && kind === 'resource') {
      if (s.certificateType !== undefined) c.add(join(sp, 'certificateType'), 'belongs to kind certificate, not resource', '仅适用于证照(certificate)');
      const ref = c.text(s.resource, join(sp, 'resource'), 71);
      let fields: string[] | undefined;
      if (s.fields !== undefined) {
        const raw = c.array(s.fields, join(sp, 'fields'), 200);
        if (raw) {
          fields = [];
          raw.forEach((f, i) => {
            const v = c.text(f, join(join(sp, 'fields'), i), 64);
            if (v !== undefined) fields!.push(v);
          });
        }
      }
      if (ref !== undefined) {
        const local = checkResourceRef(c, ref, join(sp, 'resource'), ctx);
        if (local && fields) {
          fields.forEach((f, i) => {
            if (!local.fields.includes(f)) c.add(join(join(sp, 'fields'), i), `resource ${show(ref)} has no field ${show(f)}`, `数据资源${show(ref)}没有字段${show(f)}`);
          });
        } else if (fields && REMOTE_RESOURCE.test(ref)) {
          fields.forEach((f, i) => {
            if (!FIELD_NAME.test(f)) c.add(join(join(sp, 'fields'), i), 'must start with a letter and have only letters, digits and "_"', '应以字母开头,仅由字母、数字和"_"组成');
          });
        }
        satisfiedBy = { kind: 'resource', resource: ref, ...(fields ? { fields } : {}) };
      }
    } else if (s && kind === 'certificate') {
      for (const k of ['resource', 'fields']) if (s[k] !== undefined) c.add(join(sp, k), 'belongs to kind resource, not certificate', '仅适用于数据资源(resource)');
      const ct = c.text(s.certificateType, join(sp, 'certificateType'), 21);
      if (ct !== undefined) {
        const p = certificateTypeCodeProblem(ct.toUpperCase());
        if (p) c.add(join(sp, 'certificateType'), p.message, p.messageZh);
        else satisfiedBy = { kind: 'certificate', certificateType: ct.toUpperCase() };
      }
    }
  }
  if (c.problems.length > before) return undefined;
  return { name: name!, required: required!, satisfiedBy, ...(note !== undefined ? { note } : {}) };
}

/** A resource reference: an id on this node (known, not retired), or `region:resource` for another region. Returns the local resource. */
function checkResourceRef(c: Checker, ref: string, path: string, ctx: ValidationContext): { fields: readonly string[] } | undefined {
  const remote = REMOTE_RESOURCE.exec(ref);
  let id = ref;
  if (remote) {
    const [, region, rid] = remote as unknown as [string, string, string];
    if (!RESOURCE_ID.test(rid)) {
      c.add(path, `${show(rid)} is not a resource id (a lower-case letter, then 1–63 lower-case letters, digits, "_", "." or "-")`, `${show(rid)}不是有效的数据资源标识`);
      return undefined;
    }
    const division = validateDivisionCode(region);
    if (!division.valid) {
      c.add(path, `region ${region} is not a division code: ${division.reason}`, `地区${region}不是有效的行政区划代码:${division.reasonZh}`);
      return undefined;
    }
    if (region !== ctx.regionCode) return undefined; // another region's resource: the format is all we can check here
    id = rid;
  } else if (!RESOURCE_ID.test(ref)) {
    c.add(path, 'must be a resource id on this node, or "region:resource" for another region (e.g. 340000:hukou.person)', '应为本节点的数据资源标识,或其他地区的"地区代码:资源标识"(如340000:hukou.person)');
    return undefined;
  }
  const local = ctx.resources.get(id);
  if (!local) {
    c.add(path, `unknown resource ${show(id)} on this node (${ctx.regionCode})`, `本节点(${ctx.regionCode})没有数据资源${show(id)}`);
    return undefined;
  }
  if (ctx.forPublication && !local.published) {
    c.add(path, `resource ${show(id)} is not published yet`, `数据资源${show(id)}尚未发布`);
    return undefined;
  }
  return local;
}

/** Problems as one line each: `path: message / 中文` (for error details and the command line). */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.path || '(entry)'}: ${p.message} / ${p.messageZh}`).join('; ');
}
