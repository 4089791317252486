// The adapter configuration: how a data administrator connects a departmental system without code.
// One TypeBox schema (validated at the edge, shown in OpenAPI) with three kinds — a SQL table or
// view, an HTTP JSON API, a CSV file drop — sharing the field mapping and the closed list of value
// transforms. `validateAdapterConfig` names every problem by its path in the configuration.

import { Type, type Static, type TSchema } from 'typebox';
import AjvModule from 'ajv';
import { parseDatabaseUrl } from '../store/db.js';
import { TongbanError } from '../core/errors.js';

// ---- names and references --------------------------------------------------------------------

/** A resource field name, as on the wire. */
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** A plain SQL identifier: the only thing from a configuration that reaches SQL text (always quoted). */
export const SQL_IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** table, or schema.table */
export const SQL_TABLE = /^([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** A simple JSON path: `data.person.name`, `items[0].code`, `[0].id` (no wildcards, no filters). */
export const JSON_PATH = /^(?:[^.[\]\s]+|\[\d{1,4}\])(?:\.[^.[\]\s]+|\[\d{1,4}\])*$/;
/** An adapter's id in the catalog (DataResource.source.adapter). */
export const ADAPTER_ID = /^[a-z][a-z0-9_.-]{1,63}$/;
/** A named connection in the node configuration (adapters.connections). */
export const CONNECTION_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
/** An environment variable name (secrets are named, never written into a configuration). */
export const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,63}$/;

export { ADAPTER_KINDS, type AdapterKind } from './health-types.js';
import { ADAPTER_KINDS, type AdapterKind } from './health-types.js';

export const CODE_TABLES = ['gb2261-sex', 'gb3304-ethnicity'] as const;
export type CodeTableName = (typeof CODE_TABLES)[number];

export const DATE_FORMATS = ['auto', 'YYYYMMDD', 'YYYY-MM-DD', 'YYYY/MM/DD', 'YYYY.MM.DD', 'YYYY年MM月DD日'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

// ---- transforms (a closed list) --------------------------------------------------------------

const Ref = Type.String({ minLength: 1, maxLength: 128, description: 'a column (sql, csv) or a JSON path (http)' });
const Scalar = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Null()]);

const T = <F extends string, P extends Record<string, TSchema>>(fn: F, description: string, props: P) =>
  Type.Object({ fn: Type.Literal(fn), ...props }, { additionalProperties: false, description });

export const TRANSFORM_SCHEMAS = {
  trim: T('trim', 'removes white space (including full-width spaces) at both ends', {}),
  upper: T('upper', 'upper case (e.g. the x of an ID number)', {}),
  lower: T('lower', 'lower case', {}),
  'code-table': T('code-table', 'a code to its name: a national table (GB/T 2261.1 sex, GB/T 3304 ethnic group) or an inline map', {
    table: Type.Optional(Type.Enum([...CODE_TABLES])),
    map: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }))),
    unknown: Type.Optional(Type.Enum(['flag', 'keep', 'null'], { description: 'a code not in the table: keep it with a quality flag (default), keep it silently, or null' })),
  }),
  'division-name': T('division-name', 'a GB/T 2260 division code to its full name (340104 → 安徽省合肥市蜀山区)', {}),
  date: T('date', 'a department date (YYYYMMDD, YYYY/MM/DD, YYYY-MM-DD, YYYY.MM.DD, YYYY年M月D日, with or without a time) to YYYY-MM-DD', {
    format: Type.Optional(Type.Enum([...DATE_FORMATS])),
  }),
  datetime: T('datetime', 'a department time (local Asia/Shanghai unless it carries an offset) to ISO-8601 UTC', {}),
  number: T('number', 'numeric text to a number', {}),
  slice: T('slice', 'characters start..end (0-based, end exclusive) of a text, e.g. the birth date in an ID number', {
    start: Type.Integer({ minimum: 0, maximum: 1000 }),
    end: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  }),
  concat: T('concat', 'the values of several columns (or paths) joined; empty ones are skipped', {
    columns: Type.Array(Ref, { minItems: 1, maxItems: 16 }),
    separator: Type.Optional(Type.String({ maxLength: 16 })),
  }),
  constant: T('constant', 'a fixed value', { value: Scalar }),
  default: T('default', 'a value for empty or missing ones', { value: Type.Union([Type.String({ maxLength: 1000 }), Type.Number()]) }),
  'pick-by-key': T('pick-by-key', 'the column paired with the key column the subject matched (e.g. the spouse: husband_id_number → wife_name)', {
    columns: Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Ref),
  }),
} as const;

