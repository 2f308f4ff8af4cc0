import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_DIR, dashboardSchema } from './grafana-model.js';
import { checkQuery } from './influxql.js';

const TF = 'time > now() - 1h';

/** Each case is a mistake that once reached (or could reach) a dashboard; the checker must name it. */
const MISTAKES: [string, string, RegExp][] = [
  [
    'a misspelt field',
    `SELECT mean("heart_rate") FROM "hr" WHERE ${TF}`,
    /hr has no field or tag heart_rate/,
  ],
  [
    'a measurement ingest does not write',
    `SELECT mean("bpm") FROM "heartrate" WHERE ${TF}`,
    /heartrate is not written/,
  ],
  [
    'a field of another measurement',
    `SELECT mean("spo2") FROM "hr" WHERE ${TF}`,
    /hr has no field or tag spo2/,
  ],
  [
    'a tag compared with a number',
    `SELECT count("bpm") FROM "hr" WHERE ${TF} AND "site" = 1`,
    /tag site compared with 1/,
  ],
  [
    'an integer field compared with a string',
    `SELECT count("bpm") FROM "hr" WHERE ${TF} AND "zone" = '1'`,
    /numeric field zone/,
  ],
  [
    'a boolean field compared with a number',
    `SELECT count("bpm") FROM "hr" WHERE ${TF} AND "usable" = 1`,
    /boolean field usable/,
  ],
  ['mean over a boolean', `SELECT mean("usable") FROM "hr" WHERE ${TF}`, /mean\(\) over boolean usable/],
  [
    'a function InfluxQL does not have',
    `SELECT avg("bpm") FROM "hr" WHERE ${TF}`,
    /unknown InfluxQL function avg/,
  ],
  [
    'grouping by a field',
    `SELECT count("bpm") FROM "hr" WHERE ${TF} GROUP BY "zone"`,
    /GROUP BY zone: not a tag/,
  ],
  ['no time bound', 'SELECT mean("bpm") FROM "hr"', /does not bound time/],
  [
    'a variable left in the query',
    `SELECT mean("bpm") FROM "hr" WHERE $timeFilter`,
    /unsubstituted variable/,
  ],
  ['a write', `SELECT mean("bpm") INTO "x" FROM "hr" WHERE ${TF}`, /must not write/],
  [
    'subqueries with different columns (1.x returns null for the second)',
    `SELECT sum("a"), sum("b") FROM (SELECT sum("count") AS "a" FROM "alert" WHERE ${TF}), (SELECT sum("count") AS "b" FROM "alert" WHERE ${TF})`,
    /subqueries in one FROM produce different columns/,
  ],
  [
    'an outer query naming a column its subquery does not produce',
    `SELECT sum("x") FROM (SELECT last("online") AS "online" FROM "gateway" WHERE ${TF} GROUP BY "gateway")`,
    /subquery has no column x/,
  ],
  [
    'grouping by a tag the subquery dropped',
    `SELECT sum("online") FROM (SELECT last("online") AS "online" FROM "gateway" WHERE ${TF} GROUP BY "gateway") GROUP BY "site"`,
    /GROUP BY site: not a tag here/,
  ],
  [
    'SHOW TAG VALUES of a missing tag',
    'SHOW TAG VALUES FROM "ingest" WITH KEY = "site"',
    /ingest has no tag site/,
  ],
];

describe('InfluxQL checker', () => {
  for (const [what, query, problem] of MISTAKES) {
    it(`catches ${what}`, () => {
      const { problems } = checkQuery(query);
      expect(problems.join('; ')).toMatch(problem);
    });
  }

  it('accepts a correct nested query and reports what it reads', () => {
    const { problems, usage } = checkQuery(
      `SELECT count("c") FROM (SELECT last("count") AS "c", "event", "severity" FROM "alert" WHERE ${TF} AND "site" =~ /^(a|b)$/ GROUP BY "participant", "rule") WHERE "severity" = 'critical' AND "event" != 'closed'`,
    );
    expect(problems).toEqual([]);
    expect([...usage.get('alert')!.fields]).toEqual(['count']);
    expect([...usage.get('alert')!.tags].sort()).toEqual(['event', 'severity', 'site']);
  });
});

describe('dashboard schema', () => {
  const good = JSON.parse(readFileSync(join(DASHBOARD_DIR, 'live-sessions.json'), 'utf8')) as {
    panels: Record<string, unknown>[];
    [k: string]: unknown;
  };
  const withPanel = (patch: (p: Record<string, unknown>) => void): unknown => {
    const copy = structuredClone(good);
    patch(copy.panels[0]!);
    return copy;
  };

  it('accepts the committed dashboard', () => {
    expect(dashboardSchema.safeParse(good).success).toBe(true);
  });

  const rejected: [string, () => unknown][] = [
    ['a misspelt top-level key', () => ({ ...structuredClone(good), templateing: {} })],
    ['an old schemaVersion', () => ({ ...structuredClone(good), schemaVersion: 27 })],
    ['a uid over 40 characters', () => ({ ...structuredClone(good), uid: `zw-${'x'.repeat(40)}` })],
    ['a panel past the 24-column grid', () => withPanel((p) => (p.gridPos = { h: 4, w: 12, x: 16, y: 0 }))],
    [
      'a query built with the query builder instead of raw InfluxQL',
      () => withPanel((p) => ((p.targets as Record<string, unknown>[])[0]!.rawQuery = false)),
    ],
    ['a panel without a datasource', () => withPanel((p) => delete p.datasource)],
    [
      'a Flux target',
      () => withPanel((p) => ((p.targets as Record<string, unknown>[])[0]!.queryType = 'flux')),
    ],
    ['a panel without targets', () => withPanel((p) => (p.targets = []))],
    [
      'a refId that is not a letter',
      () => withPanel((p) => ((p.targets as Record<string, unknown>[])[0]!.refId = 'query1')),
    ],
  ];
  for (const [what, make] of rejected) {
    it(`rejects ${what}`, () => {
      expect(dashboardSchema.safeParse(make()).success).toBe(false);
    });
  }
});
