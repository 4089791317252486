// Building adapters from configuration. `createAdapter` turns one validated AdapterConfig into a
// SourceAdapter; `AdapterHost` is what a node keeps: its named database connections, the directories
// CSV adapters may read, every adapter by id (for health, replacement and shutdown). A configuration
// that does not validate never stops the node: the host gives an adapter that answers
// E_SOURCE_UNAVAILABLE and whose health names the problems.

import type { Logger } from 'pino';
import { TongbanError } from '../core/errors.js';
import type { DataElement } from '../catalog/model.js';
import { ADAPTER_KINDS, assertAdapterConfig, formatProblems, validateAdapterConfig, type AdapterKind, type ConfigProblem } from './config.js';
import { SqlConnections, type ConnectionSpec } from './connections.js';
import { csvAdapter } from './csv.js';
import { SourceHealth, sleep as realSleep, type AdapterHealth, type Clock } from './health.js';
import { httpAdapter } from './http.js';
import type { ConfiguredAdapter } from './index.js';
import { sqlAdapter } from './sql.js';
import type { FieldSpec } from './values.js';

export interface AdapterContext {
  /** the resource's fields: each must be mapped, and each value is checked against its element */
  fields?: ReadonlyArray<FieldSpec>;
  /** element lookup (default: the standard elements in catalog/elements.ts) */
  elements?: (code: string) => DataElement | undefined;
  /** named database connections (sql); without them an adapter opens its own from a URL */
  connections?: SqlConnections;
  /** where http header secrets are read (default process.env) */
  env?: Readonly<Record<string, string | undefined>>;
  /** relative CSV paths resolve against this (default: the working directory) */
  baseDir?: string;
  /** CSV files must lie under one of these directories */
  fileRoots?: readonly string[];
  /** milliseconds since the epoch (default Date.now); drives breakers, reload checks and health times */
  clock?: Clock;
  /** retry backoff waits (default: real timers) */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** names the source in errors and health, e.g. the source system (default: "<kind> source") */
  label?: string;
}

/**
 * A SourceAdapter from a configuration. Throws E_INVALID_CONFIG naming every problem (by path) when
 * the configuration does not validate; never touches the source before the first read.
 */
export function createAdapter(config: unknown, ctx: AdapterContext = {}): ConfiguredAdapter {
  const cfg = assertAdapterConfig(config, {
    ...(ctx.fields ? { fields: ctx.fields } : {}),
    ...(ctx.connections ? { connections: ctx.connections.names() } : {}),
  });
  const clock = ctx.clock ?? Date.now;
  const label = ctx.label ?? `${cfg.kind} source`;
  const mappingOpts = { ...(ctx.fields ? { fields: ctx.fields } : {}), ...(ctx.elements ? { elements: ctx.elements } : {}) };
  switch (cfg.kind) {
    case 'sql': {
      const own = ctx.connections ? undefined : new SqlConnections({ ...(ctx.baseDir ? { baseDir: ctx.baseDir } : {}) });
      const a = sqlAdapter(cfg, { ...mappingOpts, connections: ctx.connections ?? own!, clock, label });
      return own ? { ...a, close: () => own.close() } : a;
    }
    case 'http':
      return httpAdapter(cfg, { ...mappingOpts, clock, label, env: ctx.env ?? process.env, sleep: ctx.sleep ?? realSleep, ...(ctx.random ? { random: ctx.random } : {}) });
    case 'csv':
      return csvAdapter(cfg, { ...mappingOpts, clock, label, baseDir: ctx.baseDir ?? process.cwd(), ...(ctx.fileRoots ? { fileRoots: ctx.fileRoots } : {}) });
  }
}

/** An adapter standing in for a configuration that could not be used: every read says why. */
export function unusableAdapter(kind: AdapterKind, label: string, reason: string, clock: Clock = Date.now): ConfiguredAdapter {
  const health = new SourceHealth(kind, label, clock);
  health.noteError(reason);
  const error = () => new TongbanError('E_SOURCE_UNAVAILABLE', `${label}: the adapter configuration cannot be used (${reason})`);
  return {
    kind,
    health: () => health.snapshot(),
    close: async () => undefined,
    fetch: async () => {
      throw error();
    },
  };
}

