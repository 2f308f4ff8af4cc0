import { describe, expect, it } from 'vitest';
import { UnboundDevices } from '../../src/live/unbound.js';

const sighting = (gatewayId: string, deviceId: string, lastSeenAt: number, siteId = 'site-1') => ({
  siteId,
  gatewayId,
  deviceId,
  kind: null,
  lastSeenAt,
});

describe('hole 6: the unbound-device list is bounded per site and per gateway', () => {
  it('a flooding gateway evicts its own oldest sightings, not the other gateways’ devices', () => {
    const list = new UnboundDevices({ perSite: 6, perGateway: 3 });
    list.seen(sighting('gw-quiet', 'STRAP-1', 1));
    for (let i = 0; i < 1000; i++) list.seen(sighting('gw-flood', `X-${i}`, 2 + i));
    expect(list.size).toBe(4);
    expect(list.evicted).toEqual({ site: 0, gateway: 997 });
    const { devices, omitted } = list.list('site-1', 0, 10);
    expect(devices.map((d) => d.deviceId)).toEqual(['X-999', 'X-998', 'X-997', 'STRAP-1']);
    expect(omitted).toBe(0);
  });

  it('past the site cap the oldest sighting of the site goes; a new sighting makes a device the newest', () => {
    const list = new UnboundDevices({ perSite: 3, perGateway: 3 });
    list.seen(sighting('gw-a', 'A', 1));
    list.seen(sighting('gw-b', 'B', 2));
    list.seen(sighting('gw-c', 'C', 3));
    list.seen(sighting('gw-a', 'A', 4)); // seen again: now the newest
    list.seen(sighting('gw-d', 'D', 5)); // evicts B, the oldest sighting
    expect(list.evicted).toEqual({ site: 1, gateway: 0 });
    expect(list.list('site-1', 0, 10).devices.map((d) => d.deviceId)).toEqual(['D', 'A', 'C']);
    expect(list.list('site-2', 0, 10)).toEqual({ devices: [], omitted: 0 });
  });

  it('a listing is limited to the newest and counts what it left out; a bound device is forgotten', () => {
    const list = new UnboundDevices({ perSite: 100, perGateway: 100 });
    for (let i = 0; i < 10; i++) list.seen(sighting('gw-a', `D-${i}`, i));
    expect(list.list('site-1', 5, 2)).toMatchObject({
      devices: [{ deviceId: 'D-9' }, { deviceId: 'D-8' }],
      omitted: 3,
    });
    list.delete('site-1', 'D-9');
    expect(list.size).toBe(9);
    expect(list.get('site-1', 'D-9')).toBeUndefined();
  });
});
