import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiForVersion,
  codes,
  describeInfluxError,
  detectInfluxApi,
  rewriteWritePathToV1,
  toV1Precision,
  V1WriteTransport,
} from '../../src/telemetry/index.js';
import { fakeInflux, ping1x } from './helpers.js';

describe('v1 precision', () => {
  it.each([
    ['ns', 'n'],
    ['us', 'u'],
    ['ms', 'ms'],
    ['s', 's'],
    [undefined, 'n'],
  ])('v2 %s → v1 %s (1.x silently reads `us` as ns)', (v2, v1) => {
    expect(toV1Precision(v2)).toBe(v1);
  });

  it('refuses an unknown precision', () => {
    expect(() => toV1Precision('h')).toThrow(codes.ZW_ERR_INFLUX_CONFIG);
  });
});

describe('rewriteWritePathToV1', () => {
  it('maps org/bucket to db/rp and keeps consistency', () => {
    expect(
      rewriteWritePathToV1('/api/v2/write?org=o&bucket=b&precision=us&consistency=one', {
        database: 'zw db',
        retentionPolicy: 'week',
      }),
    ).toBe('/write?db=zw+db&rp=week&precision=u&consistency=one');
    expect(
      rewriteWritePathToV1('/api/v2/write?org=&bucket=zonewatch&precision=ms', { database: 'zonewatch' }),
    ).toBe('/write?db=zonewatch&precision=ms');
  });

  it('leaves other paths alone', () => {
    expect(rewriteWritePathToV1('/api/v2/query?org=o', { database: 'd' })).toBe('/api/v2/query?org=o');
  });
});

describe('apiForVersion', () => {
  it.each([
    ['1.6.7~rc0', 'v1'],
    ['1.8.10', 'v1'],
    ['v2.7.10', 'v2'],
    ['2.7.1', 'v2'],
    ['3.1.0', 'v2'],
    [null, 'v2'],
  ])('%s → %s', (v, api) => {
    expect(apiForVersion(v)).toBe(api);
  });
});

describe('describeInfluxError', () => {
  it('gives a status or a code, never the server message (it may quote health data)', () => {
    const e = new HttpError(
      400,
      'Bad Request',
      '{"error":"unable to parse \'hr bpm=187\'"}',
      null,
      'application/json',
    );
    expect(describeInfluxError(e)).toBe('HTTP 400');
    expect(
      describeInfluxError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe('ECONNREFUSED');
    const notFound = new HttpError(
      404,
      'Not Found',
      '{"error":"database not found: \\"zw\\""}',
      null,
      'application/json',
    );
    expect(describeInfluxError(notFound)).toBe('HTTP 404 database not found');
  });
});

describe('V1WriteTransport over the built-in transport', () => {
  let server: Awaited<ReturnType<typeof fakeInflux>> | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('sends the client write to /write?db=&rp=&precision=u with HTTP Basic auth', async () => {
    server = await fakeInflux(() => ({ status: 204 }));
    const inner = new InfluxDB({ url: server.url }).transport;
    const transport = new V1WriteTransport(inner, {
      database: 'zonewatch',
      retentionPolicy: 'rp1',
      username: 'writer',
      password: 's3cret',
    });
    const api = new InfluxDB({ url: server.url, transport }).getWriteApi('org', 'bucket', 'us');
    api.writeRecord('m v=1 1700000000000000');
    await api.close();
    const [req] = server.writes();
    expect(req?.url).toBe('/write?db=zonewatch&rp=rp1&precision=u');
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from('writer:s3cret').toString('base64')}`);
    expect(req?.body).toBe('m v=1 1700000000000000');
  });
});

describe('detectInfluxApi', () => {
  let server: Awaited<ReturnType<typeof fakeInflux>> | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('reads X-Influxdb-Version (1.x → v1)', async () => {
    server = await fakeInflux(() => ping1x);
    const d = await detectInfluxApi(new InfluxDB({ url: server.url }).transport);
    expect(d).toEqual({ api: 'v1', version: '1.6.7~rc0' });
  });

  it('falls back to the JSON body of a 3.x /ping', async () => {
    server = await fakeInflux(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"version":"3.1.0","revision":"x"}',
    }));
    expect(await detectInfluxApi(new InfluxDB({ url: server.url }).transport)).toEqual({
      api: 'v2',
      version: '3.1.0',
    });
  });

  it('throws ZW_ERR_INFLUX_PING with the cause when nothing answers', async () => {
    server = await fakeInflux(() => ({ status: 204 }));
    const url = server.url;
    await server.close();
    server = undefined;
    const err = await detectInfluxApi(new InfluxDB({ url }).transport).catch((e: Error) => e);
    expect(err).toBeInstanceOf(codes.ZW_ERR_INFLUX_PING);
    expect(describeInfluxError(err)).toBe('ZW_ERR_INFLUX_PING (ECONNREFUSED)');
  });
});
