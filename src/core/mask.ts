// Personal data never reaches a log line in clear. One place decides how identifiers are masked.

// Bounded by "not a digit" (or a percent escape, whose last hex digit may be a digit: %89110101…),
// not by \b: in a percent-encoded URL (…%3A110101…), after a letter (ID110101…) or an underscore the
// character before is a word character, and \b let the number through.
const START = String.raw`(?:(?<![0-9])|(?<=%[0-9A-Fa-f]{2}))`;
const ID18 = new RegExp(String.raw`${START}(\d{4})\d{10}(\d{3}[\dXx])(?![0-9Xx])`, 'g');
const PHONE = new RegExp(String.raw`${START}(1[3-9]\d)\d{4}(\d{4})(?![0-9])`, 'g');

/** 310101199001011234 → 3101**********1234 (the DESIGN.md form). */
export function maskIdNumber(id: string): string {
  if (id.length < 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}

/**
 * Masks anything in free text that looks like an 18-digit ID number or a mobile number — except digits
 * inside a run of 32 or more hex characters: that is a digest or a key id (SM3/SHA-256 hex, a key id's
 * fingerprint), which holds 11 or 18 digits in a row often enough (~0.3 % of SHA-256 digests) that
 * masking them would corrupt what an audit entry or a log line records.
 */
export function maskPersonalData(text: string): string {
  return text
    .replace(ID18, (m: string, a: string, b: string, at: number) => (insideDigest(text, at, m) ? m : `${a}${'*'.repeat(10)}${b}`))
    .replace(PHONE, (m: string, a: string, b: string, at: number, masked: string) => (insideDigest(masked, at, m) ? m : `${a}****${b}`));
}

const DIGEST_MIN_HEX = 32;
const isHex = (c: string | undefined) => c !== undefined && /[0-9A-Fa-f]/.test(c);

/** Whether `match`, found at `at` in `text`, lies within a run of at least 32 hex characters. */
function insideDigest(text: string, at: number, match: string): boolean {
  if (!/^[0-9]+$/.test(match)) return false; // an ID ending in X is no part of a hex digest
  let start = at;
  let end = at + match.length;
  while (isHex(text[start - 1])) start--;
  while (isHex(text[end])) end++;
  return end - start >= DIGEST_MIN_HEX;
}

/** Names: keep the surname only. 张三丰 → 张** */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}
