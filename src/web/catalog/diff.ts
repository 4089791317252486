// What changed between two versions of a catalogue entry, for the reviewer: both documents flattened
// into path → value (lists of named things — fields, materials — keyed by their name, so inserting one
// does not make every later row "changed"; lists of plain values compared as a whole), then compared.

export interface DiffRow {
  path: string;
  before: string | undefined;
  after: string | undefined;
  change: 'added' | 'removed' | 'changed';
}

/** Bookkeeping that changes with every version and says nothing about the content. */
const META = new Set(['version', 'status', 'updatedAt', 'updatedBy', 'publishedAt', 'codeKind', 'pending']);

function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object') {
    out.set(path, value === null ? '—' : String(value));
    return;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) {
      out.set(path, value.length ? value.map(String).join(', ') : '—');
      return;
    }
    const names = value.map((v) => (v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string' ? (v as { name: string }).name : null));
    const byName = names.every((n) => n !== null) && new Set(names).size === names.length;
    if (value.length === 0) out.set(path, '—');
    value.forEach((v, i) => flatten(v, byName ? `${path}「${names[i]}」` : `${path}[${i}]`, out));
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (path === '' && META.has(k)) continue;
    flatten(v, path ? `${path}.${k}` : k, out);
  }
}

export function flattenDoc(doc: unknown): Map<string, string> {
  const out = new Map<string, string>();
  flatten(doc, '', out);
  return out;
}

export function diffDocs(before: unknown, after: unknown): DiffRow[] {
  const a = before ? flattenDoc(before) : new Map<string, string>();
  const b = flattenDoc(after);
  const rows: DiffRow[] = [];
  const seen = new Set<string>();
  for (const [path, av] of b) {
    seen.add(path);
    const bv = a.get(path);
    if (bv === undefined) rows.push({ path, before: undefined, after: av, change: 'added' });
    else if (bv !== av) rows.push({ path, before: bv, after: av, change: 'changed' });
  }
  for (const [path, bv] of a) if (!seen.has(path)) rows.push({ path, before: bv, after: undefined, change: 'removed' });
  // in document order of the newer version, removals where their path would have been
  const order = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))];
  return rows.sort((x, y) => order.indexOf(x.path) - order.indexOf(y.path));
}
