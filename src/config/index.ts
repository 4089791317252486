// config: reading, validating and normalising a server's configuration file. Every message names
// the field that is wrong and why, so an operator can fix the file without reading code.

import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import AjvModule from 'ajv';
import YAML from 'yaml';
import { TongbanError } from '../core/errors.js';
import type { SuiteName } from '../core/crypto/suite.js';
import { parseDatabaseUrl } from '../store/db.js';
import { ConfigSchema, type RawConfig } from './schema.js';
import { validateDivisionCode } from '../core/ids/index.js';
import type { AccessRule } from '../policy/access.js';
import { endpointProblem } from '../federation/documents.js';
import { validateAdapterConfig } from '../adapters/config.js';

export type Role = 'hub' | 'node';

export interface ServerConfig {
  role: Role;
  region: { code: string; name: string };
  listen: { host: string; port: number };
  /** absent until known when listen.port is 0; see resolvePublicUrl */
  publicUrl?: string;
  /** database URL with sqlite paths made absolute */
  database: string;
  dataDir: string;
  hub?: { url: string; keyId?: string; refreshSeconds: number };
  suite: SuiteName;
  trustListValiditySeconds: number;
  registries?: string;
  /** source adapter settings: named departmental connections (sqlite paths absolute) and readable file roots */
  adapters: { connections: Record<string, { url: string } | { urlFromEnv: string }>; fileRoots: string[]; sources: Record<string, unknown> };
  exchange: ExchangeSettings;
  /** hub: the relay's metadata log (hub_relay_log) keeps rows this many days */
  relay: { logRetentionDays: number };
  log: { level: string; file?: string };
  /** where the config came from, for messages */
  source: string;
}

export interface ExchangeSettings {
  clockWindowMs: number;
  syncBudgetMs: number;
  requestTimeoutMs: number;
  /** inbox rows, delivered outbox rows and answered conversations are kept this many days */
  deliveryRetentionDays: number;
  defaultRoute: 'direct' | 'relay';
  partners: Record<string, { route: 'direct' | 'relay' }>;
  /** provider access rules; none means nobody may read anything (deny by default) */
  access: AccessRule[];
}

export const HUB_IDENTITY = { code: '000000', name: '国家枢纽' } as const;
const DEFAULT_TRUST_LIST_VALIDITY = 24 * 3600;
const DEFAULT_HUB_REFRESH = 60;

const Ajv = AjvModule.default ?? AjvModule;
const validate = new Ajv({ allErrors: true, strict: false }).compile(ConfigSchema);

/** Reads a JSON or YAML config file and returns the validated, normalised config. */
export function loadConfig(path: string, role: Role): ServerConfig {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TongbanError('E_INVALID_CONFIG', `${path}: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code})`}`);
  }
  return configFromObject(parseConfigText(text, abs), { baseDir: dirname(abs), role, source: path });
}

/** The role a config file is for: its `role` field, else node if it names a hub to join. */
export function roleOfConfigFile(path: string): Role {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TongbanError('E_INVALID_CONFIG', `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
  const r = parseConfigText(text, path) as { role?: unknown; hub?: unknown } | null;
  if (r && (r.role === 'hub' || r.role === 'node')) return r.role;
  return r && r.hub ? 'node' : 'hub';
}

