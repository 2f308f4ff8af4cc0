import { checkPoint, type Measurement, toLineProtocol } from './telemetry-schema.js';

/** One point as ingest writes it: ms timestamp, tags and fields of {@link TELEMETRY_SCHEMA}. */
export interface SimPoint {
  measurement: Measurement;
  tags: Record<string, string>;
  fields: Record<string, number | boolean>;
  t: number;
}

interface Participant {
  id: string;
  site: string;
  session: string;
  gateway: string;
  /** Zone bounds and ceiling, bpm. */
  low: number;
  high: number;
  ceiling: number;
  hasOximeter: boolean;
}

/** An alert lifecycle the simulation plays out; seconds from the class start. */
interface AlertScript {
  participant: string;
  rule: string;
  unconfirmed?: boolean;
  events: { at: number; event: string; severity: string }[];
}

export interface SimulatedClass {
  points: SimPoint[];
  /** Class start and end, ms since the epoch. */
  start: number;
  end: number;
  sites: string[];
  sessions: { site: string; session: string; participants: string[] }[];
  /** Site and session where every dashboard panel has data. */
  focus: { site: string; session: string };
  /** Gateways offline at the end of the class while their site's session runs. */
  offlineInSession: { site: string; gateway: string }[];
  /** Gateways offline at the end of the class (with or without a session at their site). */
  offlineAtEnd: number;
  /** Broker auth rejections in the last 5 minutes of the class. */
  authRejectedLast5m: number;
  /** Ingest write failures in the last 5 minutes of the class. */
  writeFailuresLast5m: number;
}

/** Deterministic PRNG (mulberry32), so every run writes the same class. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CLASS_S = 600;
const SITE_A = 'clinic-a';
const SITE_B = 'clinic-b';
const SITE_HOME = 'home-c01';
const SESSION_A = 'sess-a-0930';
const SESSION_B = 'sess-b-1000';

/**
 * A cardiac-rehab class (six participants, two gateways) and a COPD class (four participants, two
 * gateways) over the ten minutes ending at `end`: HR, SpO2 and steps per participant, device health
 * every 10 s, alert lifecycles with acknowledgements, and ingest, broker, gateway and session metrics,
 * including the incidents the ops alert rules watch for (a gateway offline during a session, a burst
 * of rejected broker logins, failed InfluxDB writes).
 */
