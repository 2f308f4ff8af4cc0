/** Calendar helpers in a site's IANA time zone (reports and adherence weeks), without a date library. */

const DAY_MS = 86_400_000;

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

function parts(ms: number, tz: string): Parts {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** Offset of `tz` from UTC at instant `ms` (ms; positive east of Greenwich). */
export function tzOffsetMs(ms: number, tz: string): number {
  const p = parts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant of local midnight of a calendar date in `tz`. */
export function localMidnight(year: number, month: number, day: number, tz: string): number {
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - tzOffsetMs(guess, tz);
  const second = guess - tzOffsetMs(first, tz);
  return second;
}

/** Monday 00:00 (local time in `tz`) of the week containing `ms`. */
export function startOfWeek(ms: number, tz: string): number {
  const p = parts(ms, tz);
  const localDate = Date.UTC(p.year, p.month - 1, p.day);
  const dow = (new Date(localDate).getUTCDay() + 6) % 7; // Monday = 0
  const monday = new Date(localDate - dow * DAY_MS);
  return localMidnight(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), tz);
}

/** The Monday 00:00 `n` weeks after the week start `weekStart` (n may be negative); DST-safe. */
export function addWeeks(weekStart: number, n: number, tz: string): number {
  // Noon of the target Monday is never ambiguous, whatever the DST shift in between.
  return startOfWeek(weekStart + n * 7 * DAY_MS + DAY_MS / 2, tz);
}

/** `YYYY-MM-DD HH:mm:ss` in `tz`: a form spreadsheets read as a date-time. */
export function formatLocal(ms: number | null, tz: string): string {
  if (ms === null) return '';
  const p = parts(ms, tz);
  const d2 = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${d2(p.month)}-${d2(p.day)} ${d2(p.hour)}:${d2(p.minute)}:${d2(p.second)}`;
}