export function parseConfigText(text: string, source: string): unknown {
  const ext = extname(source).toLowerCase();
  if (ext === '.json') {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new TongbanError('E_INVALID_CONFIG', `${source}: not valid JSON (${(e as Error).message})`);
    }
  }
  // YAML is a superset of JSON, so anything else is read as YAML.
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0] ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}` : '';
    throw new TongbanError('E_INVALID_CONFIG', `${source}: not valid YAML${where} (${first.message.split('\n')[0]})`);
  }
  return doc.toJS();
}

export interface NormaliseOptions {
  baseDir: string;
  role: Role;
  source: string;
}

export function configFromObject(obj: unknown, opts: NormaliseOptions): ServerConfig {
  const where = opts.source;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new TongbanError('E_INVALID_CONFIG', `${where}: the top level must be a mapping of settings`);
  }
  if (!validate(obj)) {
    const messages = describeErrors(validate.errors ?? [], obj);
    throw new TongbanError('E_INVALID_CONFIG', `${where}: ${messages.join('; ')}`);
  }
  const raw = obj as RawConfig;
  const problems: string[] = [];
  if (raw.role && raw.role !== opts.role) problems.push(`role: the file is for a ${raw.role}, but it was started as a ${opts.role}`);
  if (opts.role === 'node') {
    if (!raw.region) problems.push('region: a node needs region.code and region.name');
    if (!raw.hub) problems.push('hub: a node needs hub.url (the federation hub it joins)');
  }
  if (opts.role === 'hub' && raw.hub) problems.push('hub: a hub does not join another hub; remove the hub section');
  // what the hub will accept as this node's endpoint (trailing slashes dropped)
  const publicUrl = raw.publicUrl?.replace(/\/+$/, '');
  const publicUrlProblem = publicUrl ? endpointProblem(publicUrl) : undefined;
  if (publicUrlProblem) problems.push(`publicUrl: ${publicUrlProblem}`);
  if (opts.role === 'node' && raw.region) {
    const v = validateDivisionCode(raw.region.code);
    if (!v.valid) problems.push(`region.code: ${v.reason}`);
  }
  try {
    parseDatabaseUrl(raw.database, opts.baseDir);
    if (raw.registries) parseDatabaseUrl(raw.registries, opts.baseDir);
  } catch (e) {
    problems.push((e as TongbanError).detail ?? String(e));
  }
  const connectionNames = [...Object.keys(raw.adapters?.connections ?? {}), ...(raw.registries ? ['registries'] : [])];
  for (const [id, source] of Object.entries(raw.adapters?.sources ?? {})) {
    for (const p of validateAdapterConfig(source, { connections: connectionNames })) problems.push(`adapters.sources.${id}.${p.path}: ${p.message}`);
  }
  for (const [name, spec] of Object.entries(raw.adapters?.connections ?? {})) {
    if (name === 'registries' && raw.registries) problems.push('adapters.connections.registries: the name is taken by the registries setting');
    if ('url' in spec) {
      try {
        parseDatabaseUrl(spec.url, opts.baseDir);
      } catch (e) {
        problems.push(`adapters.connections.${name}.url: ${((e as TongbanError).detail ?? String(e)).replace(/^database: /, '')}`);
      }
    }
  }
  if (problems.length > 0) throw new TongbanError('E_INVALID_CONFIG', `${where}: ${problems.join('; ')}`);

  const listen = { host: raw.listen?.host ?? '127.0.0.1', port: raw.listen?.port ?? (opts.role === 'hub' ? 7300 : 7301) };
  const cfg: ServerConfig = {
    role: opts.role,
    region: raw.region ?? { ...HUB_IDENTITY },
    listen,
    database: absolutiseSqlite(raw.database, opts.baseDir),
    dataDir: resolvePath(raw.dataDir ?? 'data', opts.baseDir),
    suite: raw.crypto?.suite ?? 'sm2-sm3',
    trustListValiditySeconds: raw.trustList?.validitySeconds ?? DEFAULT_TRUST_LIST_VALIDITY,
    exchange: {
      clockWindowMs: (raw.exchange?.clockWindowSeconds ?? 300) * 1000,
      syncBudgetMs: raw.exchange?.syncBudgetMs ?? 3000,
      requestTimeoutMs: raw.exchange?.requestTimeoutMs ?? 15_000,
      deliveryRetentionDays: raw.exchange?.deliveryRetentionDays ?? 90,
      defaultRoute: raw.exchange?.defaultRoute ?? 'direct',
      partners: raw.exchange?.partners ?? {},
      access: (raw.exchange?.access ?? []) as AccessRule[],
    },
    relay: { logRetentionDays: raw.relay?.logRetentionDays ?? 365 },
    adapters: {
      connections: Object.fromEntries(
        Object.entries(raw.adapters?.connections ?? {}).map(([name, spec]) => [name, 'url' in spec ? { url: absolutiseSqlite(spec.url, opts.baseDir) } : spec]),
      ),
      fileRoots: (raw.adapters?.fileRoots ?? []).map((p) => resolvePath(p, opts.baseDir)),
      sources: raw.adapters?.sources ?? {},
    },
    log: { level: raw.log?.level ?? 'info', ...(raw.log?.file ? { file: resolvePath(raw.log.file, opts.baseDir) } : {}) },
    source: opts.source,
  };
  if (publicUrl) cfg.publicUrl = publicUrl;
  else if (listen.port !== 0) cfg.publicUrl = `http://${urlHost(listen.host)}:${listen.port}`;
  if (raw.hub) {
    cfg.hub = {
      url: raw.hub.url.replace(/\/+$/, ''),
      refreshSeconds: raw.hub.refreshSeconds ?? DEFAULT_HUB_REFRESH,
      ...(raw.hub.keyId ? { keyId: raw.hub.keyId } : {}),
    };
  }
  if (raw.registries) cfg.registries = absolutiseSqlite(raw.registries, opts.baseDir);
  return cfg;
}

