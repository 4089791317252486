// Clean-room conformance node, part 1: RFC 8785 (JCS) canonical JSON, written from docs/PROTOCOL.md §1.2
// alone. Tongban has its own canonicaliser under src/core; this one is deliberately independent of it
// (the duplication is intended: two implementations of one document are what this test compares).

/** The RFC 8785 canonical text of a JSON value; throws where the value has no canonical form. */
export function canonicalText(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error('JCS: a number must be finite');
      // ECMAScript's Number-to-String is the shortest round-trip form RFC 8785 §3.2.2.3 requires (-0 → "0")
      return JSON.stringify(value);
    case 'string':
      return canonicalString(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalText).join(',')}]`;
      const obj = value as Record<string, unknown>;
      // Array.prototype.sort without a comparator orders by UTF-16 code units, as RFC 8785 §3.2.3 asks
      const keys = Object.keys(obj).sort();
      return `{${keys.map((k) => `${canonicalString(k)}:${canonicalText(obj[k])}`).join(',')}}`;
    }
    default:
      throw new Error(`JCS: ${typeof value} is not JSON`);
  }
}

/** UTF-8 bytes of the canonical form. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalText(value), 'utf8');
}

function canonicalString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw new Error('JCS: lone surrogate');
    }
    if (c >= 0xdc00 && c <= 0xdfff) throw new Error('JCS: lone surrogate');
  }
  // JSON.stringify escapes exactly ", \, and U+0000–U+001F (\b \t \n \f \r, else \u00xx in lower case),
  // which is RFC 8785 §3.2.2.2's rule; every other character stays as it is.
  return JSON.stringify(s);
}
