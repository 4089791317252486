// RFC 8785 JSON Canonicalization Scheme. Everything Tongban signs is signed over these bytes.
// Kept in-house (20 lines) rather than a dependency: the rule is small, and the RFC's test vectors
// in test/core/jcs.test.ts pin it.

import { TongbanError } from './errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalize(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('JCS: non-finite numbers cannot be canonicalised');
      // ECMAScript Number-to-String is exactly the serialisation RFC 8785 §3.2.2.3 prescribes.
      return JSON.stringify(value);
    case 'string':
      assertWellFormed(value);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalize(v === undefined ? null : v)).join(',')}]`;
      const obj = value as Record<string, unknown>;
      if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
        return canonicalize((obj as { toJSON: () => unknown }).toJSON());
      }
      // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 requires.
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${canonicalize(k)}:${canonicalize(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`JCS: cannot canonicalise a ${typeof value}`);
  }
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

// RFC 8785 §3.2.2.2: lone surrogates make the input invalid I-JSON. Only a message that arrived can hold
// one (a \uD800 escape in its JSON): refused as bad input, like any other malformed message.
const loneSurrogate = () => new TongbanError('E_INVALID_REQUEST', 'a string holds a lone surrogate (an unpaired \\uD800–\\uDFFF): not canonical JSON (RFC 8785)');
const hasWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';
function assertWellFormed(s: string): void {
  if (hasWellFormed) {
    if (!(s as string & { isWellFormed(): boolean }).isWellFormed()) throw loneSurrogate();
    return;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) throw loneSurrogate();
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      throw loneSurrogate();
    }
  }
}