/** The URL peers use, once the real port is known. */
export function resolvePublicUrl(cfg: ServerConfig, boundPort: number): string {
  return cfg.publicUrl ?? `http://${urlHost(cfg.listen.host)}:${boundPort}`;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function resolvePath(p: string, baseDir: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

function absolutiseSqlite(url: string, baseDir: string): string {
  if (!url.startsWith('sqlite:') || url === 'sqlite::memory:') return url;
  return `sqlite:${resolvePath(url.slice('sqlite:'.length), baseDir)}`;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns Ajv's errors into one line per field, e.g. `listen.port: must be ≤ 65535 (got 70000)`. */
function describeErrors(errors: AjvError[], root: unknown): string[] {
  const byPath = new Map<string, string>();
  for (const e of errors) {
    // anyOf/const noise: the enum keyword already says it better
    if (e.keyword === 'anyOf' || e.keyword === 'const' || e.keyword === 'if') continue;
    let path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    let msg: string;
    switch (e.keyword) {
      case 'additionalProperties':
        path = [path, String(e.params.additionalProperty)].filter(Boolean).join('.');
        msg = 'unknown setting (check the spelling)';
        break;
      case 'required':
        path = [path, String(e.params.missingProperty)].filter(Boolean).join('.');
        msg = 'is required';
        break;
      case 'enum':
        msg = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'pattern':
        msg = patternHint(path);
        break;
      default:
        msg = e.message ?? e.keyword;
    }
    const got = valueAt(root, e.instancePath);
    if (got !== undefined && e.keyword !== 'additionalProperties' && e.keyword !== 'required') {
      msg += ` (got ${JSON.stringify(got)?.slice(0, 60)})`;
    }
    if (!byPath.has(path || '(top level)')) byPath.set(path || '(top level)', msg);
  }
  return [...byPath].map(([p, m]) => `${p}: ${m}`);
}

function patternHint(path: string): string {
  if (path === 'database' || path === 'registries') return 'must be sqlite:PATH or postgres://user@host:port/db';
  if (path.endsWith('code')) return 'must be a 6-digit GB/T 2260 division code such as 340000';
  if (path.endsWith('url') || path.endsWith('Url')) return 'must be an http:// or https:// URL';
  if (path.endsWith('keyId')) return 'must look like sm2-sm3:<32 hex digits> or ed25519:<32 hex digits>';
  return 'has the wrong format';
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
