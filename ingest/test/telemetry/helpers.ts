import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';

/** A pino logger writing JSON records to memory, so tests can assert what was (and was not) logged. */
export function captureLogger(level: pino.Level = 'debug') {
  const records: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      const line = chunk.toString();
      raw.push(line);
      records.push(JSON.parse(line));
      cb();
    },
  });
  const logger = pino({ level }, stream);
  return {
    logger,
    records,
    /** Every record as it was written, to search for text that must never be logged. */
    text: () => raw.join(''),
    find: (msg: string | RegExp) =>
      records.filter((r) => (typeof msg === 'string' ? r.msg === msg : msg.test(String(r.msg)))),
  };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** `performance.now()` when the request arrived. */
  at: number;
}

export type FakeReply = { status: number; headers?: Record<string, string>; body?: string };

/**
 * A real HTTP server on a free port that answers like an InfluxDB (as `reply` decides) and records every
 * request — for behaviour a real InfluxDB cannot be made to show on demand (503s, 400s, other versions).
 */
export async function fakeInflux(reply: (req: RecordedRequest, n: number) => FakeReply) {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let buf = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') buf = gunzipSync(buf);
      const r: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: buf.toString('utf8'),
        at: performance.now(),
      };
      requests.push(r);
      const out = reply(r, requests.length);
      res.writeHead(out.status, out.headers);
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writes: () => requests.filter((r) => r.url.startsWith('/write') || r.url.startsWith('/api/v2/write')),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The answer of a 1.x `/ping`. */
export const ping1x: FakeReply = { status: 204, headers: { 'X-Influxdb-Version': '1.6.7~rc0' } };

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return true;
}