export type TransformName = keyof typeof TRANSFORM_SCHEMAS;
export const TRANSFORM_NAMES = Object.keys(TRANSFORM_SCHEMAS) as TransformName[];
/** transforms that produce a value without reading `from` */
export const SOURCE_TRANSFORMS: readonly TransformName[] = ['concat', 'constant', 'pick-by-key'];

export const TransformSchema = Type.Union(Object.values(TRANSFORM_SCHEMAS) as unknown as [typeof TRANSFORM_SCHEMAS.trim], { description: 'a value transform' });
export type Transform = { [K in TransformName]: Static<(typeof TRANSFORM_SCHEMAS)[K]> }[TransformName];

// ---- the field mapping ------------------------------------------------------------------------

const mappingObject = <X extends TSchema>(transform: X) =>
  Type.Object(
    {
      from: Type.Optional(Ref),
      transforms: Type.Optional(Type.Array(transform, { maxItems: 16 })),
    },
    { additionalProperties: false },
  );

const mapping = <X extends TSchema>(transform: X) =>
  Type.Union([Ref, mappingObject(transform)], { description: 'a column / JSON path, or { from, transforms }' });

export const FieldMappingSchema = mapping(TransformSchema);
/** A resource field's source: a column (sql, csv) or JSON path (http), optionally through transforms. */
export type FieldMapping = string | { from?: string; transforms?: Transform[] };

const Fields = <M extends TSchema>(m: M) =>
  Type.Record(Type.String({ pattern: FIELD_NAME.source }), m, { description: 'resource field → its source', minProperties: 1, maxProperties: 128 });

const BreakerSchema = Type.Object(
  {
    failures: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'consecutive failed reads that open the breaker (default 5)' })),
    coolDownMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000, description: 'how long it stays open before one trial read (default 30000)' })),
  },
  { additionalProperties: false, description: 'circuit breaker: fail fast while the source is down' },
);

// ---- the three kinds ----------------------------------------------------------------------------

const sqlSchema = <M extends TSchema>(m: M) =>
  Type.Object(
    {
      kind: Type.Literal('sql'),
      connection: Type.String({ minLength: 1, maxLength: 2000, description: 'a named connection (adapters.connections in the node config) or a sqlite:/postgres:// URL without a password' }),
      table: Type.String({ pattern: SQL_TABLE.source, description: 'table or view, optionally schema.table' }),
      keys: Type.Array(Type.String({ pattern: SQL_IDENT.source }), { minItems: 1, maxItems: 8, uniqueItems: true, description: 'columns the subject id is looked up in; any may match' }),
      latestBy: Type.Optional(Type.String({ pattern: SQL_IDENT.source, description: 'several rows may match: take the latest by this column' })),
      fields: Fields(m),
      dataTime: Type.Optional(m),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 120_000, description: 'default 5000' })),
      breaker: Type.Optional(BreakerSchema),
    },
    { additionalProperties: false, description: 'a table or view in SQLite or PostgreSQL' },
  );

const SecretHeader = Type.Object(
  {
    env: Type.String({ pattern: ENV_NAME.source, description: 'environment variable holding the value' }),
    prefix: Type.Optional(Type.String({ maxLength: 32, description: 'e.g. "Bearer "' })),
  },
  { additionalProperties: false },
);

