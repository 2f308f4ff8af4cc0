import { describe, expect, it } from 'vitest';
import { evaluateMath, interpolate } from './grafana-runtime.js';

describe('expression evaluation (as Grafana pairs labelled series)', () => {
  const offline = [
    { labels: { site: 'clinic-a', gateway: 'gw-1' }, value: 0 },
    { labels: { site: 'home-7', gateway: 'gw-home' }, value: 0 },
    { labels: { site: 'clinic-a', gateway: 'gw-2' }, value: 1 },
  ];

  it('pairs a gateway with its own site only, even when one site alone has a session', () => {
    const inSession = [{ labels: { site: 'clinic-a' }, value: 6 }];
    expect(evaluateMath('$C == 0 && $D > 0', { C: offline, D: inSession })).toEqual([
      { labels: { site: 'clinic-a', gateway: 'gw-1' }, value: 1 },
      { labels: { site: 'clinic-a', gateway: 'gw-2' }, value: 0 },
    ]);
  });

  it('applies an unlabelled value to every item, and drops pairs whose labels conflict', () => {
    expect(
      evaluateMath('$C / $D', { C: [{ labels: { rule: 'A' }, value: 3 }], D: [{ labels: {}, value: 2 }] }),
    ).toEqual([{ labels: { rule: 'A' }, value: 1.5 }]);
    const a = [
      { labels: { rule: 'A' }, value: 1 },
      { labels: { rule: 'B' }, value: 2 },
    ];
    const b = [{ labels: { rule: 'B' }, value: 4 }];
    expect(evaluateMath('100 * $X / $Y', { X: a, Y: b })).toEqual([{ labels: { rule: 'B' }, value: 50 }]);
  });
});

describe('template interpolation (as the InfluxDB datasource formats variables)', () => {
  it('turns a multi-value selection into a regex alternation and escapes regex characters', () => {
    const q = interpolate(
      'WHERE "site" =~ /^$site$/ AND "session" =~ /^$session$/ AND $timeFilter GROUP BY time($__interval)',
      {
        timeFilter: 'time > now() - 1h',
        interval: '10s',
        intervalMs: 10_000,
        vars: { site: ['a', 'b.c'], session: ['s1'] },
      },
    );
    expect(q).toBe(
      'WHERE "site" =~ /^(a|b\\.c)$/ AND "session" =~ /^s1$/ AND time > now() - 1h GROUP BY time(10s)',
    );
  });
});
