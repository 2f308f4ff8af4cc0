import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfluxServer, startInflux } from '../../ingest/test/telemetry/influx-server.js';
import { loadSetupConfig } from '../src/influx/config.js';
import { pingInflux } from '../src/influx/detect.js';
import { type InfluxResult, influxQL, rows } from '../src/influx/http.js';
import { setupInflux1 } from '../src/influx/v1.js';
import {
  type AlertQuery,
  type AlertRule,
  alertRulesFileSchema,
  type DataPanel,
  dataPanels,
  isInfluxTarget,
  loadDashboards,
  loadYaml,
} from './grafana-model.js';
import {
  evaluateMath,
  evaluateThreshold,
  interpolate,
  type LabelledNumber,
  type QueryVars,
  reduceSeries,
  toSeries,
} from './grafana-runtime.js';
import { type SimulatedClass, simulateClass, writePoints } from './simulated-class.js';
import { TELEMETRY_SCHEMA } from './telemetry-schema.js';

const DB = 'zonewatch';
const dashboards = loadDashboards();
const rules = loadYaml('alerting/rules.yaml', alertRulesFileSchema).groups.flatMap((g) => g.rules);

let server: InfluxServer;
let sim: SimulatedClass;
let allSites: string[];
let allSessions: string[];

const query = (q: string): Promise<InfluxResult> => influxQL({ url: server.url, db: DB }, q);

function varsFor(site: string[], session: string[], timeFilter = 'time > now() - 1h'): QueryVars {
  return { timeFilter, interval: '10s', intervalMs: 10_000, vars: { site, session } };
}

async function tagValues(q: string): Promise<string[]> {
  return rows(await query(q)).map((r) => String(r.value));
}

/** Runs a panel like Grafana: every InfluxQL target, then its expressions in order. */
async function runPanel(panel: DataPanel, v: QueryVars) {
  const influx = new Map<string, InfluxResult>();
  const numbers = new Map<string, LabelledNumber[]>();
  for (const t of panel.targets) {
    if (isInfluxTarget(t)) influx.set(t.refId, await query(interpolate(t.query, v)));
  }
  for (const t of panel.targets) {
    if (isInfluxTarget(t)) continue;
    if (t.type === 'reduce') {
      numbers.set(t.refId, reduceSeries(toSeries(influx.get(t.expression)!), t.reducer, t.settings.mode));
    } else {
      numbers.set(t.refId, evaluateMath(t.expression, Object.fromEntries(numbers)));
    }
  }
  return { influx, numbers };
}

/** True when a result holds at least one non-null value outside the time column. */
function hasData(r: InfluxResult): boolean {
  return (r.series ?? []).some((s) => (s.values ?? []).some((row) => row.slice(1).some((x) => x !== null)));
}

/** Shown results of a panel as label → last value (the value a stat or bar gauge displays). */
async function shown(dashboardUid: string, title: string, v: QueryVars): Promise<Record<string, number>> {
  const d = dashboards.find((x) => x.dashboard.uid === dashboardUid)!;
  const panel = dataPanels(d.dashboard).find((p) => p.title === title)!;
  const { influx, numbers } = await runPanel(panel, v);
  const out: Record<string, number> = {};
  for (const t of panel.targets) {
    if (t.hide) continue;
    if (isInfluxTarget(t)) {
      for (const s of influx.get(t.refId)?.series ?? []) {
        const tags = s.tags ?? {};
        const label = (t.alias ?? '').replace(/\$tag_(\w+)/g, (_, k: string) => tags[k] ?? '') || t.refId;
        const last = [...(s.values ?? [])].reverse().find((row) => typeof row[1] === 'number');
        if (last) out[label] = last[1] as number;
      }
    } else {
      for (const n of numbers.get(t.refId) ?? []) out[Object.values(n.labels).join(' ') || t.refId] = n.value;
    }
  }
  return out;
}