export function simulateClass(end: number = Date.now(), seed = 7): SimulatedClass {
  const rnd = prng(seed);
  const endMs = Math.floor(end / 1000) * 1000;
  const start = endMs - CLASS_S * 1000;
  const at = (s: number): number => start + s * 1000;
  const points: SimPoint[] = [];

  const participants: Participant[] = [];
  for (let i = 1; i <= 6; i++) {
    participants.push({
      id: `p-a0${i}`,
      site: SITE_A,
      session: SESSION_A,
      gateway: i <= 3 ? 'gw-a1' : 'gw-a2',
      low: 95 + i,
      high: 115 + i,
      ceiling: 130 + i,
      hasOximeter: true,
    });
  }
  for (let i = 1; i <= 4; i++) {
    participants.push({
      id: `p-b0${i}`,
      site: SITE_B,
      session: SESSION_B,
      gateway: i <= 2 ? 'gw-b1' : 'gw-b2',
      low: 90 + i,
      high: 110 + i,
      ceiling: 125 + i,
      hasOximeter: i % 2 === 1,
    });
  }
  const gateways = [
    { site: SITE_A, gateway: 'gw-a1', offline: [] as [number, number][] },
    // Drops out mid-class and comes back (its outbox replays the readings).
    { site: SITE_A, gateway: 'gw-a2', offline: [[420, 500]] as [number, number][] },
    { site: SITE_B, gateway: 'gw-b1', offline: [] as [number, number][] },
    // Goes offline near the end and stays offline while the COPD class runs.
    { site: SITE_B, gateway: 'gw-b2', offline: [[540, CLASS_S + 1]] as [number, number][] },
    // A home gateway switched off: offline, but no session runs there (no ops alert).
    { site: SITE_HOME, gateway: 'gw-home-1', offline: [[0, CLASS_S + 1]] as [number, number][] },
  ];
  const isOffline = (gateway: string, s: number): boolean =>
    gateways.some((g) => g.gateway === gateway && g.offline.some(([a, b]) => s >= a && s < b));

  // Incidents per participant, seconds from start.
  const contactLost = (p: string, s: number): boolean => p === 'p-a02' && s >= 150 && s < 175;
  /** An HR strap that went silent (a dropout the device-health board must show). */
  const strapSilent = (p: string, s: number): boolean => p === 'p-a05' && s >= 300 && s < 370;
  const aboveZone = (p: string, s: number): boolean =>
    (p === 'p-a03' && s >= 240 && s < 330) || (p === 'p-b02' && s >= 360 && s < 425);
  const desaturating = (p: string, s: number): boolean => p === 'p-a05' && s >= 200 && s < 320;

  const alerts: AlertScript[] = [
    {
      participant: 'p-a03',
      rule: 'HR_ABOVE_ZONE',
      events: [
        { at: 270, event: 'raised', severity: 'advisory' },
        { at: 285, event: 'upgraded', severity: 'warning' },
        { at: 297, event: 'acknowledged', severity: 'warning' },
        { at: 345, event: 'cleared', severity: 'warning' },
        { at: 345, event: 'closed', severity: 'warning' },
      ],
    },
    {
      participant: 'p-a05',
      rule: 'SPO2_LOW',
      events: [
        { at: 215, event: 'raised', severity: 'warning' },
        { at: 230, event: 'upgraded', severity: 'critical' },
        { at: 260, event: 'escalated', severity: 'critical' },
        { at: 275, event: 'acknowledged', severity: 'critical' },
        { at: 335, event: 'cleared', severity: 'critical' },
        { at: 335, event: 'closed', severity: 'critical' },
      ],
    },
    {
      participant: 'p-a02',
      rule: 'NO_CONTACT',
      events: [
        { at: 160, event: 'raised', severity: 'advisory' },
        { at: 175, event: 'cleared', severity: 'advisory' },
        { at: 175, event: 'closed', severity: 'advisory' },
      ],
    },
    {
      participant: 'p-a06',
      rule: 'HR_OVER_CEILING',
      unconfirmed: true,
      events: [
        { at: 400, event: 'raised', severity: 'warning' },
        { at: 410, event: 'acknowledged', severity: 'warning' },
      ],
    },
    {
      participant: 'p-a01',
      rule: 'HR_OVER_CEILING',
      events: [
        { at: 575, event: 'raised', severity: 'warning' },
        { at: 585, event: 'upgraded', severity: 'critical' },
      ],
    },
    {
      participant: 'p-a04',
      rule: 'SIGNAL_LOST',
      events: [{ at: 560, event: 'raised', severity: 'advisory' }],
    },
    {
      participant: 'p-b02',
      rule: 'HR_ABOVE_ZONE',
      events: [
        { at: 380, event: 'raised', severity: 'warning' },
        { at: 395, event: 'acknowledged', severity: 'warning' },
        { at: 440, event: 'cleared', severity: 'warning' },
        { at: 440, event: 'closed', severity: 'warning' },
      ],
    },
    {
      participant: 'p-b03',
      rule: 'HR_LOW',
      events: [
        { at: 500, event: 'raised', severity: 'critical' },
        { at: 530, event: 'escalated', severity: 'critical' },
      ],
    },
  ];

  // Participant streams.
  const samplesPerSecond = new Array<number>(CLASS_S).fill(0);
  const steps = new Map<string, number>();
  for (const p of participants) {
    const tags = { site: p.site, session: p.session, participant: p.id };
    const target = (p.low + p.high) / 2;
    for (let s = 0; s < CLASS_S; s++) {
      const warm = Math.min(1, s / 180);
      let bpm = 72 + (target - 72) * warm + (rnd() - 0.5) * 4;
      if (aboveZone(p.id, s)) bpm = p.high + 12 + rnd() * 3;
      if (p.id === 'p-b03' && s >= 490) bpm = 38 + rnd() * 1.5;
      if (p.id === 'p-a01' && s >= 565) bpm = p.ceiling + 12 + rnd() * 2;
      const contact = !contactLost(p.id, s);
      const artefact = rnd() < 0.01;
      const usable = contact && !artefact;
      if (artefact) bpm += 30;
      if (!strapSilent(p.id, s)) {
        const zone = bpm < p.low ? 0 : bpm <= p.high ? 1 : bpm < p.ceiling ? 2 : 3;
        points.push({
          measurement: 'hr',
          tags: { ...tags, device_kind: 'hr-strap' },
          fields: { bpm: Math.round(bpm * 10) / 10, usable, zone, contact },
          t: at(s),
        });
        samplesPerSecond[s]!++;
      }
      if (s % 2 === 0 && p.hasOximeter) {
        let spo2 = 96 + (rnd() - 0.5) * 1.5;
        if (desaturating(p.id, s)) spo2 = 84 + rnd() * 2;
        points.push({
          measurement: 'spo2',
          tags: { ...tags, device_kind: 'oximeter' },
          fields: { spo2: Math.round(spo2 * 10) / 10, pulse_rate: Math.round(bpm) },
          t: at(s),
        });
        samplesPerSecond[s]!++;
      }
      if (s % 2 === 1) {
        const cadence = 50 + warm * 60 + rnd() * 5;
        const total = (steps.get(p.id) ?? 0) + Math.round((cadence / 60) * 2);
        steps.set(p.id, total);
        points.push({
          measurement: 'steps',
          tags: { ...tags, device_kind: 'pedometer' },
          fields: { steps: total, cadence: Math.round(cadence * 10) / 10 },
          t: at(s),
        });
        samplesPerSecond[s]!++;
      }
    }
  }

  // Device health, one point per device per 10 s period it was heard in.
  for (const p of participants) {
    const n = Number(p.id.slice(3));
    const kinds: { kind: string; device: string; perPeriod: number; contact: boolean }[] = [
      { kind: 'hr-strap', device: `hr-${p.id.slice(2)}`, perPeriod: 10, contact: true },
      { kind: 'pedometer', device: `ped-${p.id.slice(2)}`, perPeriod: 5, contact: false },
    ];
    if (p.hasOximeter)
      kinds.push({ kind: 'oximeter', device: `ox-${p.id.slice(2)}`, perPeriod: 5, contact: true });
    for (const d of kinds) {
      for (let s = 10; s <= CLASS_S; s += 10) {
        if (d.kind === 'hr-strap' && strapSilent(p.id, s - 1)) continue;
        const battery = (d.device === 'hr-a04' ? 18 : 60 + n * 5) - (s / CLASS_S) * 3;
        const fields: Record<string, number> = {
          samples: d.perPeriod,
          battery: Math.round(battery * 10) / 10,
        };
        if (d.contact) fields.contact_lost = d.kind === 'hr-strap' && contactLost(p.id, s - 5) ? 1 : 0;
        points.push({
          measurement: 'device',
          tags: { site: p.site, gateway: p.gateway, device: d.device, device_kind: d.kind },
          fields,
          t: at(s),
        });
      }
    }
  }

  // Alert lifecycles.
  const openAt = (s: number): number =>
    alerts.filter((a) => a.events[0]!.at <= s && !a.events.some((e) => e.event === 'closed' && e.at <= s))
      .length;
  for (const a of alerts) {
    const p = participants.find((x) => x.id === a.participant)!;
    const raisedAt = a.events[0]!.at;
    for (const e of a.events) {
      const fields: Record<string, number | boolean> = { count: 1, unconfirmed: a.unconfirmed ?? false };
      if (e.event === 'acknowledged') fields.time_to_ack_s = e.at - raisedAt;
      points.push({
        measurement: 'alert',
        tags: {
          site: p.site,
          session: p.session,
          participant: p.id,
          rule: a.rule,
          severity: e.severity,
          event: e.event,
        },
        fields,
        t: at(e.at),
      });
    }
  }

  // Platform metrics every 10 s. Counters are cumulative since the process started.
  const ingest = {
    batches: 0,
    samples: 5000,
    invalid: 3,
    duplicates: 0,
    unbound: 0,
    future_samples: 0,
    write_failures: 0,
    dropped: 0,
  };
  const broker = { in: 20_000, out: 20_000, auth: 2, pub: 0, sub: 0 };
  const writeFailureAt = new Map([
    [360, 2],
    [370, 1],
  ]);
  const authBurst = (s: number): number => (s >= 450 && s <= 470 ? 15 : s === 100 ? 1 : 0);
  let authRejectedLast5m = 0;
  let writeFailuresLast5m = 0;
  for (let s = 0; s <= CLASS_S; s += 10) {
    const window = samplesPerSecond.slice(Math.max(0, s - 10), s).reduce((x, y) => x + y, 0);
    const online = gateways.filter((g) => !isOffline(g.gateway, s));
    ingest.batches += online.length * 40;
    ingest.samples += window;
    ingest.invalid += rnd() < 0.3 ? 1 : 0;
    ingest.duplicates += s === 500 ? 12 : rnd() < 0.2 ? 1 : 0;
    ingest.unbound += rnd() < 0.15 ? 1 : 0;
    // A gateway's clock runs ahead for two minutes (issue 13, hole 1): its samples are refused as from the future.
    const clockAhead = s >= 300 && s < 420;
    ingest.future_samples += clockAhead ? 40 : 0;
    const failures = writeFailureAt.get(s) ?? 0;
    ingest.write_failures += failures;
    if (s > CLASS_S - 300) writeFailuresLast5m += failures;
    points.push({
      measurement: 'ingest',
      tags: { node: 'ingest-1' },
      fields: {
        batches: ingest.batches,
        samples: ingest.samples,
        invalid: ingest.invalid,
        duplicates: ingest.duplicates,
        unbound: ingest.unbound,
        future_samples: ingest.future_samples,
        clock_fault_gateways: clockAhead ? 1 : 0,
        unbound_devices: Math.min(ingest.unbound, 2000),
        unbound_evicted: Math.max(0, ingest.unbound - 2000) + (s >= 500 ? 120 : 0),
        alerts_open: openAt(s),
        sites_held: s === 570 ? 1 : 2,
        write_latency_ms: failures ? 850 : Math.round((4 + rnd() * 12) * 10) / 10,
        buffer_lines: failures ? 4200 : Math.round(rnd() * 300),
        write_failures: ingest.write_failures,
        dropped_lines: ingest.dropped,
      },
      t: at(s),
    });
    // Site leases (issue 18): ingest-1 holds both sites; at 570 s it dies for site A, which ingest-2 takes
    // over at 576 s (a 6 s gap, recorded by the new owner).
    points.push({
      measurement: 'site_lease',
      tags: { site: SITE_B, node: 'ingest-1' },
      fields: { held: 1, token: 1 },
      t: at(s),
    });
    if (s !== 570)
      points.push({
        measurement: 'site_lease',
        tags: { site: SITE_A, node: s < 570 ? 'ingest-1' : 'ingest-2' },
        fields: { held: 1, token: s < 570 ? 1 : 2 },
        t: at(s),
      });
    if (s === 580) {
      points.push({
        measurement: 'site_gap',
        tags: { site: SITE_A },
        fields: { interrupted: 1, gap_ms: 0 },
        t: at(590),
      });
      points.push({
        measurement: 'site_gap',
        tags: { site: SITE_A },
        fields: { interrupted: 0, gap_ms: 6000 },
        t: at(596),
      });
    }
    const rejected = authBurst(s);
    broker.auth += rejected;
    if (s > CLASS_S - 300) authRejectedLast5m += rejected;
    broker.in += online.length * 40;
    broker.out += online.length * 40;
    broker.pub += s === 200 ? 1 : 0;
    broker.sub += s === 250 ? 1 : 0;
    points.push({
      measurement: 'broker',
      tags: { node: 'broker-1' },
      fields: {
        clients: online.length + 1,
        messages_in: broker.in,
        messages_out: broker.out,
        auth_rejected: broker.auth,
        publish_rejected: broker.pub,
        subscribe_rejected: broker.sub,
      },
      t: at(s),
    });
    for (const g of gateways) {
      const off = isOffline(g.gateway, s);
      const backlog = g.offline.find(([a, b]) => s >= a && s < b);
      points.push({
        measurement: 'gateway',
        tags: { site: g.site, gateway: g.gateway },
        fields: {
          online: off ? 0 : 1,
          outbox_depth: backlog ? (s - backlog[0]) * 4 : 0,
          outbox_dropped: 0,
        },
        t: at(s),
      });
    }
    for (const [site, session] of [
      [SITE_A, SESSION_A],
      [SITE_B, SESSION_B],
    ] as const) {
      const members = participants.filter((p) => p.session === session);
      const dark = members.filter((p) => isOffline(p.gateway, s)).length;
      points.push({
        measurement: 'session',
        tags: { site, session },
        fields: {
          participants: members.length,
          completeness: Math.round((100 - (dark / members.length) * 100 - rnd() * 2) * 10) / 10,
        },
        t: at(s),
      });
    }
  }

  return {
    points,
    start,
    end: endMs,
    sites: [SITE_A, SITE_B, SITE_HOME],
    sessions: [
      {
        site: SITE_A,
        session: SESSION_A,
        participants: participants.filter((p) => p.site === SITE_A).map((p) => p.id),
      },
      {
        site: SITE_B,
        session: SESSION_B,
        participants: participants.filter((p) => p.site === SITE_B).map((p) => p.id),
      },
    ],
    focus: { site: SITE_A, session: SESSION_A },
    offlineInSession: [{ site: SITE_B, gateway: 'gw-b2' }],
    offlineAtEnd: 2,
    authRejectedLast5m,
    writeFailuresLast5m,
  };
}

/**
 * One line of line protocol, made by ingest's own `checkPoint` and `toLineProtocol`: a point that is
 * not exactly in the schema (a tag missing or unknown, an unknown field, a wrong type) throws, and a
 * valid one is written byte for byte as ingest writes it.
 */
export function toLine(p: SimPoint): string {
  const { point, invalidFields } = checkPoint(p);
  if (!point || invalidFields.length)
    throw new Error(`${p.measurement}: invalid fields ${invalidFields.join()}`);
  return toLineProtocol(point);
}

/** Writes points through the 1.x `/write` endpoint (what Debian's 1.6 speaks), ms precision. */
export async function writePoints(url: string, db: string, points: SimPoint[]): Promise<void> {
  const lines = points.map(toLine);
  for (let i = 0; i < lines.length; i += 5000) {
    const res = await fetch(`${url}/write?db=${encodeURIComponent(db)}&precision=ms`, {
      method: 'POST',
      body: lines.slice(i, i + 5000).join('\n'),
    });
    if (res.status !== 204) throw new Error(`write failed: HTTP ${res.status} ${await res.text()}`);
  }
}
