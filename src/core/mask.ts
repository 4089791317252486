// Personal data never reaches a log line in clear. One place decides how identifiers are masked.

const ID18 = /\b(\d{4})\d{10}(\d{3}[\dXx])\b/g;
const PHONE = /\b(1[3-9]\d)\d{4}(\d{4})\b/g;

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
