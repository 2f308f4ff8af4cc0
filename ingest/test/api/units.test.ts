/** Pure helpers of the API and auth: CSV encoding, site-time-zone calendars, the login limiter. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BOM, csvCell, csvLanguage, formatLocalWithOffset, toCsv } from '../../src/api/csv.js';
import { apiCodes } from '../../src/api/index.js';
import { addWeeks, formatLocal, startOfWeek, tzOffsetMs } from '../../src/api/time.js';
import { authCodes, LoginLimiter } from '../../src/auth/index.js';

describe('error codes', () => {
  it('are each documented in their folder README with their status', async () => {
    for (const [dir, codes] of [
      ['api', apiCodes],
      ['auth', authCodes],
    ] as const) {
      const readme = await readFile(new URL(`../../src/${dir}/README.md`, import.meta.url), 'utf8');
      for (const [code, Ctor] of Object.entries(codes)) {
        expect(readme, `${dir}/README.md documents ${code}`).toContain(code);
        const status = new (Ctor as new (...a: unknown[]) => { statusCode: number })('x').statusCode;
        expect(readme, `${dir}/README.md gives ${code} its status`).toMatch(
          new RegExp(`^\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`, 'm'),
        );
      }
    }
  });
});

describe('csv', () => {
  it('is written in the lang parameter, else the first language of Accept-Language that is ours, else English', () => {
    expect(csvLanguage('zh-CN', 'en-US,en;q=0.9')).toBe('zh-CN');
    expect(csvLanguage('en', 'zh-CN')).toBe('en');
    expect(csvLanguage(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(csvLanguage(undefined, 'zh-Hans-CN')).toBe('zh-CN');
    expect(csvLanguage(undefined, 'fr-FR, en;q=0.5, zh;q=0.7')).toBe('zh-CN');
    expect(csvLanguage(undefined, 'en-GB;q=0.9, zh;q=0')).toBe('en');
    expect(csvLanguage(undefined, 'de')).toBe('en');
    expect(csvLanguage(undefined, undefined)).toBe('en');
  });

  it("writes times as the site's wall time with its offset, across DST and on the half hour", () => {
    const t = Date.UTC(2025, 0, 6, 9, 0, 1, 999);
    expect(formatLocalWithOffset(t, 'Asia/Shanghai')).toBe('2025-01-06 17:00:01+08:00');
    expect(formatLocalWithOffset(t, 'UTC')).toBe('2025-01-06 09:00:01+00:00');
    expect(formatLocalWithOffset(t, 'America/New_York')).toBe('2025-01-06 04:00:01-05:00');
    expect(formatLocalWithOffset(Date.UTC(2025, 6, 6, 9), 'America/New_York')).toBe(
      '2025-07-06 05:00:00-04:00',
    );
    expect(formatLocalWithOffset(t, 'Asia/Kolkata')).toBe('2025-01-06 14:30:01+05:30');
    expect(formatLocalWithOffset(null, 'UTC')).toBe('');
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and leaves plain text alone', () => {
    expect(csvCell('Ann')).toBe('Ann');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('王小明')).toBe('王小明');
  });

  it('neutralises formula text but writes numbers as numbers', () => {
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+33 1 23')).toBe("'+33 1 23");
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=A1,"x"')).toBe(`"'=A1,""x"""`);
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(false)).toBe('false');
  });

  it('writes a BOM, a header and CRLF after every line', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          [1, 'x'],
          [null, 'y,z'],
        ],
      ),
    ).toBe(`${BOM}a,b\r\n1,x\r\n,"y,z"\r\n`);
    expect(Buffer.from(toCsv(['a'], [])).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe('site calendar', () => {
  it('finds Monday 00:00 local in zones east and west of UTC', () => {
    const t = Date.UTC(2025, 0, 6, 9); // Monday 09:00 UTC
    expect(startOfWeek(t, 'Asia/Shanghai')).toBe(Date.UTC(2025, 0, 5, 16));
    expect(startOfWeek(t, 'UTC')).toBe(Date.UTC(2025, 0, 6));
    expect(startOfWeek(t, 'America/New_York')).toBe(Date.UTC(2025, 0, 6, 5));
    // Sunday evening in New York is still the previous week there.
    expect(startOfWeek(Date.UTC(2025, 0, 6, 3), 'America/New_York')).toBe(Date.UTC(2024, 11, 30, 5));
  });

  it('steps over daylight-saving changes to the next local Monday 00:00', () => {
    // Europe/Berlin switches to CEST on 2025-03-30 (Sunday).
    const before = startOfWeek(Date.UTC(2025, 2, 26, 12), 'Europe/Berlin');
    expect(before).toBe(Date.UTC(2025, 2, 23, 23));
    const after = addWeeks(before, 1, 'Europe/Berlin');
    expect(after).toBe(Date.UTC(2025, 2, 30, 22));
    expect(after - before).toBe(167 * 3600_000);
    expect(addWeeks(after, -1, 'Europe/Berlin')).toBe(before);
    expect(tzOffsetMs(after, 'Europe/Berlin')).toBe(2 * 3600_000);
  });

  it('formats local date-times for spreadsheets', () => {
    expect(formatLocal(Date.UTC(2025, 0, 6, 9, 0, 1), 'Asia/Shanghai')).toBe('2025-01-06 17:00:01');
    expect(formatLocal(Date.UTC(2025, 0, 6, 23, 59, 59), 'UTC')).toBe('2025-01-06 23:59:59');
    expect(formatLocal(null, 'UTC')).toBe('');
  });
});

describe('login limiter', () => {
  it('locks one username and address after the limit, for the lock-out time only', () => {
    const l = new LoginLimiter({
      maxFailuresPerUser: 3,
      maxFailuresPerAddress: 100,
      windowMs: 60_000,
      lockoutMs: 30_000,
    });
    expect(l.fail('Ann', '1.1.1.1', 0)).toBe(0);
    expect(l.fail('ann ', '1.1.1.1', 1000)).toBe(0);
    expect(l.fail('ann', '1.1.1.1', 2000)).toBe(30_000);
    expect(l.lockedFor('ann', '1.1.1.1', 10_000)).toBe(22_000);
    expect(l.lockedFor('ann', '2.2.2.2', 10_000)).toBe(0);
    expect(l.lockedFor('bob', '1.1.1.1', 10_000)).toBe(0);
    expect(l.lockedFor('ann', '1.1.1.1', 32_000)).toBe(0);
  });

  it('locks a username guessed from many addresses (forged X-Forwarded-For), at a higher threshold', () => {
    const l = new LoginLimiter({ maxFailuresPerUser: 3, maxFailuresPerUsername: 10, lockoutMs: 60_000 });
    for (let i = 0; i < 9; i++) expect(l.fail('ann', `10.0.0.${i}`, i)).toBe(0);
    expect(l.fail('ann', '10.0.0.99', 9)).toBe(60_000);
    expect(l.lockedFor('ann', '192.168.1.1', 100)).toBe(59_909);
    expect(l.lockedFor('bob', '10.0.0.99', 100)).toBe(0);
  });

  it('forgets failures outside the window and after a success', () => {
    const l = new LoginLimiter({ maxFailuresPerUser: 2, windowMs: 10_000, lockoutMs: 5_000 });
    l.fail('ann', 'a', 0);
    expect(l.fail('ann', 'a', 20_000)).toBe(0);
    l.succeed('ann', 'a');
    expect(l.fail('ann', 'a', 21_000)).toBe(0);
    expect(l.fail('ann', 'a', 22_000)).toBe(5_000);
  });

  it('stays bounded', () => {
    const l = new LoginLimiter({ maxKeys: 50, maxFailuresPerAddress: 1000 });
    for (let i = 0; i < 1000; i++) l.fail(`user-${i}`, `10.0.${i % 250}.${i % 7}`, i);
    expect(l.size).toBeLessThanOrEqual(50);
    expect(l.lockedFor('user-999', '10.0.249.5', 1000)).toBe(0);
  });
});
