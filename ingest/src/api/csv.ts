/**
 * CSV for spreadsheets (RFC 4180): CRLF line ends, fields with a comma, quote or line break in double
 * quotes with quotes doubled, and a UTF-8 byte-order mark so Excel shows Chinese aliases. Text cells that
 * a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) get a leading `'` (OWASP CSV
 * injection); numbers are written as numbers.
 */

/** One cell: text, a number, a boolean, or empty. */
export type CsvCell = string | number | boolean | null | undefined;

/** The UTF-8 byte-order mark. */
export const BOM = '\uFEFF';

/** Encodes one cell. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV document (BOM, header, rows, CRLF after every line). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