const httpSchema = <M extends TSchema>(m: M) =>
  Type.Object(
    {
      kind: Type.Literal('http'),
      url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000, description: 'URL template; {subject} is replaced by the URL-encoded subject id' }),
      method: Type.Optional(Type.Enum(['GET', 'POST'])),
      body: Type.Optional(Type.Unknown({ description: 'POST: a JSON body; strings equal to or containing {subject} get the subject id' })),
      headers: Type.Optional(
        Type.Record(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }), Type.Union([Type.String({ maxLength: 1000 }), SecretHeader]), {
          description: 'literal values, or { env } for credentials',
          maxProperties: 32,
        }),
      ),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 120_000, description: 'per attempt; default 5000' })),
      retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, description: 'extra attempts for idempotent reads (default 2)' })),
      backoffMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000, description: 'first retry delay, doubled each time (default 200)' })),
      idempotent: Type.Optional(Type.Boolean({ description: 'may a failed request be repeated? default: GET yes, POST no' })),
      breaker: Type.Optional(BreakerSchema),
      okWhen: Type.Optional(
        Type.Object(
          {
            path: Type.String({ pattern: JSON_PATH.source }),
            equals: Type.Array(Type.Union([Type.String({ maxLength: 64 }), Type.Number(), Type.Boolean()]), { minItems: 1, maxItems: 16 }),
            messagePath: Type.Optional(Type.String({ pattern: JSON_PATH.source })),
          },
          { additionalProperties: false, description: 'APIs that answer 200 with a status field: the answer is good only when path equals one of these' },
        ),
      ),
      notFoundWhen: Type.Optional(
        Type.Object(
          { path: Type.String({ pattern: JSON_PATH.source }), equals: Type.Array(Type.Union([Type.String({ maxLength: 64 }), Type.Number(), Type.Boolean()]), { minItems: 1, maxItems: 16 }) },
          { additionalProperties: false, description: 'a status value meaning "no such subject" (besides HTTP 404)' },
        ),
      ),
      record: Type.Optional(Type.String({ pattern: JSON_PATH.source, description: 'where the record is in the answer (default: the answer itself); an array must hold exactly one' })),
      subjectPath: Type.Optional(Type.String({ pattern: JSON_PATH.source, description: 'path in the record holding the subject id; a different id is refused' })),
      fields: Fields(m),
      dataTime: Type.Optional(m),
      maxBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, description: 'largest answer read (default 1 MiB)' })),
    },
    { additionalProperties: false, description: 'an HTTP JSON API of a department' },
  );

const csvSchema = <M extends TSchema>(m: M) =>
  Type.Object(
    {
      kind: Type.Literal('csv'),
      path: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'the file' })),
      directory: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'or a drop directory: the newest file matching pattern wins' })),
      pattern: Type.Optional(Type.String({ pattern: '^[^/\\\\]{1,128}$', description: 'file name with * and ?, e.g. hukou_*.csv (default *.csv)' })),
      delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 1, description: 'one character (default ,)' })),
      header: Type.Optional(Type.Boolean({ description: 'the first line names the columns (default true)' })),
      columns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 512, description: 'column names when there is no header' })),
      encoding: Type.Optional(Type.Enum(['utf-8', 'gbk', 'gb18030'])),
      keys: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 8, uniqueItems: true }),
      latestBy: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      fields: Fields(m),
      dataTime: Type.Optional(m),
      reloadCheckMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'how often to look for a changed file (default 2000)' })),
      settleSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600, description: 'drop directory: a file is read once unchanged this long, so a copy in progress is never read (default 10)' })),
    },
    { additionalProperties: false, description: 'a CSV file exported by a department' },
  );

export const SqlAdapterConfigSchema = sqlSchema(FieldMappingSchema);
export const HttpAdapterConfigSchema = httpSchema(FieldMappingSchema);
export const CsvAdapterConfigSchema = csvSchema(FieldMappingSchema);

/** The adapter configuration, as stored by the catalog and accepted by its API. */
export const AdapterConfigSchema = Type.Union([SqlAdapterConfigSchema, HttpAdapterConfigSchema, CsvAdapterConfigSchema], {
  $id: 'AdapterConfig',
  description: 'a source adapter configured without code (kind: sql | http | csv)',
});

type WithMapping<S, F> = Omit<S, 'fields' | 'dataTime'> & { fields: Record<string, F>; dataTime?: F };
export type SqlAdapterConfig = WithMapping<Static<typeof SqlAdapterConfigSchema>, FieldMapping>;
export type HttpAdapterConfig = WithMapping<Static<typeof HttpAdapterConfigSchema>, FieldMapping>;
export type CsvAdapterConfig = WithMapping<Static<typeof CsvAdapterConfigSchema>, FieldMapping>;
export type AdapterConfig = SqlAdapterConfig | HttpAdapterConfig | CsvAdapterConfig;

// ---- validation -----------------------------------------------------------------------------------

export interface ConfigProblem {
  /** where in the configuration: `fields.birthDate.transforms[0].format` ('' for the whole) */
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** the resource's fields: every one needs a mapping, and nothing else may be mapped */
  fields?: ReadonlyArray<{ name: string }>;
  /** named connections known to the node; an unknown name is a problem */
  connections?: readonly string[];
  /** environment to check that secrets exist (omit to skip that check) */
  env?: Readonly<Record<string, string | undefined>>;
}