/** Evaluates an alert rule like Grafana's scheduler: each query over its own relative time range. */
async function evaluateRule(rule: AlertRule): Promise<LabelledNumber[]> {
  const results = new Map<string, LabelledNumber[] | InfluxResult>();
  for (const q of rule.data as AlertQuery[]) {
    if (q.datasourceUid !== '__expr__') {
      const m = q.model as { query: string };
      const from = (q as { relativeTimeRange: { from: number } }).relativeTimeRange.from;
      results.set(q.refId, await query(interpolate(m.query, varsFor([], [], `time > now() - ${from}s`))));
      continue;
    }
    const m = q.model as
      | { type: 'reduce'; expression: string; reducer: string; settings: { mode: string } }
      | { type: 'math'; expression: string }
      | {
          type: 'threshold';
          expression: string;
          conditions: { evaluator: { type: string; params: number[] } }[];
        };
    if (m.type === 'reduce') {
      results.set(
        q.refId,
        reduceSeries(toSeries(results.get(m.expression) as InfluxResult), m.reducer, m.settings.mode),
      );
    } else if (m.type === 'math') {
      const refs: Record<string, LabelledNumber[]> = {};
      for (const [k, v] of results) if (Array.isArray(v)) refs[k] = v;
      results.set(q.refId, evaluateMath(m.expression, refs));
    } else {
      const e = m.conditions[0]!.evaluator;
      results.set(
        q.refId,
        evaluateThreshold(results.get(m.expression) as LabelledNumber[], e.type, e.params),
      );
    }
  }
  return results.get(rule.condition) as LabelledNumber[];
}

beforeAll(async () => {
  server = await startInflux();
  await setupInflux1(loadSetupConfig({ INFLUX_URL: server.url }));
  sim = simulateClass();
  await writePoints(server.url, DB, sim.points);
  const site = dashboards[0]!.dashboard.templating.list.find((v) => v.name === 'site')!;
  allSites = await tagValues(site.query);
  allSessions = await tagValues(
    interpolate(
      dashboards[0]!.dashboard.templating.list.find((v) => v.name === 'session')!.query,
      varsFor(allSites, []),
    ),
  );
});

afterAll(async () => {
  await server?.close();
});

describe('the simulated class in a real InfluxDB', () => {
  it(`runs against Debian's influxd`, async () => {
    expect((await pingInflux(server.url))?.major).toBe(1);
  });

  it('is stored in exactly the telemetry schema (field types and tag keys as InfluxDB reports them)', async () => {
    const fields = rows(await query('SHOW FIELD KEYS'));
    const tags = rows(await query('SHOW TAG KEYS'));
    for (const [m, schema] of Object.entries(TELEMETRY_SCHEMA)) {
      const stored = Object.fromEntries(
        fields.filter((r) => r._series === m).map((r) => [r.fieldKey, r.fieldType]),
      );
      expect(stored, m).toEqual(schema.fields);
      const storedTags = tags.filter((r) => r._series === m).map((r) => r.tagKey);
      expect(storedTags.sort(), m).toEqual([...schema.tags].sort());
    }
  });
});

describe('template variables', () => {
  for (const { file, dashboard } of dashboards) {
    it(`${file}: site and session variable queries list the class's sites and sessions`, async () => {
      const [site, session] = dashboard.templating.list;
      expect((await tagValues(site!.query)).sort()).toEqual(sim.sites);
      const every = await tagValues(interpolate(session!.query, varsFor(sim.sites, [])));
      expect(every.sort()).toEqual(sim.sessions.map((s) => s.session).sort());
      const one = await tagValues(interpolate(session!.query, varsFor([sim.focus.site], [])));
      expect(one).toEqual([sim.focus.session]);
    });
  }
});

describe('every panel query returns data', () => {
  for (const { file, dashboard } of dashboards) {
    describe(file, () => {
      for (const panel of dataPanels(dashboard)) {
        for (const [scope, make] of [
          ['All sites and sessions', () => varsFor(allSites, allSessions)],
          ['one site and session', () => varsFor([sim.focus.site], [sim.focus.session])],
        ] as const) {
          it(`"${panel.title}" (${scope})`, async () => {
            const { influx, numbers } = await runPanel(panel, make());
            for (const [refId, r] of influx) expect(hasData(r), `${refId} returned no data`).toBe(true);
            for (const [refId, n] of numbers) {
              expect(n.length, `${refId} produced nothing`).toBeGreaterThan(0);
              for (const x of n) expect(Number.isFinite(x.value), `${refId} ${JSON.stringify(x)}`).toBe(true);
            }
          });
        }
      }
    });
  }
});

