// From a source row to a record: each resource field is read from its column (or JSON path), passed
// through its transforms, and checked against its data element. A problem with one value becomes a
// quality flag — `birthDate: not a valid date ("2023-02-30")` — that travels in the provenance; it
// never fails the read. Mappings are compiled once per adapter.

import { GB2261_SEX, GB3304_ETHNIC_GROUPS } from '../core/codes.js';
import { TongbanError } from '../core/errors.js';
import { dateExists, idNumberProblemText, lookupDivision, validateCertificateId, validateDivisionCode, validateIdNumber, validateOrgCode, validateUscc } from '../core/ids/index.js';
import { maskPersonalData } from '../core/mask.js';
import type { DataElement } from '../catalog/model.js';
import { standardElement } from '../catalog/elements.js';
import type { CodeTableName, DateFormat, FieldMapping, Transform } from './config.js';

export type Value = string | number | null;
export type CheckKind = NonNullable<DataElement['check']>;

/** What a compiled mapping reads a row through: sql and csv rows by column, http records by path. */
export interface RowView {
  get(ref: string): unknown;
  /** the key column the subject was found in (pick-by-key) */
  matchedKey?: string | undefined;
}

/** A field of the resource the adapter serves: its element decides the checks on read. */
export interface FieldSpec {
  name: string;
  /** standard data element code (TB.PERSON.BIRTH_DATE) */
  element?: string | undefined;
  /** the resource's declared type; 'number' values must be numbers */
  type?: string | undefined;
}

export const MAX_FLAGS = 64;
const MAX_FLAG_LENGTH = 200;

// ---- code tables and dates --------------------------------------------------------------------

export const CODE_TABLE_VALUES: Record<CodeTableName, { table: Readonly<Record<string, string>>; label: string }> = {
  'gb2261-sex': { table: GB2261_SEX, label: 'GB/T 2261.1' },
  'gb3304-ethnicity': { table: GB3304_ETHNIC_GROUPS, label: 'GB/T 3304' },
};

const SEX_NAMES = new Set(Object.values(GB2261_SEX));
const ETHNIC_NAMES = new Set(Object.values(GB3304_ETHNIC_GROUPS));

export interface ParsedTime {
  y: number;
  m: number;
  d: number;
  hh: number;
  mm: number;
  ss: number;
  ms: number;
  /** minutes east of UTC when the text carries a zone (Z, +08:00) */
  offset?: number;
  hasTime: boolean;
  format: Exclude<DateFormat, 'auto'>;
}

const SEP_FORMAT: Record<string, Exclude<DateFormat, 'auto'>> = { '-': 'YYYY-MM-DD', '/': 'YYYY/MM/DD', '.': 'YYYY.MM.DD', 年: 'YYYY年MM月DD日' };
const TIME = String.raw`(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?`;
const RE_COMPACT = new RegExp(String.raw`^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$`);
const RE_SEPARATED = new RegExp(String.raw`^(\d{4})([-/.年])(\d{1,2})[-/.月](\d{1,2})日?${TIME}$`);

/** Parses the date (and time) formats departments use. Undefined when the text is not one of them. */
export function parseDepartmentTime(text: string): ParsedTime | undefined {
  const s = text.trim();
  let m = RE_COMPACT.exec(s);
  if (m) {
    return { y: +m[1]!, m: +m[2]!, d: +m[3]!, hh: m[4] ? +m[4] : 0, mm: m[5] ? +m[5] : 0, ss: m[6] ? +m[6] : 0, ms: 0, hasTime: m[4] !== undefined, format: 'YYYYMMDD' };
  }
  m = RE_SEPARATED.exec(s);
  if (!m) return undefined;
  const sep = m[2]!;
  // one separator style per date (2024-01/02 is not a date)
  if (sep !== '年' && !s.startsWith(`${m[1]}${sep}${m[3]}${sep}`)) return undefined;
  const p: ParsedTime = {
    y: +m[1]!, m: +m[3]!, d: +m[4]!,
    hh: m[5] ? +m[5] : 0, mm: m[6] ? +m[6] : 0, ss: m[7] ? +m[7] : 0, ms: m[8] ? Math.round(Number(`0.${m[8]}`) * 1000) : 0,
    hasTime: m[5] !== undefined, format: SEP_FORMAT[sep]!,
  };
  if (m[9]) p.offset = m[9] === 'Z' ? 0 : zoneMinutes(m[9]);
  return p;
}

