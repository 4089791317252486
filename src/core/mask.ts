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

/** Masks anything in free text that looks like an 18-digit ID number or a mobile number. */
export function maskPersonalData(text: string): string {
  return text.replace(ID18, (_m, a: string, b: string) => `${a}${'*'.repeat(10)}${b}`).replace(PHONE, '$1****$2');
}

/** Names: keep the surname only. 张三丰 → 张** */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}
