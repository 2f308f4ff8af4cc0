import { tzOffsetMs } from './time.js';

/**
 * CSV for spreadsheets (RFC 4180): CRLF line ends, fields with a comma, quote or line break in double
 * quotes with quotes doubled, and a UTF-8 byte-order mark so Excel shows Chinese aliases. Text cells that
 * a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) get a leading `'` (OWASP CSV
 * injection); numbers are written as numbers.
 *
 * Every CSV the server produces is for a person by default: column headers and coded values (rules,
 * severities, states) in the requesting user's language ({@link csvOptions}: `lang` query parameter, else
 * Accept-Language; zh-CN or en), times in the site's time zone with its offset. `header=machine` gives a
 * stable machine header row (snake_case names) and codes instead of labels, for scripts.
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

/** The languages a CSV is written in. */
export const CSV_LANGUAGES = ['zh-CN', 'en'] as const;
export type CsvLanguage = (typeof CSV_LANGUAGES)[number];

/** How a CSV is written: for people (headers and codes in `lang`) or for scripts (`machine`). */
export interface CsvOptions {
  lang: CsvLanguage;
  header: 'human' | 'machine';
  /** The site's IANA time zone: every time is written in it, with its offset. */
  tz: string;
}

/** The language tag `tag` as one of ours (`zh`, `zh-Hans-CN`, `zh-cn` → zh-CN; `en-GB` → en), or null. */
function ours(tag: string): CsvLanguage | null {
  const t = tag.trim().toLowerCase();
  if (t === 'zh' || t.startsWith('zh-'))
    return t.startsWith('zh-tw') || t.startsWith('zh-hant') ? null : 'zh-CN';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return null;
}

/**
 * The language of a CSV: the `lang` query parameter when given, else the first language of the request's
 * Accept-Language (by its q values) that is ours, else English.
 */
export function csvLanguage(lang: CsvLanguage | undefined, acceptLanguage: string | undefined): CsvLanguage {
  if (lang) return lang;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0 && Number.isFinite(x.q))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const l = ours(tag);
    if (l) return l;
  }
  return 'en';
}

/** `YYYY-MM-DD HH:mm:ss±hh:mm` in `tz` (RFC 3339 with a space): the site's wall time and its offset. */
export function formatLocalWithOffset(ms: number | null, tz: string): string {
  if (ms === null) return '';
  const offset = tzOffsetMs(ms, tz);
  const local = new Date(ms + offset);
  const d2 = (n: number) => String(n).padStart(2, '0');
  const abs = Math.abs(Math.round(offset / 60_000));
  const sign = offset < 0 ? '-' : '+';
  return (
    `${local.getUTCFullYear()}-${d2(local.getUTCMonth() + 1)}-${d2(local.getUTCDate())} ` +
    `${d2(local.getUTCHours())}:${d2(local.getUTCMinutes())}:${d2(local.getUTCSeconds())}` +
    `${sign}${d2(Math.floor(abs / 60))}:${d2(abs % 60)}`
  );
}
