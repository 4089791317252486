/** Timestamps are stored as ISO-8601 UTC text everywhere; this is the one place they are made. */
export function nowIso(at: Date = new Date()): string {
  return at.toISOString();
}

/**
 * The one form of time the protocol accepts (PROTOCOL §1.1): UTC with a `Z`, seconds, and up to six
 * fractional digits. `Date.parse` alone would also take offsets, dates without a time, and forms
 * that differ between JavaScript engines.
 */
export const ISO_UTC_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?Z$';
const ISO_UTC = new RegExp(ISO_UTC_PATTERN);

/** How a refusal names a field that is not such a time. */
export const TIME_PROBLEM = (field: string): string => `${field} must be a UTC time like 2026-11-24T10:52:00.000Z`;

/** Milliseconds since the epoch of a protocol time, or undefined when it is not one (wrong form or no such date). */
export function parseProtocolTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_UTC.test(value)) return undefined;
  const ms = Date.parse(value);
  // Date.parse rolls 2026-02-30 over to March: a valid time prints back the same date and time
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== value.slice(0, 19)) return undefined;
  return ms;
}

const SHANGHAI = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A stored time as people here read it, for command-line output: `2026-11-24 18:52:00` in Asia/Shanghai (UTC+8). */
export function shanghaiTime(at: string | number | Date): string {
  return SHANGHAI.format(new Date(at));
}