const Ajv = AjvModule.default ?? AjvModule;
const ajv = new Ajv({ allErrors: true, strict: false });
// Validation runs in layers so that every message comes from the one schema that applies (a union
// would report the failures of every branch): the kind with opaque mappings, then each mapping,
// then each transform by its `fn`.
const loose = {
  sql: ajv.compile(sqlSchema(Type.Unknown())),
  http: ajv.compile(httpSchema(Type.Unknown())),
  csv: ajv.compile(csvSchema(Type.Unknown())),
};
const looseMappingObject = ajv.compile(mappingObject(Type.Unknown()));
const transformValidators = Object.fromEntries(TRANSFORM_NAMES.map((n) => [n, ajv.compile(TRANSFORM_SCHEMAS[n])])) as Record<TransformName, ReturnType<typeof ajv.compile>>;

/**
 * Every problem in an adapter configuration, each named by its path. An empty list means it can be
 * used. Never throws.
 */
export function validateAdapterConfig(config: unknown, opts: ValidateOptions = {}): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    add('', 'must be an object with a kind (sql, http or csv)');
    return problems;
  }
  const c = config as Record<string, unknown>;
  if (!ADAPTER_KINDS.includes(c.kind as AdapterKind)) {
    add('kind', `must be one of sql, http, csv${c.kind === undefined ? '' : ` (got ${JSON.stringify(c.kind)?.slice(0, 40)})`}`);
    return problems;
  }
  const kind = c.kind as AdapterKind;
  const v = loose[kind];
  if (!v(c)) problems.push(...describeAjv(v.errors ?? [], '', c));
  const fields = c.fields && typeof c.fields === 'object' && !Array.isArray(c.fields) ? (c.fields as Record<string, unknown>) : {};
  const keys = Array.isArray(c.keys) ? (c.keys as unknown[]).filter((k): k is string => typeof k === 'string') : [];
  const mappings: Array<[string, unknown]> = Object.entries(fields).map(([n, m]) => [`fields.${n}`, m]);
  if (c.dataTime !== undefined) mappings.push(['dataTime', c.dataTime]);
  for (const name of Object.keys(fields)) if (!FIELD_NAME.test(name)) add(`fields.${name}`, 'is not a field name (a letter, then up to 63 letters, digits or _)');
  for (const [path, m] of mappings) checkMapping(kind, path, m, keys, add);

  if (kind === 'sql') checkSql(c, opts, add);
  if (kind === 'http') checkHttp(c, opts, add);
  if (kind === 'csv') checkCsv(c, add);

  if (opts.fields) {
    const wanted = new Set(opts.fields.map((f) => f.name));
    for (const f of wanted) if (!(f in fields)) add(`fields.${f}`, `the resource has a field "${f}" but the adapter does not map it`);
    for (const f of Object.keys(fields)) if (!wanted.has(f)) add(`fields.${f}`, `the resource has no field "${f}"`);
  }
  return problems;
}

/** Throws E_INVALID_CONFIG naming every problem, or returns the config typed. */
export function assertAdapterConfig(config: unknown, opts: ValidateOptions = {}, label = 'adapter'): AdapterConfig {
  const problems = validateAdapterConfig(config, opts);
  if (problems.length > 0) throw new TongbanError('E_INVALID_CONFIG', `${label}: ${formatProblems(problems)}`);
  return config as AdapterConfig;
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
}

type Add = (path: string, message: string) => void;

function checkRef(kind: AdapterKind, path: string, ref: unknown, add: Add): void {
  if (typeof ref !== 'string') return; // the schema has said so
  if (kind === 'sql' && !SQL_IDENT.test(ref)) add(path, `"${ref.slice(0, 40)}" is not a plain column name (letters, digits, _)`);
  if (kind === 'http' && !JSON_PATH.test(ref)) add(path, `"${ref.slice(0, 40)}" is not a simple JSON path such as data.person.name or items[0].code`);
}

