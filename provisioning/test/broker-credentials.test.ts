import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSecret, loadCredentialsFile, verifySecret } from '@zonewatch/broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './grafana-model.js';

let dir: string;
const INGEST = 'ingest-password-0123456789abcdef';
const GATEWAY = 'gateway-secret-0123456789abcdef';

function run(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'provisioning/src/broker-credentials.ts'], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zw-broker-creds-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('broker-credentials (compose set-up job)', () => {
  const file = () => join(dir, 'credentials.json');
  const env = (extra: Record<string, string> = {}) => ({
    BROKER_CREDENTIALS_FILE: file(),
    MQTT_USERNAME: 'ingest',
    MQTT_PASSWORD: INGEST,
    GATEWAY_ID: 'demo-gw-1',
    SITE_ID: 'demo-site',
    GATEWAY_SECRET: GATEWAY,
    ...extra,
  });

  it('writes a file the broker loads, holding only hashes that verify against the secrets', async () => {
    const r = await run(env());
    expect(r.err).toBe('');
    expect(r.out).toContain('written (1 gateway(s), 1 service account(s))');
    const principals = await loadCredentialsFile(file());
    const gw = principals.find((p) => p.kind === 'gateway')!;
    const svc = principals.find((p) => p.kind === 'service')!;
    expect(gw).toMatchObject({ username: 'demo-gw-1', siteId: 'demo-site' });
    expect(svc).toMatchObject({ username: 'ingest', role: 'ingest' });
    expect(await verifySecret(GATEWAY, gw.secretHash)).toBe(true);
    expect(await verifySecret(INGEST, svc.secretHash)).toBe(true);
    const text = await readFile(file(), 'utf8');
    expect(text).not.toContain(GATEWAY);
    expect(text).not.toContain(INGEST);
  });

  it('leaves the file byte for byte unchanged when the secrets did not change', async () => {
    const before = await readFile(file(), 'utf8');
    const r = await run(env());
    expect(r.out).toContain('unchanged');
    expect(await readFile(file(), 'utf8')).toBe(before);
  });

  it('re-hashes only the account whose secret changed', async () => {
    const before = JSON.parse(await readFile(file(), 'utf8')) as { services: { secretHash: string }[] };
    await run(env({ GATEWAY_SECRET: 'rotated-secret-0123456789abcdef' }));
    const after = JSON.parse(await readFile(file(), 'utf8')) as {
      services: { secretHash: string }[];
      gateways: { secretHash: string }[];
    };
    expect(after.services[0]!.secretHash).toBe(before.services[0]!.secretHash);
    expect(await verifySecret('rotated-secret-0123456789abcdef', after.gateways[0]!.secretHash)).toBe(true);
  });

  it('merges the gateways an operator keeps in BROKER_EXTRA_CREDENTIALS_FILE', async () => {
    const extra = join(dir, 'extra.json');
    const secretHash = await hashSecret('site-gateway-secret-0123456789');
    await writeFile(
      extra,
      JSON.stringify({ version: 1, gateways: [{ gatewayId: 'gw-room-2', siteId: 'clinic-a', secretHash }] }),
    );
    const r = await run(env({ BROKER_EXTRA_CREDENTIALS_FILE: extra }));
    expect(r.err).toBe('');
    const principals = await loadCredentialsFile(file());
    expect(principals.map((p) => p.username).sort()).toEqual(['demo-gw-1', 'gw-room-2', 'ingest']);
  });

  it('refuses a bad environment, naming the variable', async () => {
    const noPassword = await run({ BROKER_CREDENTIALS_FILE: file() });
    expect(noPassword.code).toBe(1);
    expect(noPassword.err).toContain('MQTT_PASSWORD: is required');
    const short = await run(env({ GATEWAY_SECRET: 'short' }));
    expect(short.code).toBe(1);
    expect(short.err).toContain('GATEWAY_SECRET: must be at least 16 characters');
    const half = await run({ BROKER_CREDENTIALS_FILE: file(), MQTT_PASSWORD: INGEST, GATEWAY_ID: 'gw-1' });
    expect(half.code).toBe(1);
    expect(half.err).toContain('SITE_ID: is required with the other two');
    expect(half.err).toContain('GATEWAY_SECRET: is required with the other two');
  });
});