export interface AdapterHostOptions {
  /** named connections from the node configuration (adapters.connections), plus e.g. `registries` */
  connections?: Record<string, ConnectionSpec>;
  baseDir?: string;
  fileRoots?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
  logger?: Logger;
}

/** The node's adapters by id, over shared connections. */
export class AdapterHost {
  readonly connections: SqlConnections;
  private readonly byId = new Map<string, ConfiguredAdapter>();

  constructor(private readonly o: AdapterHostOptions = {}) {
    this.connections = new SqlConnections({
      named: o.connections ?? {},
      ...(o.baseDir ? { baseDir: o.baseDir } : {}),
      ...(o.env ? { env: o.env } : {}),
    });
  }

  /** Problems with a configuration in this node (unknown connection names, unset secrets included). */
  validate(config: unknown, fields?: ReadonlyArray<{ name: string }>): ConfigProblem[] {
    return validateAdapterConfig(config, { connections: this.connections.names(), env: this.o.env ?? process.env, ...(fields ? { fields } : {}) });
  }

  /**
   * Builds (or replaces) adapter `id` for `o.owner` (the resource it serves; default: the id itself).
   * Each owner gets its own instance — an adapter is built for its resource's fields — so two
   * resources naming the same adapter never close each other's. Never throws: a configuration that
   * does not validate gives an adapter that answers E_SOURCE_UNAVAILABLE, and the problem is logged
   * and shown in its health.
   */
  create(id: string, config: unknown, o: { fields?: ReadonlyArray<FieldSpec>; label?: string; owner?: string } = {}): ConfiguredAdapter {
    const label = o.label ?? id;
    let adapter: ConfiguredAdapter;
    try {
      adapter = createAdapter(config, {
        ...(o.fields ? { fields: o.fields } : {}),
        connections: this.connections,
        ...(this.o.env ? { env: this.o.env } : {}),
        ...(this.o.baseDir ? { baseDir: this.o.baseDir } : {}),
        ...(this.o.fileRoots ? { fileRoots: this.o.fileRoots } : {}),
        ...(this.o.clock ? { clock: this.o.clock } : {}),
        label,
      });
    } catch (e) {
      const reason = e instanceof TongbanError ? (e.detail ?? e.code) : String(e);
      const kind = (config as { kind?: unknown } | null)?.kind;
      this.o.logger?.error({ adapter: id, problem: reason }, 'adapter configuration cannot be used');
      adapter = unusableAdapter(ADAPTER_KINDS.includes(kind as AdapterKind) ? (kind as AdapterKind) : 'sql', label, reason, this.o.clock);
    }
    // an owner's adapter is keyed "id (owner)": what health() shows, and what release() matches
    const key = o.owner === undefined ? id : `${id} (${o.owner})`;
    const old = this.byId.get(key);
    this.byId.set(key, adapter);
    if (old) void old.close().catch(() => undefined);
    return adapter;
  }

  /** Closes the adapters built for `owner` (a resource no longer served here). */
  release(owner: string): void {
    for (const [key, adapter] of this.byId) {
      if (key.endsWith(` (${owner})`)) {
        this.byId.delete(key);
        void adapter.close().catch(() => undefined);
      }
    }
  }

  /** Every adapter's health, by id (an adapter built for a resource: "id (resource)"). */
  health(): Record<string, AdapterHealth> {
    return Object.fromEntries([...this.byId].sort(([a], [b]) => a.localeCompare(b)).map(([key, a]) => [key, a.health()]));
  }

  async close(): Promise<void> {
    const all = [...this.byId.values()];
    this.byId.clear();
    await Promise.all(all.map((a) => a.close().catch(() => undefined)));
    await this.connections.close();
  }
}

export { formatProblems };
