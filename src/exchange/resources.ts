// What the provider serves is what the catalogue has published: each published data resource,
// read through the adapter its `source.adapter` names. Publishing, replacing or retiring a resource
// in the catalogue changes what the exchange serves at once; a resource whose adapter is not
// configured on this node is not served (and says so in the log).

import type { SourceStatus } from '../adapters/health-types.js';
import type { Logger } from 'pino';
import type { AdapterConfig } from '../adapters/config.js';
import type { AdapterHost, FieldType, ResourceDef, ResourceRegistry } from '../adapters/index.js';
import { standardElement } from '../catalog/elements.js';
import type { DataElement, DataResource } from '../catalog/model.js';
import type { PublishedCatalog, PublishedChange } from '../catalog/store.js';

export interface CatalogFeed {
  listPublished(): Promise<PublishedCatalog>;
  onPublished(listener: (change: PublishedChange) => void | Promise<void>): () => void;
}

export interface ServeCatalogOptions {
  catalog: CatalogFeed;
  adapters: AdapterHost;
  /** adapter configurations by id: the node's `adapters.sources` and the built-in registries adapters */
  configs: ReadonlyMap<string, AdapterConfig>;
  registry: ResourceRegistry;
  logger: Logger;
}

const FIELD_TYPES: Record<DataElement['type'], FieldType> = { string: 'string', identifier: 'string', date: 'date', code: 'code', number: 'number' };

/** The exchange's view of a catalogue entry. */
export function resourceDefOf(entry: DataResource, element: (code: string) => DataElement | undefined): ResourceDef {
  return {
    id: entry.id,
    name: entry.name,
    department: entry.department.name,
    sourceSystem: entry.source.system,
    subjectType: entry.subjectType,
    sharing: entry.sharing.type,
    fields: entry.fields.map((f) => ({
      name: f.name,
      element: f.element,
      label: f.label,
      type: FIELD_TYPES[element(f.element)?.type ?? 'string'],
      sensitivity: f.sensitivity,
    })),
  };
}

/** A published resource the exchange does not serve, and why (for the administrator's source status). */
export interface UnservedResource extends Omit<SourceStatus, 'served' | 'health'> {
  reason: 'adapter-not-configured';
}

export interface CatalogResources {
  /** stops following the catalogue */
  stop(): void;
  unserved(): UnservedResource[];
}

/** Serves the published resources now and follows the catalogue from here on. */
export async function serveCatalogResources(o: ServeCatalogOptions): Promise<CatalogResources> {
  const unserved = new Map<string, UnservedResource>();
  const published = await o.catalog.listPublished();
  const custom = new Map(published.elements.map((e) => [e.code, e as DataElement]));
  const element = (code: string) => standardElement(code) ?? custom.get(code);
  const serve = (entry: DataResource) => {
    const config = o.configs.get(entry.source.adapter);
    if (!config) {
      o.registry.unregister(entry.id);
      o.adapters.release(entry.id);
      unserved.set(entry.id, { resource: entry.id, name: entry.name.zh, nameEn: entry.name.en, department: entry.department.name, sourceSystem: entry.source.system, adapter: entry.source.adapter, reason: 'adapter-not-configured' });
      o.logger.error({ resource: entry.id, adapter: entry.source.adapter }, 'published resource names an adapter this node does not configure; not served');
      return;
    }
    unserved.delete(entry.id);
    const def = resourceDefOf(entry, element);
    o.registry.register({ def, adapterId: entry.source.adapter, adapter: o.adapters.create(entry.source.adapter, config, { fields: def.fields, label: def.sourceSystem, owner: entry.id }) });
  };
  for (const r of published.resources) serve(r);
  const stop = o.catalog.onPublished((change) => {
    if (change.kind === 'element' && change.change === 'published') custom.set(change.id, change.entry as DataElement);
    if (change.kind !== 'resource') return;
    if (change.change === 'retired') {
      o.registry.unregister(change.id);
      o.adapters.release(change.id);
      unserved.delete(change.id);
    } else serve(change.entry as DataResource);
  });
  return { stop, unserved: () => [...unserved.values()].sort((a, b) => a.resource.localeCompare(b.resource)) };
}
