// Seeded randomness for the synthetic registries. Nothing here reads Math.random or the clock: every
// value is a pure function of (seed, stream, keys), so the same inputs give the same rows on any
// machine and either database engine. Only integer arithmetic (Math.imul, shifts) and IEEE doubles.

/** murmur3's 32-bit finaliser: a bijective mixer. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, then mixed: the seed string's 32-bit key. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** Combines 32-bit keys into one, order-sensitive. */
export function combine(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const k of keys) h = fmix32((h ^ fmix32(k >>> 0)) + 0x7f4a7c15);
  return h;
}

/** A weighted choice table, built once and sampled many times. */
export interface Weighted<T> {
  items: readonly T[];
  cum: Float64Array;
  total: number;
}

export function weighted<T>(pairs: ReadonlyArray<readonly [T, number]>): Weighted<T> {
  const items: T[] = [];
  const cum = new Float64Array(pairs.length);
  let total = 0;
  pairs.forEach(([item, w], i) => {
    if (!(w >= 0)) throw new RangeError('weights must be non-negative');
    total += w;
    items.push(item);
    cum[i] = total;
  });
  if (total <= 0) throw new RangeError('a weighted table needs a positive total weight');
  return { items, cum, total };
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, fast, passes PractRand. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator for one stream: e.g. (seedKey, region, STREAM, householdIndex). */
  constructor(...keys: number[]) {
    const k = combine(...keys);
    this.a = fmix32(k ^ 0x243f6a88);
    this.b = fmix32(k ^ 0x85a308d3);
    this.c = fmix32(k ^ 0x13198a2e);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** uniform in [0, 1) */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** uniform integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** uniform integer in [lo, hi] */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  pickWeighted<T>(table: Weighted<T>): T {
    const x = this.float() * table.total;
    const { cum } = table;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cum[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return table.items[lo] as T;
  }
}
