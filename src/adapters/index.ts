// adapters: how a node reads its region's departmental systems. A resource (数据资源) is what the
// federation can ask for — its fields with labels and sensitivity, its owner department and source
// system — bound to a source adapter that fetches one subject's record and maps the department's
// columns onto the resource's fields. Adapters are configured without code (`AdapterConfig` in
// ./config.ts: a SQL table, an HTTP JSON API or a CSV file drop) and built by `createAdapter`
// (./create.ts); values are checked against their data elements on read and problems travel as
// quality flags. The exchange path only ever sees the SourceAdapter interface below.

import { TongbanError } from '../core/errors.js';
import type { AdapterKind } from './config.js';
import type { AdapterHealth } from './health.js';

export type FieldType = 'string' | 'date' | 'code' | 'number';
export type Sensitivity = 'general' | 'sensitive';

export interface FieldDef {
  name: string;
  /** the standard data element it carries (catalog/elements.ts); its check runs on every read */
  element?: string;
  label: { zh: string; en: string };
  type: FieldType;
  /** sensitive fields need the data subject's authorisation (个人敏感信息) */
  sensitivity: Sensitivity;
}

/** 共享类型: 无条件共享 / 有条件共享 / 不予共享 */
export type SharingType = 'unconditional' | 'conditional' | 'none';

export interface ResourceDef {
  id: string;
  name: { zh: string; en: string };
  /** owner department (数据提供部门), e.g. 安徽省公安厅 */
  department: string;
  /** the department's system the data comes from */
  sourceSystem: string;
  subjectType: 'citizen' | 'enterprise';
  sharing: SharingType;
  fields: FieldDef[];
}

export interface SourceRecord {
  values: Record<string, string | number | null>;
  /** when the source last changed this record (ISO UTC) */
  dataTime: string;
  /** quality flags found while reading (e.g. "birthDate: not a valid date") */
  quality: string[];
}

export interface SourceAdapter {
  /**
   * One subject's record, only the named fields. Throws E_SUBJECT_NOT_FOUND, E_AMBIGUOUS_SUBJECT or
   * E_SOURCE_UNAVAILABLE; never another kind of error.
   */
  fetch(subjectId: string, fields: string[], signal?: AbortSignal): Promise<SourceRecord>;
  /** the adapter's health record (configured adapters have one) */
  health?(): AdapterHealth;
  /** releases files, connections and sockets */
  close?(): Promise<void>;
}

/** An adapter built from an AdapterConfig. */
export interface ConfiguredAdapter extends SourceAdapter {
  kind: AdapterKind;
  health(): AdapterHealth;
  close(): Promise<void>;
}

export interface Resource {
  def: ResourceDef;
  adapter: SourceAdapter;
  /** the adapter's id in the node configuration (adapters.sources), when built from one */
  adapterId?: string;
}

/** The resources this node serves, by id. */
export class ResourceRegistry {
  private readonly byId = new Map<string, Resource>();

  register(resource: Resource): void {
    this.byId.set(resource.def.id, resource);
  }

  get(id: string): Resource | undefined {
    return this.byId.get(id);
  }

  unregister(id: string): void {
    this.byId.delete(id);
  }

  list(): ResourceDef[] {
    return [...this.byId.values()].map((r) => r.def).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Each resource's adapter health (null for adapters that keep none), for the console and readiness. */
  health(): Array<{ resource: string; sourceSystem: string; health: AdapterHealth | null }> {
    return [...this.byId.values()]
      .sort((a, b) => a.def.id.localeCompare(b.def.id))
      .map((r) => ({ resource: r.def.id, sourceSystem: r.def.sourceSystem, health: r.adapter.health?.() ?? null }));
  }
}

/** Reads through an adapter, turning anything unexpected into E_SOURCE_UNAVAILABLE (never a crash). */
export async function readSource(resource: Resource, subjectId: string, fields: string[], signal?: AbortSignal): Promise<SourceRecord> {
  try {
    return await resource.adapter.fetch(subjectId, fields, signal);
  } catch (e) {
    if (e instanceof TongbanError) throw e;
    throw new TongbanError('E_SOURCE_UNAVAILABLE', `${resource.def.sourceSystem}: ${(e as Error).message ?? e}`, { cause: e });
  }
}

export {
  ADAPTER_ID,
  AdapterConfigSchema,
  FieldMappingSchema,
  TransformSchema,
  assertAdapterConfig,
  formatProblems,
  validateAdapterConfig,
  type AdapterConfig,
  type AdapterKind,
  type ConfigProblem,
  type CsvAdapterConfig,
  type FieldMapping,
  type HttpAdapterConfig,
  type SqlAdapterConfig,
  type Transform,
  type ValidateOptions,
} from './config.js';
export type { AdapterHealth, BreakerState } from './health.js';
export { SqlConnections, type ConnectionSpec } from './connections.js';
export { AdapterHost, createAdapter, type AdapterContext, type AdapterHostOptions } from './create.js';
export { parseCsv } from './csv.js';
export { normaliseDate, toUtcIso, checkValue } from './values.js';
