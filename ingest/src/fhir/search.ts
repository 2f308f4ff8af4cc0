import { localMidnight } from '../api/time.js';

/**
 * FHIR date search parameters (`date=ge2026-01-01`): parsing and matching. A date without a time is a day
 * (month, year) in the site's time zone; a time needs its zone (`Z` or `±hh:mm`). Supported prefixes: eq
 * (default), gt, lt, ge, le — others are refused so a client never gets a silently wider result.
 */

/** A half-open instant range [start, end) in ms since the epoch. */
export interface Range {
  start: number;
  end: number;
}

export interface DateFilter {
  prefix: 'eq' | 'gt' | 'lt' | 'ge' | 'le';
  range: Range;
}

/** Why a search parameter was refused: the message names the parameter and the value. */
export class SearchError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
  }
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Parses one `date` parameter value. @throws SearchError */
export function parseDateParam(raw: string, tz: string): DateFilter {
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/.exec(raw)!;
  const prefix = (m[1] ?? 'eq') as string;
  const value = m[2] ?? '';
  if (!['eq', 'gt', 'lt', 'ge', 'le'].includes(prefix)) {
    throw new SearchError(`date: prefix "${prefix}" is not supported (use eq, gt, lt, ge or le)`, 'date');
  }
  let range: Range | undefined;
  const d = DATE.exec(value);
  if (d) {
    const y = Number(d[1]);
    const mo = d[2] ? Number(d[2]) : undefined;
    const day = d[3] ? Number(d[3]) : undefined;
    const valid =
      (mo === undefined || (mo >= 1 && mo <= 12)) &&
      (day === undefined || (day >= 1 && day <= new Date(Date.UTC(y, mo!, 0)).getUTCDate()));
    if (valid) {
      if (day !== undefined) {
        range = { start: localMidnight(y, mo!, day, tz), end: localMidnight(y, mo!, day + 1, tz) };
      } else if (mo !== undefined) {
        range = { start: localMidnight(y, mo, 1, tz), end: localMidnight(y, mo + 1, 1, tz) };
      } else {
        range = { start: localMidnight(y, 1, 1, tz), end: localMidnight(y + 1, 1, 1, tz) };
      }
    }
  } else if (DATETIME.test(value)) {
    const t = Date.parse(value);
    if (Number.isFinite(t)) range = { start: t, end: t + 1 };
  }
  if (!range) {
    throw new SearchError(
      `date: "${value}" is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD, or a date-time with its zone)`,
      'date',
    );
  }
  return { prefix: prefix as DateFilter['prefix'], range };
}

/**
 * Whether a resource's effective range [start, end) satisfies the filter (FHIR's range semantics, as far
 * as a point or a period needs them): eq = within the value's range; ge = not wholly before it; le = not
 * wholly after it; gt = reaches past it; lt = starts before it.
 */
export function matchesDate(effective: Range, f: DateFilter): boolean {
  switch (f.prefix) {
    case 'eq':
      return effective.start >= f.range.start && effective.end <= f.range.end;
    case 'ge':
      return effective.end > f.range.start;
    case 'le':
      return effective.start < f.range.end;
    case 'gt':
      return effective.end > f.range.end;
    case 'lt':
      return effective.start < f.range.start;
  }
}
