// Civil-date arithmetic on day numbers (days since 1970-01-01), exact integers, no Date objects and no
// time zones: Howard Hinnant's days_from_civil / civil_from_days.

export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** YYYY-MM-DD */
export function isoDate(day: number): string {
  const [y, m, d] = civilFromDays(day);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** YYYY-MM */
export function isoMonth(day: number): string {
  const [y, m] = civilFromDays(day);
  return `${y}-${pad2(m)}`;
}

export function yearOf(day: number): number {
  return civilFromDays(day)[0];
}

/** The first day of year y. */
export function jan1(y: number): number {
  return daysFromCivil(y, 1, 1);
}

/** Whole years between two day numbers (age on `at` of someone born on `born`). */
export function yearsBetween(born: number, at: number): number {
  const [by, bm, bd] = civilFromDays(born);
  const [ay, am, ad] = civilFromDays(at);
  return ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
}

/** The same calendar day n years later (29 Feb → 28 Feb in common years). */
export function addYears(day: number, n: number): number {
  const [y, m, d] = civilFromDays(day);
  const leap = (yy: number) => (yy % 4 === 0 && yy % 100 !== 0) || yy % 400 === 0;
  return daysFromCivil(y + n, m, m === 2 && d === 29 && !leap(y + n) ? 28 : d);
}

/** Months from the month of `from` to the month of `to`, inclusive of both. */
export function monthsInclusive(from: number, to: number): number {
  const [fy, fm] = civilFromDays(from);
  const [ty, tm] = civilFromDays(to);
  return (ty - fy) * 12 + (tm - fm) + 1;
}