function checkMapping(kind: AdapterKind, path: string, m: unknown, keys: string[], add: Add): void {
  if (typeof m === 'string') {
    if (m.length === 0 || m.length > 128) add(path, 'must be 1–128 characters');
    else checkRef(kind, path, m, add);
    return;
  }
  if (m === null || typeof m !== 'object' || Array.isArray(m)) {
    add(path, 'must be a column / JSON path, or { from, transforms }');
    return;
  }
  if (!looseMappingObject(m)) {
    for (const p of describeAjv(looseMappingObject.errors ?? [], path, m)) add(p.path, p.message);
    return;
  }
  const o = m as { from?: string; transforms?: unknown[] };
  if (o.from !== undefined) checkRef(kind, `${path}.from`, o.from, add);
  const transforms = o.transforms ?? [];
  const first = transforms[0] as { fn?: unknown } | undefined;
  const produces = first && SOURCE_TRANSFORMS.includes(first.fn as TransformName);
  if (o.from === undefined && !produces) add(path, 'needs "from", or a first transform that produces a value (concat, constant, pick-by-key)');
  transforms.forEach((t, i) => checkTransform(kind, `${path}.transforms[${i}]`, t, keys, add));
}

function checkTransform(kind: AdapterKind, path: string, t: unknown, keys: string[], add: Add): void {
  if (t === null || typeof t !== 'object' || Array.isArray(t)) {
    add(path, 'must be an object with fn');
    return;
  }
  const fn = (t as { fn?: unknown }).fn;
  if (!TRANSFORM_NAMES.includes(fn as TransformName)) {
    add(`${path}.fn`, `must be one of ${TRANSFORM_NAMES.join(', ')}${fn === undefined ? '' : ` (got ${JSON.stringify(fn)?.slice(0, 40)})`}`);
    return;
  }
  const v = transformValidators[fn as TransformName];
  if (!v(t)) {
    for (const p of describeAjv(v.errors ?? [], path, t)) add(p.path, p.message);
    return;
  }
  const x = t as Transform;
  if (x.fn === 'code-table') {
    if ((x.table === undefined) === (x.map === undefined)) add(path, 'needs exactly one of table (gb2261-sex, gb3304-ethnicity) or map');
    else if (x.map && Object.keys(x.map).length === 0) add(`${path}.map`, 'is empty');
  }
  if (x.fn === 'slice' && x.end !== undefined && x.end <= x.start) add(`${path}.end`, 'must be greater than start');
  if (x.fn === 'concat') x.columns.forEach((col, i) => checkRef(kind, `${path}.columns[${i}]`, col, add));
  if (x.fn === 'pick-by-key') {
    if (kind === 'http') add(path, 'pick-by-key needs key columns; an http adapter has none');
    const entries = Object.entries(x.columns);
    if (entries.length === 0) add(`${path}.columns`, 'names no key column');
    for (const [k, col] of entries) {
      if (kind !== 'http' && !keys.includes(k)) add(`${path}.columns.${k}`, `"${k}" is not one of the key columns (${keys.join(', ')})`);
      checkRef(kind, `${path}.columns.${k}`, col, add);
    }
  }
}

function checkSql(c: Record<string, unknown>, opts: ValidateOptions, add: Add): void {
  const conn = c.connection;
  if (typeof conn !== 'string') return;
  if (/^(sqlite:|postgres(ql)?:\/\/)/.test(conn)) {
    try {
      const target = parseDatabaseUrl(conn);
      if (target.engine === 'postgres' && new URL(target.location).password) {
        add('connection', 'holds a password: use a named connection (adapters.connections in the node config, with urlFromEnv) or PGPASSWORD');
      }
    } catch (e) {
      add('connection', ((e as TongbanError).detail ?? String(e)).replace(/^database: /, ''));
    }
  } else if (!CONNECTION_NAME.test(conn)) {
    add('connection', 'must be a connection name (lower-case letters, digits, - and _) or a sqlite:/postgres:// URL');
  } else if (opts.connections && !opts.connections.includes(conn)) {
    add('connection', `no connection named "${conn}" in the node configuration (known: ${opts.connections.join(', ') || 'none'})`);
  }
  if (typeof c.latestBy === 'string' && Array.isArray(c.keys) && (c.keys as unknown[]).includes(c.latestBy)) add('latestBy', 'is a key column; take the latest by a date or sequence column');
}

const CREDENTIAL_HEADER = /authorization|token|secret|password|passwd|api-?key|app-?key|cookie|signature/i;

