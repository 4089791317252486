// Simple JSON paths for mapping API answers: `data.person.name`, `items[0].code`, `[0].id`.
// No wildcards or filters: a mapping names one value.

type Segment = string | number;

const cache = new Map<string, Segment[]>();

export function parsePath(path: string): Segment[] {
  let segs = cache.get(path);
  if (segs) return segs;
  segs = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) segs.push(m[1] !== undefined ? m[1] : Number(m[2]));
  if (cache.size < 10_000) cache.set(path, segs);
  return segs;
}

/** The value at path, or undefined. Only own properties are followed (never __proto__ and the like). */
export function valueAtPath(root: unknown, path: string): unknown {
  let cur = root;
  for (const s of parsePath(path)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof s === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[s];
    } else {
      if (Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, s)) return undefined;
      cur = (cur as Record<string, unknown>)[s];
    }
  }
  return cur;
}
