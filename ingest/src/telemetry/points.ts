import type { AlertEvent, Sample, ZoneState } from '@zonewatch/protocol';
import { DEVICE_KINDS, type DeviceKind, type TelemetryPoint, ZONE_CODES } from './schema.js';

/** Who a sample belongs to, resolved by ingest through the active roster. */
export interface SampleContext {
  readonly site: string;
  readonly session: string;
  /** Pseudonymous participant id — never a name or display alias. */
  readonly participant: string;
  readonly gateway: string;
  /** Kind of the sending device, when the registry knows it (battery samples do not say). */
  readonly deviceKind?: DeviceKind;
}

/** What the rules engine concluded about an HR sample. */
export interface SampleExtra {
  /** The sample was usable for zone evaluation (not an artefact, sensor in contact). */
  readonly usable?: boolean;
  /** Zone of the participant after this sample; omitted when unknown. */
  readonly zone?: ZoneState;
}

/** An alert lifecycle event as sent to consoles, plus the site it belongs to. */
export type TelemetryAlertEvent = AlertEvent & { readonly site: string };

/**
 * The point of a participant stream sample (`hr`, `spo2`, `steps`); `undefined` for battery samples,
 * which only feed the `device` health aggregate.
 */
export function samplePoint(ctx: SampleContext, s: Sample, extra?: SampleExtra): TelemetryPoint | undefined {
  const tags = { site: ctx.site, session: ctx.session, participant: ctx.participant };
  switch (s.kind) {
    case 'hr': {
      const fields: Record<string, number | boolean> = { bpm: s.bpm };
      if (extra?.usable !== undefined) fields.usable = extra.usable;
      if (extra?.zone !== undefined) fields.zone = ZONE_CODES[extra.zone];
      if (s.contact !== undefined) fields.contact = s.contact;
      return { measurement: 'hr', tags: { ...tags, device_kind: DEVICE_KINDS.hr }, fields, t: s.t };
    }
    case 'spo2': {
      const fields: Record<string, number> = { spo2: s.spo2 };
      if (s.pulseRate !== undefined) fields.pulse_rate = s.pulseRate;
      return { measurement: 'spo2', tags: { ...tags, device_kind: DEVICE_KINDS.spo2 }, fields, t: s.t };
    }
    case 'steps': {
      const fields: Record<string, number> = { steps: s.steps };
      if (s.cadence !== undefined) fields.cadence = s.cadence;
      return { measurement: 'steps', tags: { ...tags, device_kind: DEVICE_KINDS.steps }, fields, t: s.t };
    }
    case 'battery':
      return undefined;
  }
}

/**
 * The `alert` point of a lifecycle event; `undefined` for events that change nothing (`resounded`
 * repeats the sound of an open alert).
 */
export function alertPoint(e: TelemetryAlertEvent): TelemetryPoint | undefined {
  if (e.event === 'resounded') return undefined;
  const a = e.alert;
  const fields: Record<string, number | boolean> = { count: 1, unconfirmed: a.unconfirmed ?? false };
  if (e.event === 'acknowledged' && a.acknowledgedAt !== null) {
    fields.time_to_ack_s = Math.max(0, a.acknowledgedAt - a.raisedAt) / 1000;
  }
  return {
    measurement: 'alert',
    tags: {
      site: e.site,
      session: e.sessionId,
      participant: a.participantId,
      rule: a.rule,
      severity: a.severity,
      event: e.event,
    },
    fields,
    t: e.at,
  };
}

interface DeviceAcc {
  site: string;
  gateway: string;
  device: string;
  kind: DeviceKind;
  samples: number;
  battery: number | undefined;
  contactLost: boolean | undefined;
}

/**
 * Aggregates device health per (site, gateway, device) over one period: the last battery level,
 * whether any HR/SpO2 sample reported lost sensor contact, and how many samples arrived. `drain(t)`
 * returns one `device` point per device heard from and starts a new period.
 */
export class DeviceHealthAggregator {
  readonly #period = new Map<string, DeviceAcc>();
  /** Last kind seen per device, so a battery sample is tagged with its device's kind. */
  readonly #kinds = new Map<string, DeviceKind>();
  #overflow = 0;

  /** @param maxDevices bound of devices tracked per period (and of remembered device kinds). */
  constructor(private readonly maxDevices = 50_000) {}

  observe(ctx: SampleContext, s: Sample): void {
    const key = `${ctx.site}\u0000${ctx.gateway}\u0000${s.device}`;
    let kind = ctx.deviceKind ?? (s.kind === 'battery' ? undefined : DEVICE_KINDS[s.kind]);
    if (kind !== undefined && kind !== DEVICE_KINDS.unknown) this.#rememberKind(key, kind);
    else kind = this.#kinds.get(key) ?? DEVICE_KINDS.unknown;
    let acc = this.#period.get(key);
    if (!acc) {
      if (this.#period.size >= this.maxDevices) {
        this.#overflow++;
        return;
      }
      acc = {
        site: ctx.site,
        gateway: ctx.gateway,
        device: s.device,
        kind,
        samples: 0,
        battery: undefined,
        contactLost: undefined,
      };
      this.#period.set(key, acc);
    } else if (acc.kind === DEVICE_KINDS.unknown) {
      acc.kind = kind;
    }
    acc.samples++;
    if (s.kind === 'battery') acc.battery = s.percent;
    if ((s.kind === 'hr' || s.kind === 'spo2') && s.contact !== undefined) {
      acc.contactLost = acc.contactLost === true || !s.contact;
    }
  }

  /** Points of the period that ends at `t` (ms); starts the next period. */
  drain(t: number): TelemetryPoint[] {
    const out: TelemetryPoint[] = [];
    for (const a of this.#period.values()) {
      const fields: Record<string, number> = { samples: a.samples };
      if (a.battery !== undefined) fields.battery = a.battery;
      if (a.contactLost !== undefined) fields.contact_lost = a.contactLost ? 1 : 0;
      out.push({
        measurement: 'device',
        tags: { site: a.site, gateway: a.gateway, device: a.device, device_kind: a.kind },
        fields,
        t,
      });
    }
    this.#period.clear();
    return out;
  }

  /** Samples not aggregated because `maxDevices` devices were already tracked in their period. */
  get overflow(): number {
    return this.#overflow;
  }

  #rememberKind(key: string, kind: DeviceKind): void {
    if (this.#kinds.get(key) === kind) return;
    this.#kinds.delete(key);
    if (this.#kinds.size >= this.maxDevices) {
      const oldest = this.#kinds.keys().next().value;
      if (oldest !== undefined) this.#kinds.delete(oldest);
    }
    this.#kinds.set(key, kind);
  }
}
