// The little DER that SM2 key handling needs: node:crypto cannot export SM2 keys as JWK, so raw
// scalars and points are read from (and written into) the standard PKCS#8 / SEC1 / SPKI structures.

export interface Tlv {
  tag: number;
  /** content bytes */
  value: Buffer;
  /** offset just past this element */
  end: number;
}

export function readTlv(buf: Buffer, offset = 0): Tlv {
  if (offset + 2 > buf.length) throw new Error('DER: truncated');
  const tag = buf[offset]!;
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) throw new Error('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) throw new Error('DER: truncated');
  return { tag, value: buf.subarray(p, p + len), end: p + len };
}

/** The children of a constructed element. */
export function children(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let p = 0;
  while (p < value.length) {
    const t = readTlv(value, p);
    out.push(t);
    p = t.end;
  }
  return out;
}

export function encodeTlv(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else if (len < 0x100) header = Buffer.from([tag, 0x81, len]);
  else if (len < 0x10000) header = Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  else throw new Error('DER: element too long');
  return Buffer.concat([header, content]);
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  SEQUENCE: 0x30,
  CTX0: 0xa0,
  CTX1: 0xa1,
} as const;

export function encodeOid(oid: string): Buffer {
  const parts = oid.split('.').map(Number);
  const bytes: number[] = [40 * parts[0]! + parts[1]!];
  for (const n of parts.slice(2)) {
    const stack: number[] = [n & 0x7f];
    let v = Math.floor(n / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(...stack);
  }
  return encodeTlv(TAG.OID, Buffer.from(bytes));
}

export function decodeOid(value: Buffer): string {
  const first = value[0]!;
  const parts = [Math.floor(first / 40), first % 40];
  let n = 0;
  for (let i = 1; i < value.length; i++) {
    const b = value[i]!;
    n = n * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  return parts.join('.');
}

export function pemToDer(pem: string): { label: string; der: Buffer } {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) throw new Error('not a PEM document');
  return { label: m[1]!, der: Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64') };
}

export function derToPem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/**
 * True if `sig` is exactly DER SEQUENCE { INTEGER r, INTEGER s } with minimal, positive integers and
 * nothing after it. A lenient parser would accept other byte strings for the same (r, s) — the same
 * signature in many encodings, which breaks anything that identifies a signature by its bytes.
 */
export function isStrictDerSignature(sig: Uint8Array): boolean {
  try {
    const buf = Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength);
    const top = readTlv(buf);
    if (top.tag !== TAG.SEQUENCE || top.end !== buf.length) return false;
    const ints = children(top.value);
    if (ints.length !== 2 || ints.some((i) => i.tag !== TAG.INTEGER || !minimalPositive(i.value))) return false;
    return encodeTlv(TAG.SEQUENCE, Buffer.concat(ints.map((i) => encodeTlv(TAG.INTEGER, i.value)))).equals(buf);
  } catch {
    return false;
  }
}

function minimalPositive(v: Buffer): boolean {
  if (v.length === 0 || (v[0]! & 0x80) !== 0) return false; // empty or negative
  return !(v.length > 1 && v[0] === 0 && (v[1]! & 0x80) === 0); // a leading zero only before a high bit
}