function zoneMinutes(z: string): number {
  const sign = z.startsWith('-') ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

function validParts(p: ParsedTime): boolean {
  return dateExists(p.y, p.m, p.d) && p.hh < 24 && p.mm < 60 && p.ss < 60;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 'YYYY-MM-DD' of a department date, or undefined when it is not a date that exists. */
export function normaliseDate(text: string, format: DateFormat = 'auto'): string | undefined {
  const p = parseDepartmentTime(text);
  if (!p || !validParts(p) || (format !== 'auto' && p.format !== format)) return undefined;
  return `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`;
}

/**
 * A department time as ISO-8601 UTC. Without a zone the text is local Asia/Shanghai time (UTC+8; no
 * daylight saving since 1991). Also takes Date objects and YYYY-MM / YYYYMM (the first of the month).
 */
export function toUtcIso(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (typeof v !== 'string') return undefined;
  const month = /^(\d{4})[-/]?(\d{2})$/.exec(v.trim());
  const p = month ? parseDepartmentTime(`${month[1]}-${month[2]}-01`) : parseDepartmentTime(v);
  if (!p || !validParts(p)) return undefined;
  const offset = p.offset ?? 8 * 60;
  const t = Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss, p.ms) - offset * 60_000;
  return new Date(t).toISOString();
}

// ---- checks against data elements ---------------------------------------------------------------

/** Why a value does not meet its element's check, or undefined. Sex and ethnic group accept the code or its name. */
export function checkValue(check: CheckKind, v: string): string | undefined {
  switch (check) {
    case 'date':
      return normaliseDate(v, 'YYYY-MM-DD') === undefined && !/^\d{4}-\d{2}-\d{2}T/.test(v) ? `not a valid date (${quote(v)})` : undefined;
    case 'id-number': {
      const r = validateIdNumber(v);
      return r.valid ? undefined : `not a valid GB 11643 ID number (${idNumberProblemText(r).en})`;
    }
    case 'uscc': {
      const r = validateUscc(v);
      return r.valid ? undefined : `not a valid GB 32100 credit code (${r.reason})`;
    }
    case 'org-code': {
      const r = validateOrgCode(v);
      return r.valid ? undefined : `not a valid GB 11714 organisation code (${r.reason})`;
    }
    case 'division': {
      const r = validateDivisionCode(v);
      return r.valid ? undefined : `not a GB/T 2260 division (${r.reason})`;
    }
    case 'certificate-id': {
      const r = validateCertificateId(v);
      return r.valid ? undefined : `not a valid e-certificate identifier (${r.reason})`;
    }
    case 'sex-code':
      return v in GB2261_SEX || SEX_NAMES.has(v) ? undefined : `not a GB/T 2261.1 sex code (${quote(v)})`;
    case 'ethnic-code':
      return v in GB3304_ETHNIC_GROUPS || ETHNIC_NAMES.has(v) ? undefined : `not a GB/T 3304 ethnic group (${quote(v)})`;
    default:
      return undefined;
  }
}

function quote(v: unknown): string {
  const s = String(v);
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

// ---- transforms ----------------------------------------------------------------------------------

/** A value problem: the pipeline stops, keeps the value it had, and the field gets a flag. */
class Problem {
  constructor(readonly message: string) {}
}

type Step = (v: unknown, row: RowView, subjectId: string) => unknown;

const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : v instanceof Date ? v.toISOString() : String(v));
const onText = (f: (s: string) => unknown): Step => (v) => {
  const s = text(v);
  return s === undefined ? null : f(s);
};

function compileTransform(t: Transform): Step {
  switch (t.fn) {
    case 'trim':
      return onText((s) => s.replace(/^[\s\u3000]+|[\s\u3000]+$/g, ''));
    case 'upper':
      return onText((s) => s.toUpperCase());
    case 'lower':
      return onText((s) => s.toLowerCase());
    case 'code-table': {
      const table = t.table ? CODE_TABLE_VALUES[t.table].table : (t.map ?? {});
      const label = t.table ? CODE_TABLE_VALUES[t.table].label : 'the code table';
      const unknown = t.unknown ?? 'flag';
      return onText((s) => {
        const hit = Object.prototype.hasOwnProperty.call(table, s) ? table[s] : undefined;
        if (hit !== undefined) return hit;
        if (unknown === 'null') return null;
        if (unknown === 'keep') return s;
        return new Problem(`code ${quote(s)} is not in ${label}`);
      });
    }
    case 'division-name':
      return onText((s) => lookupDivision(s)?.fullName ?? new Problem(`not a GB/T 2260 division code (${quote(s)})`));
    case 'date': {
      const format = t.format ?? 'auto';
      return onText((s) => (s.trim() === '' ? null : (normaliseDate(s, format) ?? new Problem(`not a valid date (${quote(s)})`))));
    }
    case 'datetime':
      return (v) => (v === null || v === undefined || v === '' ? null : (toUtcIso(v) ?? new Problem(`not a valid time (${quote(v)})`)));
    case 'number':
      return (v) => {
        if (typeof v === 'number') return v;
        const s = text(v)?.trim().replace(/,/g, '');
        if (s === undefined || s === '') return null;
        const n = Number(s);
        return Number.isFinite(n) ? n : new Problem(`not a number (${quote(v)})`);
      };
    case 'slice':
      return onText((s) => [...s].slice(t.start, t.end).join(''));
    case 'concat': {
      const sep = t.separator ?? '';
      return (_v, row) => {
        const parts = t.columns.map((c) => text(row.get(c))).filter((x): x is string => x !== undefined && x !== '');
        return parts.length ? parts.join(sep) : null;
      };
    }
    case 'constant':
      return () => t.value;
    case 'default':
      return (v) => (v === null || v === undefined || v === '' ? t.value : v);
    case 'pick-by-key':
      return (_v, row) => {
        const col = row.matchedKey !== undefined ? t.columns[row.matchedKey] : undefined;
        return col === undefined ? new Problem('the subject matched no key named in pick-by-key') : row.get(col);
      };
  }
}

// ---- compiled mappings --------------------------------------------------------------------------

interface CompiledField {
  name: string;
  /** every column / path this field reads */
  refs: string[];
  read(row: RowView, subjectId: string): { value: Value; flag?: string };
}

export interface MappingOptions {
  fields?: ReadonlyArray<FieldSpec>;
  /** element lookup (default: the standard elements) */
  elements?: (code: string) => DataElement | undefined;
}

export class CompiledMapping {
  private readonly byName = new Map<string, CompiledField>();
  private readonly time: CompiledField | undefined;

  constructor(fields: Record<string, FieldMapping>, dataTime: FieldMapping | undefined, o: MappingOptions = {}) {
    const specs = new Map((o.fields ?? []).map((f) => [f.name, f]));
    const elementOf = o.elements ?? standardElement;
    for (const [name, m] of Object.entries(fields)) {
      const spec = specs.get(name);
      const element = spec?.element ? elementOf(spec.element) : undefined;
      this.byName.set(name, compileField(name, m, { check: element?.check, numeric: element?.type === 'number' || spec?.type === 'number' }));
    }
    this.time = dataTime === undefined ? undefined : compileField('dataTime', dataTime, {});
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The columns / paths needed to answer these fields (plus the data time). Unknown field → E_INVALID_REQUEST. */
  refsFor(fields: readonly string[]): string[] {
    const out = new Set<string>(this.time?.refs ?? []);
    for (const f of fields) for (const r of this.field(f).refs) out.add(r);
    return [...out];
  }

  /** The columns / paths one field reads. */
  refsOfField(name: string): string[] {
    return this.field(name).refs;
  }

  private field(name: string): CompiledField {
    const f = this.byName.get(name);
    if (!f) throw new TongbanError('E_INVALID_REQUEST', `unknown field "${name}"`);
    return f;
  }

  /** The requested fields of one row, with the quality flags found on the way. */
  read(row: RowView, subjectId: string, fields: readonly string[]): { values: Record<string, Value>; quality: string[] } {
    const values: Record<string, Value> = {};
    const quality: string[] = [];
    for (const name of fields) {
      const r = this.field(name).read(row, subjectId);
      values[name] = r.value;
      if (r.flag) quality.push(r.flag);
    }
    return { values, quality };
  }

  /** The row's data time as ISO UTC; undefined when the adapter maps none. */
  dataTime(row: RowView, subjectId: string): { iso?: string; flag?: string } | undefined {
    if (!this.time) return undefined;
    const r = this.time.read(row, subjectId);
    if (r.flag) return { flag: r.flag };
    const iso = toUtcIso(r.value);
    return iso ? { iso } : { flag: r.value === null ? 'dataTime: missing in the source' : `dataTime: not a time (${quote(r.value)})` };
  }
}

function compileField(name: string, m: FieldMapping, o: { check?: CheckKind | undefined; numeric?: boolean }): CompiledField {
  const from = typeof m === 'string' ? m : m.from;
  const transforms = typeof m === 'string' ? [] : (m.transforms ?? []);
  const steps = transforms.map(compileTransform);
  const refs = new Set<string>(from === undefined ? [] : [from]);
  for (const t of transforms) {
    if (t.fn === 'concat') t.columns.forEach((c) => refs.add(c));
    if (t.fn === 'pick-by-key') Object.values(t.columns).forEach((c) => refs.add(c));
  }
  return {
    name,
    refs: [...refs],
    read(row, subjectId) {
      let v: unknown = from === undefined ? null : row.get(from);
      for (const step of steps) {
        const next = step(v, row, subjectId);
        if (next instanceof Problem) return { value: toValue(v).value, flag: flag(name, next.message) };
        v = next;
      }
      const { value, problem } = toValue(v);
      if (problem) return { value, flag: flag(name, problem) };
      if (value === null || value === '') return { value };
      if (o.numeric && typeof value !== 'number') return { value, flag: flag(name, `not a number (${quote(value)})`) };
      const bad = o.check && typeof value === 'string' ? checkValue(o.check, value) : undefined;
      return bad ? { value, flag: flag(name, bad) } : { value };
    },
  };
}

/** Source values to what a record carries; objects and arrays are not field values. */
export function toValue(v: unknown): { value: Value; problem?: string } {
  if (v === null || v === undefined) return { value: null };
  if (typeof v === 'string') return { value: v };
  if (typeof v === 'number') return Number.isFinite(v) ? { value: v } : { value: null, problem: 'not a finite number' };
  if (typeof v === 'bigint') return { value: Number.isSafeInteger(Number(v)) ? Number(v) : v.toString() };
  if (typeof v === 'boolean') return { value: v ? 'true' : 'false' };
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? { value: null, problem: 'not a valid time' } : { value: v.toISOString() };
  if (Buffer.isBuffer(v)) return { value: null, problem: 'binary data, not a value' };
  return { value: null, problem: `not a single value (${Array.isArray(v) ? 'a list' : 'an object'})` };
}

/** One quality flag, with identifiers in it masked and its length within the envelope's limit. */
export function flag(field: string, message: string): string {
  const s = maskPersonalData(`${field}: ${message}`);
  return s.length > MAX_FLAG_LENGTH ? `${s.slice(0, MAX_FLAG_LENGTH - 1)}…` : s;
}

/** Keeps a record's flags within the envelope's limit (64). */
export function capFlags(flags: string[]): string[] {
  if (flags.length <= MAX_FLAGS) return flags;
  return [...flags.slice(0, MAX_FLAGS - 1), `… and ${flags.length - MAX_FLAGS + 1} more quality problems`];
}
