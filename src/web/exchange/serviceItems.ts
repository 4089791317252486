// Which 办理事项 (service items) to suggest as a request's purpose. This node's 实施清单 says, for each
// item, which materials are read online from a data resource (免提交, `satisfiedBy.resource`, as
// "340000:hukou.person" or a plain id for the node's own region): the items whose materials are read
// from the resource being requested come first. Pure (the shapes of catalog/api.ts and exchange/api.ts
// it reads are restated structurally, and it imports only the pure reference rule): the Node tests use
// it as it is.

import { resourceRef } from '../catalog/refs.js';

/** What of a catalogue entry (GET /api/catalog/items) is read: the version in force and its materials. */
export interface ItemEntryLike {
  published: {
    code: string;
    materials: ReadonlyArray<{ satisfiedBy: null | { kind: 'resource'; resource: string } | { kind: 'certificate' } }>;
  } | null;
}

/** "region:id", whichever way the material wrote it. */
function refKey(ref: string, ownRegion: string): string {
  const r = resourceRef(ref, ownRegion);
  return `${r.region}:${r.id}`;
}

/** For each item in force in this node's catalogue (by its code), the data resources its materials are read from, as "region:id". */
export function resourcesByItem(entries: readonly ItemEntryLike[], ownRegion: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const e of entries) {
    const doc = e.published;
    if (!doc) continue;
    const refs = new Set<string>();
    for (const m of doc.materials) {
      if (m.satisfiedBy?.kind === 'resource') refs.add(refKey(m.satisfiedBy.resource, ownRegion));
    }
    if (refs.size > 0) out.set(doc.code, refs);
  }
  return out;
}

export interface Suggested<T> {
  item: T;
  /** one of its materials is read from the chosen resource */
  usesResource: boolean;
}

/**
 * The service items in the order to suggest them: with a resource chosen, those whose materials are read
 * from it first, then the rest, each group in the list's own order. Without a resource (or without the
 * catalogue) the list as it is.
 */
export function rankServiceItems<T extends { code: string }>(
  items: readonly T[],
  uses: ReadonlyMap<string, ReadonlySet<string>> | undefined,
  resource: { region: string; id: string } | undefined,
): Array<Suggested<T>> {
  const key = resource && resource.region && resource.id ? `${resource.region}:${resource.id}` : undefined;
  const all = items.map((item) => ({ item, usesResource: key !== undefined && (uses?.get(item.code)?.has(key) ?? false) }));
  return [...all.filter((s) => s.usesResource), ...all.filter((s) => !s.usesResource)];
}
