import { describe, expect, it } from 'vitest';
import { checkOrphanWill, checkPublish, checkSubscribe, clientIdAllowed, mayReceive } from './acl.js';
import type { GatewayPrincipal, ServicePrincipal } from './credentials.js';

const gw: GatewayPrincipal = {
  kind: 'gateway',
  username: 'gw-a',
  gatewayId: 'gw-a',
  siteId: 'site-1',
  secretHash: '',
};
const ingest: ServicePrincipal = { kind: 'service', username: 'ingest', role: 'ingest', secretHash: '' };

describe('checkPublish', () => {
  it.each([
    ['zw/v1/site-1/gw-a/telemetry', false, null],
    ['zw/v1/site-1/gw-a/status', true, null],
    ['zw/v1/site-1/gw-a/telemetry', true, 'retainNotAllowed'],
    ['zw/v1/site-1/gw-b/telemetry', false, 'foreignTopic'],
    ['zw/v1/site-2/gw-a/telemetry', false, 'foreignTopic'],
    ['zw/v1/site-1/gw-a/cmd', false, 'topicNotAllowed'],
    ['zw/v1/site-1/gw-a/telemetry/extra', false, 'topicNotAllowed'],
    ['zw/v2/site-1/gw-a/telemetry', false, 'topicNotAllowed'],
    ['$SYS/zonewatch/broker/x/metrics', false, 'sysReserved'],
  ])('gateway → %s (retain %s) = %s', (topic, retain, expected) => {
    expect(checkPublish(gw, topic, retain)).toBe(expected);
  });

  it.each([
    ['zw/v1/site-1/gw-a/cmd', null],
    ['zw/v1/site-9/gw-z/cmd', null],
    ['zw/v1/site-1/gw-a/telemetry', 'topicNotAllowed'],
    ['zw/v1/site-1/gw-a/status', 'topicNotAllowed'],
    ['$SYS/zonewatch/x', 'sysReserved'],
  ])('ingest → %s = %s', (topic, expected) => {
    expect(checkPublish(ingest, topic, false)).toBe(expected);
  });

  it('fails closed without a principal', () => {
    expect(checkPublish(undefined, 'zw/v1/site-1/gw-a/telemetry', false)).toBe('noPrincipal');
  });
});

describe('checkOrphanWill', () => {
  it('allows only gateway status/telemetry shapes', () => {
    expect(checkOrphanWill('zw/v1/site-1/gw-a/status')).toBeNull();
    expect(checkOrphanWill('zw/v1/site-1/gw-a/cmd')).toBe('topicNotAllowed');
    expect(checkOrphanWill('$SYS/x')).toBe('sysReserved');
    expect(checkOrphanWill('anything')).toBe('topicNotAllowed');
  });
});

describe('checkSubscribe', () => {
  it.each([
    ['zw/v1/site-1/gw-a/cmd', null],
    ['zw/v1/site-1/gw-b/cmd', 'foreignTopic'],
    ['zw/v1/site-1/+/cmd', 'topicNotAllowed'],
    ['zw/v1/site-1/gw-a/#', 'topicNotAllowed'],
    ['zw/v1/site-1/gw-a/telemetry', 'topicNotAllowed'],
    ['#', 'topicNotAllowed'],
    ['$SYS/#', 'sysReserved'],
    ['$SYS/zonewatch/#', 'sysReserved'],
  ])('gateway subscribes %s = %s', (filter, expected) => {
    expect(checkSubscribe(gw, filter)).toBe(expected);
  });

  it.each([
    ['zw/v1/#', null],
    ['zw/v1/site-1/#', null],
    ['zw/v1/+/+/telemetry', null],
    ['$SYS/zonewatch/#', null],
    ['$SYS/zonewatch/broker/+/metrics', null],
    ['$SYS/#', 'sysReserved'],
    ['$SYS/+/new/clients', 'sysReserved'],
    ['#', 'topicNotAllowed'],
    ['zw/#', 'topicNotAllowed'],
  ])('ingest subscribes %s = %s', (filter, expected) => {
    expect(checkSubscribe(ingest, filter)).toBe(expected);
  });
});

describe('clientIdAllowed / mayReceive', () => {
  it('binds gateway client ids to the username and keeps services out of the gateway id space', () => {
    expect(clientIdAllowed(gw, 'gw-a')).toBe(true);
    expect(clientIdAllowed(gw, 'gw-b')).toBe(false);
    expect(clientIdAllowed(ingest, 'ingest')).toBe(true);
    expect(clientIdAllowed(ingest, 'ingest_node-1')).toBe(true);
    expect(clientIdAllowed(ingest, 'ingest-1')).toBe(false);
    expect(clientIdAllowed(ingest, 'gw-a')).toBe(false);
  });

  it('never forwards $SYS to anyone but the service, and only $SYS/zonewatch', () => {
    expect(mayReceive(gw, '$SYS/zonewatch/broker/a/metrics')).toBe(false);
    expect(mayReceive(ingest, '$SYS/zonewatch/broker/a/metrics')).toBe(true);
    expect(mayReceive(ingest, '$SYS/abc/heartbeat')).toBe(false);
    expect(mayReceive(gw, 'zw/v1/site-1/gw-a/cmd')).toBe(true);
    expect(mayReceive(undefined, 'zw/v1/site-1/gw-a/cmd')).toBe(false);
  });
});
