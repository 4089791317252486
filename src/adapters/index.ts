// adapters: how a node reads its region's departmental systems. A resource (数据资源) is what the
// federation can ask for — its fields with labels and sensitivity, its owner department and source
// system — bound to a source adapter that fetches one subject's record and maps the department's
// columns onto the resource's fields. The catalog capability will describe resources to national
// standards and configure adapters without code; the exchange path only ever sees this interface.

import { TongbanError } from '../core/errors.js';

export type FieldType = 'string' | 'date' | 'code' | 'number';
export type Sensitivity = 'general' | 'sensitive';

export interface FieldDef {
  name: string;
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
}

export interface Resource {
  def: ResourceDef;
  adapter: SourceAdapter;
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

  list(): ResourceDef[] {
    return [...this.byId.values()].map((r) => r.def).sort((a, b) => a.id.localeCompare(b.id));
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

export { sqlTableAdapter, type SqlTableAdapterOptions } from './sql-table.js';