describe('panels compute what they claim (checked against the simulated class)', () => {
  const all = (): QueryVars => varsFor(allSites, allSessions);
  const focus = (): QueryVars => varsFor([sim.focus.site], [sim.focus.session]);

  it('fleet: two gateways offline (gw-b2 and a home gateway), three online', async () => {
    expect(await shown('zw-fleet-overview', 'Gateways offline', all())).toEqual({ A: sim.offlineAtEnd });
    expect(await shown('zw-fleet-overview', 'Gateways online', all())).toEqual({ A: 3 });
    expect(await shown('zw-fleet-overview', 'Gateways offline', focus())).toEqual({ A: 0 });
  });

  it('live: open alerts by current severity (upgrades counted once, closed alerts not at all)', async () => {
    expect(await shown('zw-live-sessions', 'Open alerts by severity', all())).toEqual({
      critical: 2,
      warning: 1,
      advisory: 1,
    });
    expect(await shown('zw-live-sessions', 'Open alerts by severity', focus())).toEqual({
      critical: 1,
      warning: 1,
      advisory: 1,
    });
  });

  it('live: median time to acknowledge over the acknowledged alerts (10, 15, 27, 60 s)', async () => {
    expect(await shown('zw-live-sessions', 'Median time to acknowledge', all())).toEqual({ A: 21 });
  });

  it('alert quality: 4 of 8 raised alerts acknowledged; per rule, never-acknowledged rules show 0 %', async () => {
    expect(await shown('zw-alert-quality', 'Acknowledged', all())).toEqual({ E: 50 });
    expect(await shown('zw-alert-quality', 'Acknowledged by rule', all())).toEqual({
      HR_ABOVE_ZONE: 100,
      SPO2_LOW: 100,
      HR_OVER_CEILING: 50,
      NO_CONTACT: 0,
      SIGNAL_LOST: 0,
      HR_LOW: 0,
    });
  });

  it('alert quality: alerts per participant-hour = alerts raised / (roster size × session hours)', async () => {
    const hours = sim.sessions.reduce(
      (h, s) => h + (s.participants.length * (sim.end - sim.start)) / 3_600_000,
      0,
    );
    const raised: Record<string, number> = {};
    for (const p of sim.points) {
      if (p.measurement === 'alert' && p.tags.event === 'raised')
        raised[p.tags.rule!] = (raised[p.tags.rule!] ?? 0) + 1;
    }
    const got = await shown('zw-alert-quality', 'Alerts per participant-hour by rule', all());
    expect(Object.keys(got).sort()).toEqual(Object.keys(raised).sort());
    for (const [rule, n] of Object.entries(raised)) expect(got[rule], rule).toBeCloseTo(n / hours, 6);
  });

  it('device health: one HR-strap dropout, none for the other models; the 18 % strap is lowest', async () => {
    expect(await shown('zw-device-health', 'Dropouts per device model', all())).toEqual({
      'hr-strap': 1,
      oximeter: 0,
      pedometer: 0,
    });
    const lowest = await shown('zw-device-health', 'Lowest battery per device model', all());
    expect(lowest['hr-strap']).toBeLessThan(18);
    expect(lowest['hr-strap']).toBeGreaterThan(14);
  });

  it('device health: unusable HR share matches the readings written', async () => {
    const hr = sim.points.filter((p) => p.measurement === 'hr');
    const unusable = hr.filter((p) => p.fields.usable === false).length;
    const got = await shown('zw-device-health', 'Unusable HR readings per device model', all());
    expect(got['hr-strap']).toBeCloseTo((100 * unusable) / hr.length, 6);
  });
});

describe('ops alert rules, evaluated on the simulated class', () => {
  const firing = async (uid: string): Promise<Record<string, string>[]> => {
    const rule = rules.find((r) => r.uid === uid)!;
    return (await evaluateRule(rule)).filter((n) => n.value === 1).map((n) => n.labels);
  };

  it('gateway offline during a session: fires for gw-b2 only (gw-a2 came back; the home gateway has no session)', async () => {
    expect(await firing('zw-gateway-offline')).toEqual(sim.offlineInSession);
  });

  it('ingest write failures: fires for the node that failed writes in the last 5 minutes', async () => {
    expect(sim.writeFailuresLast5m).toBeGreaterThan(0);
    expect(await firing('zw-ingest-write-failures')).toEqual([{ node: 'ingest-1' }]);
  });

  it('ingest dropping telemetry: quiet, nothing was dropped', async () => {
    expect(await firing('zw-ingest-dropped-lines')).toEqual([]);
  });

  it('broker login failures spike: fires on the burst of refused logins', async () => {
    expect(sim.authRejectedLast5m).toBeGreaterThan(20);
    expect(await firing('zw-broker-auth-spike')).toEqual([{ node: 'broker-1' }]);
  });
});
