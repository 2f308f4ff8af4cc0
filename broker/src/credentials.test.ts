import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FileCredentialStore,
  InMemoryCredentialStore,
  loadCredentialsFile,
  parseCredentialsFile,
} from './credentials.js';
import { hashSecret } from './secrets.js';

let hash = '';
let dir = '';
beforeAll(async () => {
  hash = await hashSecret('test-secret-123', { N: 1024, r: 1, p: 1 });
  dir = await mkdtemp(join(tmpdir(), 'zw-creds-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = (over: Record<string, unknown> = {}) => ({
  version: 1,
  gateways: [
    { gatewayId: 'gw-1', siteId: 'clinic-a', secretHash: hash },
    { gatewayId: 'gw-2', siteId: 'clinic-b', secretHash: hash, note: 'room 2' },
  ],
  services: [{ username: 'ingest', role: 'ingest', secretHash: hash }],
  ...over,
});

function errorOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected a throw');
}

describe('parseCredentialsFile', () => {
  it('turns gateways and services into principals', () => {
    expect(parseCredentialsFile(file(), 'creds.json')).toEqual([
      { kind: 'gateway', username: 'gw-1', gatewayId: 'gw-1', siteId: 'clinic-a', secretHash: hash },
      { kind: 'gateway', username: 'gw-2', gatewayId: 'gw-2', siteId: 'clinic-b', secretHash: hash },
      { kind: 'service', username: 'ingest', role: 'ingest', secretHash: hash },
    ]);
  });

  it('names the file and the gateway entry with a bad id', () => {
    const raw = file({ gateways: [{ gatewayId: 'GW 1', siteId: 'clinic-a', secretHash: hash }] });
    const err = errorOf(() => parseCredentialsFile(raw, 'creds.json'));
    expect(err.code).toBe('ZW_ERR_CREDENTIALS_FILE');
    expect(err.message).toContain('creds.json');
    expect(err.message).toContain('gateways[0] ("GW 1").gatewayId');
  });

  it('names the entry with a malformed secret hash', () => {
    const raw = file({
      gateways: [
        { gatewayId: 'gw-1', siteId: 'clinic-a', secretHash: hash },
        { gatewayId: 'gw-2', siteId: 'clinic-a', secretHash: 'plaintext-password' },
      ],
    });
    const err = errorOf(() => parseCredentialsFile(raw, 'creds.json'));
    expect(err.message).toContain('gateways[1] ("gw-2").secretHash: malformed secret hash');
  });

  it('refuses unknown fields (a typo such as "secret" must not pass silently)', () => {
    const raw = file({ services: [{ username: 'ingest', role: 'ingest', secretHash: hash, secret: 'x' }] });
    const err = errorOf(() => parseCredentialsFile(raw, 'creds.json'));
    expect(err.message).toContain('services[0] ("ingest")');
    expect(err.message).toContain('secret');
  });

  it('refuses an unknown role and a missing version', () => {
    expect(
      errorOf(() =>
        parseCredentialsFile(file({ services: [{ username: 'x', role: 'admin', secretHash: hash }] }), 'f'),
      ).message,
    ).toContain('services[0] ("x").role');
    expect(errorOf(() => parseCredentialsFile({ gateways: [] }, 'f')).message).toContain('version');
  });

  it('refuses duplicate usernames across gateways and services', () => {
    const raw = file({ services: [{ username: 'gw-2', role: 'ingest', secretHash: hash }] });
    const err = errorOf(() => parseCredentialsFile(raw, 'creds.json'));
    expect(err.message).toContain('services[0]: username "gw-2" already used by gateways[1]');
  });

  it('refuses a file that is not an object', () => {
    expect(errorOf(() => parseCredentialsFile([], 'f')).code).toBe('ZW_ERR_CREDENTIALS_FILE');
  });
});

describe('loadCredentialsFile / FileCredentialStore', () => {
  it('reports unreadable and non-JSON files without quoting their content', async () => {
    await expect(loadCredentialsFile(join(dir, 'missing.json'))).rejects.toMatchObject({
      code: 'ZW_ERR_CREDENTIALS_FILE',
      message: expect.stringContaining('ENOENT'),
    });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, `{"version": 1, "gateways": [{"secretHash": "${hash}"`);
    const err = (await loadCredentialsFile(bad).catch((e: Error) => e)) as Error;
    expect(err.message).toContain('not valid JSON');
    expect(err.message).not.toContain(hash.slice(20, 40));
  });

  it('looks up principals and keeps the previous ones when a reload fails', async () => {
    const path = join(dir, 'creds.json');
    await writeFile(path, JSON.stringify(file()));
    const store = await FileCredentialStore.load(path);
    expect(await store.lookup('gw-1')).toMatchObject({ kind: 'gateway', siteId: 'clinic-a' });
    expect(await store.lookup('nobody')).toBeUndefined();

    await writeFile(path, JSON.stringify(file({ gateways: [{ gatewayId: 'gw-1' }] })));
    await expect(store.reload()).rejects.toMatchObject({ code: 'ZW_ERR_CREDENTIALS_FILE' });
    expect(await store.lookup('gw-2')).toBeDefined();

    await writeFile(path, JSON.stringify(file({ gateways: [] })));
    expect(await store.reload()).toBe(1);
    expect(await store.lookup('gw-2')).toBeUndefined();
  });
});

describe('InMemoryCredentialStore', () => {
  it('validates what it stores', () => {
    const store = new InMemoryCredentialStore();
    expect(() =>
      store.set({ kind: 'gateway', username: 'gw-1', gatewayId: 'gw-2', siteId: 's', secretHash: hash }),
    ).toThrow(/username must equal gatewayId/);
    expect(() =>
      store.set({ kind: 'gateway', username: 'gw-1', gatewayId: 'gw-1', siteId: 's', secretHash: 'nope' }),
    ).toThrow();
    store.set({ kind: 'service', username: 'ingest', role: 'ingest', secretHash: hash });
    expect(store.size).toBe(1);
    expect(store.delete('ingest')).toBe(true);
  });
});
