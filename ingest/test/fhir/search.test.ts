/** FHIR `date` search values: a day, month or year in the site's time zone; instants need their zone. */
import { describe, expect, it } from 'vitest';
import { matchesDate, parseDateParam, SearchError } from '../../src/fhir/search.js';

const SH = 'Asia/Shanghai';
const iso = (ms: number) => new Date(ms).toISOString();

describe('FHIR date search', () => {
  it('reads a day, a month and a year as local ranges of the site', () => {
    const day = parseDateParam('2026-03-01', SH);
    expect(day.prefix).toBe('eq');
    expect([iso(day.range.start), iso(day.range.end)]).toEqual([
      '2026-02-28T16:00:00.000Z',
      '2026-03-01T16:00:00.000Z',
    ]);
    const month = parseDateParam('ge2026-12', 'UTC');
    expect([month.prefix, iso(month.range.start), iso(month.range.end)]).toEqual([
      'ge',
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
    const year = parseDateParam('lt2025', 'UTC');
    expect([iso(year.range.start), iso(year.range.end)]).toEqual([
      '2025-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
    // Berlin's spring-forward day has 23 hours.
    const dst = parseDateParam('2026-03-29', 'Europe/Berlin');
    expect(dst.range.end - dst.range.start).toBe(23 * 3_600_000);
  });

  it('reads instants with their zone', () => {
    expect(iso(parseDateParam('gt2026-01-06T17:30:00+08:00', SH).range.start)).toBe(
      '2026-01-06T09:30:00.000Z',
    );
    expect(iso(parseDateParam('2026-01-06T09:30Z', SH).range.start)).toBe('2026-01-06T09:30:00.000Z');
  });

  it('refuses what it cannot read exactly, naming the value', () => {
    for (const [raw, why] of [
      ['2026-02-30', '"2026-02-30" is not a FHIR date'],
      ['2026-13', '"2026-13" is not a FHIR date'],
      ['2026-01-06T09:30', '"2026-01-06T09:30" is not a FHIR date'],
      ['yesterday', '"yesterday" is not a FHIR date'],
      ['sa2026-01-01', 'prefix "sa" is not supported'],
      ['ap2026', 'prefix "ap" is not supported'],
    ] as const) {
      expect(() => parseDateParam(raw, 'UTC')).toThrow(SearchError);
      expect(() => parseDateParam(raw, 'UTC')).toThrow(why);
    }
  });

  it('matches points and periods with FHIR range semantics', () => {
    const jan6 = parseDateParam('2026-01-06', 'UTC');
    const at = (s: string, e = s) => ({ start: Date.parse(s), end: Date.parse(e) + 1 });
    const session = at('2026-01-06T09:00:00Z', '2026-01-06T09:30:00Z');
    expect(matchesDate(session, jan6)).toBe(true);
    expect(matchesDate(at('2026-01-05T23:59:59Z', '2026-01-06T00:10:00Z'), jan6)).toBe(false); // not wholly in
    expect(matchesDate(session, { ...jan6, prefix: 'ge' })).toBe(true);
    expect(matchesDate(session, { ...jan6, prefix: 'gt' })).toBe(false);
    expect(matchesDate(session, { ...jan6, prefix: 'le' })).toBe(true);
    expect(matchesDate(session, { ...jan6, prefix: 'lt' })).toBe(false);
    expect(matchesDate(at('2026-01-07T00:00:00Z'), { ...jan6, prefix: 'gt' })).toBe(true);
    expect(matchesDate(at('2026-01-05T12:00:00Z'), { ...jan6, prefix: 'lt' })).toBe(true);
    expect(matchesDate(at('2026-01-05T12:00:00Z'), { ...jan6, prefix: 'ge' })).toBe(false);
  });
});
