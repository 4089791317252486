// Writing CSV for people to open in a spreadsheet (RFC 4180, CRLF line ends, UTF-8 with a byte-order
// mark so that Excel on a Chinese Windows reads the characters as UTF-8 instead of GBK).

const NEEDS_QUOTES = /[",\r\n]/;
// a cell a spreadsheet would run as a formula (=HYPERLINK(…), +cmd…, @SUM…, -2+3): CSV injection
const FORMULA = /^[=+\-@\t\r]/;

/** One cell: a formula-like text is prefixed with ' (shown as text), then quoted if needed. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && FORMULA.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole file: the header row, then the rows, with the byte-order mark. */
export function toCsv(header: string[], rows: Array<Array<string | number | boolean | null | undefined>>): string {
  const line = (cells: Array<string | number | boolean | null | undefined>) => cells.map(csvCell).join(',');
  return `\uFEFF${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
}
