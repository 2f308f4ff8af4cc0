import type { DeviceKind } from '../telemetry/index.js';

/** At most this many unbound devices are remembered per site; the oldest sighting goes first. */
export const UNBOUND_PER_SITE = 2_000;
/** At most this many per gateway, so one gateway cannot push a site's other gateways' devices out. */
export const UNBOUND_PER_GATEWAY = 500;
/** At most this many devices in one pairing answer (the newest); the rest is counted as `omitted`. */
export const UNBOUND_LIST_LIMIT = 100;

/** A device seen on the wire that no active session binds. */
export interface UnboundDevice {
  siteId: string;
  deviceId: string;
  gatewayId: string;
  kind: DeviceKind | null;
  lastSeenAt: number;
}

export interface UnboundCaps {
  perSite: number;
  perGateway: number;
}

/**
 * Devices no active session binds, remembered for pairing ("tap the strap"), bounded (issue 13, hole 6: one
 * gateway sending 600,000 distinct ids grew ingest's memory by 174 MiB). Each site keeps its devices in
 * order of last sighting, and so does each gateway; beyond a cap the oldest sighting is evicted and counted.
 * Every operation is O(1) per sample, a listing O(site cap).
 */
export class UnboundDevices {
  /** siteId → deviceId → sighting, oldest first (a new sighting moves the device to the end). */
  private readonly bySite = new Map<string, Map<string, UnboundDevice>>();
  /** `${siteId}/${gatewayId}` → deviceIds of that gateway's sightings, oldest first. */
  private readonly byGateway = new Map<string, Set<string>>();
  private tracked = 0;
  /** Sightings evicted by the site cap and by the gateway cap. */
  readonly evicted = { site: 0, gateway: 0 };

  constructor(
    private readonly caps: UnboundCaps = { perSite: UNBOUND_PER_SITE, perGateway: UNBOUND_PER_GATEWAY },
  ) {}

  /** Devices remembered now, all sites. */
  get size(): number {
    return this.tracked;
  }

  get(siteId: string, deviceId: string): UnboundDevice | undefined {
    return this.bySite.get(siteId)?.get(deviceId);
  }

  seen(d: UnboundDevice): void {
    this.delete(d.siteId, d.deviceId);
    let site = this.bySite.get(d.siteId);
    if (!site) {
      site = new Map();
      this.bySite.set(d.siteId, site);
    }
    const gwKey = `${d.siteId}/${d.gatewayId}`;
    let gw = this.byGateway.get(gwKey);
    if (!gw) {
      gw = new Set();
      this.byGateway.set(gwKey, gw);
    }
    site.set(d.deviceId, d);
    gw.add(d.deviceId);
    this.tracked++;
    while (gw.size > this.caps.perGateway) {
      this.delete(d.siteId, gw.values().next().value as string);
      this.evicted.gateway++;
    }
    while (site.size > this.caps.perSite) {
      this.delete(d.siteId, site.keys().next().value as string);
      this.evicted.site++;
    }
  }

  /** Forgets a device (bound to a participant now, or evicted). */
  delete(siteId: string, deviceId: string): void {
    const site = this.bySite.get(siteId);
    const d = site?.get(deviceId);
    if (!site || !d) return;
    site.delete(deviceId);
    if (site.size === 0) this.bySite.delete(siteId);
    const gwKey = `${siteId}/${d.gatewayId}`;
    const gw = this.byGateway.get(gwKey);
    gw?.delete(deviceId);
    if (gw?.size === 0) this.byGateway.delete(gwKey);
    this.tracked--;
  }

  /** Devices of a site seen at or after `since`, newest first: at most `limit`, and how many were left out. */
  list(siteId: string, since: number, limit: number): { devices: UnboundDevice[]; omitted: number } {
    const recent = [...(this.bySite.get(siteId)?.values() ?? [])].filter((d) => d.lastSeenAt >= since);
    recent.sort((a, b) => b.lastSeenAt - a.lastSeenAt);
    return { devices: recent.slice(0, limit), omitted: Math.max(0, recent.length - limit) };
  }
}