function checkHttp(c: Record<string, unknown>, opts: ValidateOptions, add: Add): void {
  if (typeof c.url === 'string') {
    let u: URL | undefined;
    try {
      u = new URL(c.url.replaceAll('{subject}', 'x'));
    } catch {
      add('url', 'is not a valid URL');
    }
    if (u && (u.username || u.password)) add('url', 'holds credentials: put them in a header from an environment variable ({ env: NAME })');
    if (u && /[?&](access_?token|token|secret|app_?secret|password|api_?key|sign)=/i.test(u.search)) add('url', 'carries a credential in its query: send it in a header from an environment variable');
    const inBody = c.body !== undefined && JSON.stringify(c.body).includes('{subject}');
    if (!c.url.includes('{subject}') && !inBody) add('url', 'must contain {subject} (or the POST body must)');
    const rest = c.url.replaceAll('{subject}', '');
    if (/[{}]/.test(rest)) add('url', 'the only placeholder is {subject}');
  }
  if (c.body !== undefined) {
    if (c.method !== 'POST') add('body', 'a body needs method POST');
    if (c.body === null || typeof c.body !== 'object') add('body', 'must be a JSON object or array');
    else if (JSON.stringify(c.body).length > 8192) add('body', 'is larger than 8 KiB');
  }
  const headers = c.headers && typeof c.headers === 'object' ? (c.headers as Record<string, unknown>) : {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' && CREDENTIAL_HEADER.test(name)) {
      add(`headers.${name}`, 'looks like a credential: name an environment variable instead ({ env: NAME, prefix: "Bearer " })');
    }
    if (value && typeof value === 'object' && opts.env) {
      const env = (value as { env?: unknown }).env;
      if (typeof env === 'string' && !opts.env[env]) add(`headers.${name}.env`, `environment variable ${env} is not set`);
    }
    if (/^(host|content-length|transfer-encoding|connection)$/i.test(name)) add(`headers.${name}`, 'is set by the adapter');
  }
}

function checkCsv(c: Record<string, unknown>, add: Add): void {
  if ((c.path === undefined) === (c.directory === undefined)) add('path', 'needs exactly one of path (a file) or directory (+ pattern)');
  if (c.pattern !== undefined && c.directory === undefined) add('pattern', 'only applies with directory');
  if (c.header === false && c.columns === undefined) add('columns', 'without a header line, name the columns');
  if (typeof c.delimiter === 'string' && /["\r\n]/.test(c.delimiter)) add('delimiter', 'cannot be a quote or a line break');
  const columns = Array.isArray(c.columns) ? (c.columns as unknown[]) : undefined;
  if (columns) {
    for (const k of Array.isArray(c.keys) ? (c.keys as unknown[]) : []) {
      if (typeof k === 'string' && !columns.includes(k)) add('keys', `"${k}" is not one of columns`);
    }
  }
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Ajv's errors as one problem per path: `timeoutMs: must be ≤ 120000 (got 500000)`. */
function describeAjv(errors: AjvError[], base: string, root: unknown): ConfigProblem[] {
  const byPath = new Map<string, string>();
  const hasAnyOf = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    let path = pointerToPath(e.instancePath);
    let msg: string;
    switch (e.keyword) {
      case 'additionalProperties':
        path = join(path, String(e.params.additionalProperty));
        msg = 'unknown setting (check the spelling)';
        break;
      case 'required':
        path = join(path, String(e.params.missingProperty));
        msg = 'is required';
        break;
      case 'enum':
        msg = `must be one of ${(e.params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`;
        break;
      case 'const':
        msg = `must be ${JSON.stringify(e.params.allowedValue)}`;
        break;
      case 'anyOf':
        msg = 'has the wrong type or shape';
        break;
      case 'type':
        if (hasAnyOf.has(e.instancePath)) continue;
        msg = e.message ?? 'has the wrong type';
        break;
      case 'pattern':
        msg = 'has the wrong format';
        break;
      case 'propertyNames':
        continue; // the pattern error on the name itself says it
      default:
        msg = e.message ?? e.keyword;
    }
    const got = valueAt(root, e.instancePath);
    if (got !== undefined && !['additionalProperties', 'required', 'anyOf'].includes(e.keyword) && (typeof got !== 'object' || got === null)) {
      msg += ` (got ${JSON.stringify(got)?.slice(0, 60)})`;
    }
    const full = join(base, path);
    if (!byPath.has(full)) byPath.set(full, msg);
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}

function pointerToPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  }
  return out;
}

function join(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return b.startsWith('[') ? a + b : `${a}.${b}`;
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}
