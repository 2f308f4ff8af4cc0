import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An in-memory stand-in for the InfluxDB 2.x HTTP API endpoints `influx-setup.ts` calls (onboarding,
 * orgs, buckets, DBRP mappings, tasks, authorizations), following their documented request and
 * response shapes. No 2.x server is packaged for these machines; this checks the set-up's logic and
 * idempotency, not InfluxDB 2.x itself.
 */
export interface FakeInflux2 {
  url: string;
  /** Every request as `METHOD /path`, in order (query strings cut). */
  requests: string[];
  state: {
    setUp: boolean;
    adminToken: string;
    orgs: { id: string; name: string }[];
    buckets: {
      id: string;
      orgID: string;
      name: string;
      retentionRules: { type: string; everySeconds: number }[];
    }[];
    dbrps: {
      id: string;
      orgID: string;
      bucketID: string;
      database: string;
      retention_policy: string;
      default: boolean;
    }[];
    tasks: { id: string; orgID: string; name: string; flux: string; status: string }[];
    authorizations: {
      id: string;
      orgID: string;
      description: string;
      token: string;
      status: string;
      permissions: unknown[];
    }[];
  };
  close(): Promise<void>;
}

const id = (): string => randomBytes(8).toString('hex');

/** Union of the request bodies the fake accepts. */
interface Body {
  token?: string;
  org?: string;
  bucket?: string;
  retentionPeriodSeconds?: number;
  name?: string;
  orgID?: string;
  retentionRules?: { type: string; everySeconds: number }[];
  bucketID?: string;
  database?: string;
  retention_policy?: string;
  default?: boolean;
  flux?: string;
  status?: string;
  description?: string;
  permissions?: unknown[];
}

export async function startFakeInflux2(
  opts: { setUp?: boolean; adminToken?: string } = {},
): Promise<FakeInflux2> {
  const state: FakeInflux2['state'] = {
    setUp: opts.setUp ?? true,
    adminToken: opts.adminToken ?? 'operator-token-0123456789',
    orgs: [],
    buckets: [],
    dbrps: [],
    tasks: [],
    authorizations: [],
  };
  if (state.setUp) state.orgs.push({ id: id(), name: 'zonewatch' });
  const requests: string[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    requests.push(`${req.method} ${path}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body: Body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body) : {};
    const send = (status: number, json?: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-influxdb-version': 'v2.7.11' });
      res.end(json === undefined ? '' : JSON.stringify(json));
    };

    if (path === '/ping') {
      res.writeHead(204, { 'x-influxdb-version': 'v2.7.11', 'x-influxdb-build': 'OSS' });
      res.end();
      return;
    }
    if (path === '/api/v2/setup') {
      if (req.method === 'GET') return send(200, { allowed: !state.setUp });
      if (state.setUp)
        return send(422, { code: 'conflict', message: 'onboarding has already been completed' });
      state.setUp = true;
      state.adminToken = body.token ?? id();
      const org = { id: id(), name: body.org ?? '' };
      state.orgs.push(org);
      state.buckets.push({
        id: id(),
        orgID: org.id,
        name: body.bucket ?? '',
        retentionRules: body.retentionPeriodSeconds
          ? [{ type: 'expire', everySeconds: body.retentionPeriodSeconds }]
          : [],
      });
      return send(201, { org, auth: { token: state.adminToken } });
    }
    if (req.headers.authorization !== `Token ${state.adminToken}`) return send(401, { code: 'unauthorized' });
    const q = url.searchParams;
    const seg = path.split('/');

    if (path === '/api/v2/orgs' && req.method === 'GET') {
      const orgs = state.orgs.filter((o) => !q.get('org') || o.name === q.get('org'));
      return orgs.length ? send(200, { orgs }) : send(404, { code: 'not found' });
    }
    if (path === '/api/v2/orgs' && req.method === 'POST') {
      const org = { id: id(), name: body.name ?? '' };
      state.orgs.push(org);
      return send(201, org);
    }
    if (path === '/api/v2/buckets' && req.method === 'GET') {
      return send(200, {
        buckets: state.buckets.filter(
          (b) => b.orgID === q.get('orgID') && (!q.get('name') || b.name === q.get('name')),
        ),
      });
    }
    if (path === '/api/v2/buckets' && req.method === 'POST') {
      const b = {
        id: id(),
        orgID: body.orgID ?? '',
        name: body.name ?? '',
        retentionRules: body.retentionRules ?? [],
      };
      state.buckets.push(b);
      return send(201, b);
    }
    if (seg[3] === 'buckets' && seg[4] && req.method === 'PATCH') {
      const b = state.buckets.find((x) => x.id === seg[4]);
      if (!b) return send(404, {});
      b.retentionRules = body.retentionRules ?? b.retentionRules;
      return send(200, b);
    }
    if (path === '/api/v2/dbrps' && req.method === 'GET') {
      return send(200, {
        content: state.dbrps.filter(
          (d) => d.orgID === q.get('orgID') && (!q.get('db') || d.database === q.get('db')),
        ),
      });
    }
    if (path === '/api/v2/dbrps' && req.method === 'POST') {
      if (!state.buckets.some((b) => b.id === body.bucketID))
        return send(404, { message: 'bucket not found' });
      if (body.default) for (const d of state.dbrps) if (d.database === body.database) d.default = false;
      const d = {
        id: id(),
        orgID: body.orgID ?? '',
        bucketID: body.bucketID ?? '',
        database: body.database ?? '',
        retention_policy: body.retention_policy ?? '',
        default: Boolean(body.default),
      };
      state.dbrps.push(d);
      return send(201, { content: d });
    }
    if (seg[3] === 'dbrps' && seg[4]) {
      const i = state.dbrps.findIndex((d) => d.id === seg[4]);
      if (i < 0) return send(404, {});
      if (req.method === 'DELETE') {
        state.dbrps.splice(i, 1);
        return send(204);
      }
      state.dbrps[i]!.default = Boolean(body.default);
      return send(200, { content: state.dbrps[i] });
    }
    if (path === '/api/v2/tasks' && req.method === 'GET') {
      return send(200, {
        tasks: state.tasks.filter(
          (t) => t.orgID === q.get('orgID') && (!q.get('name') || t.name === q.get('name')),
        ),
      });
    }
    if (path === '/api/v2/tasks' && req.method === 'POST') {
      const flux = body.flux ?? '';
      const name = /name:\s*"([^"]+)"/.exec(flux)?.[1] ?? '';
      const t = { id: id(), orgID: body.orgID ?? '', name, flux, status: body.status ?? 'active' };
      state.tasks.push(t);
      return send(201, t);
    }
    if (seg[3] === 'tasks' && seg[4] && req.method === 'PATCH') {
      const t = state.tasks.find((x) => x.id === seg[4]);
      if (!t) return send(404, {});
      Object.assign(t, body);
      return send(200, t);
    }
    if (path === '/api/v2/authorizations' && req.method === 'GET') {
      return send(200, { authorizations: state.authorizations.filter((a) => a.orgID === q.get('orgID')) });
    }
    if (path === '/api/v2/authorizations' && req.method === 'POST') {
      const a = {
        id: id(),
        orgID: body.orgID ?? '',
        description: body.description ?? '',
        status: body.status ?? 'active',
        permissions: body.permissions ?? [],
        token: randomBytes(24).toString('base64url'),
      };
      state.authorizations.push(a);
      return send(201, a);
    }
    return send(404, { code: 'not found', message: `${req.method} ${path}` });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
