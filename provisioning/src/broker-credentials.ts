/**
 * Writes the broker's credentials file (`BROKER_CREDENTIALS_FILE`, the broker's own format) from the
 * deployment's secrets: the ingest service account and the simulated gateway, plus any gateways an
 * operator keeps in `BROKER_EXTRA_CREDENTIALS_FILE` (already hashed, e.g. with
 * `broker/src/hash-secret.ts`). Secrets are stored only as scrypt hashes.
 *
 *   node --import tsx provisioning/src/broker-credentials.ts
 *
 * An account whose secret did not change keeps its stored hash, so a re-run on the same secrets
 * leaves the file byte for byte as it was (a running broker sees no change).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type CredentialsFile, hashSecret, parseCredentialsFile, verifySecret } from '@zonewatch/broker';
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must match [a-z0-9-]{1,64}');
const secret = z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)').max(1024);
const opt = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === undefined ? undefined : v), schema.optional());

/** Environment of this script; keys are the variable names so errors name them. */
export const credentialsEnvSchema = z
  .object({
    /** Where to write the file (the broker reads the same path). */
    BROKER_CREDENTIALS_FILE: z.string({ error: 'is required (path of the file to write)' }).min(1),
    /** Ingest's MQTT account. */
    MQTT_USERNAME: opt(id),
    MQTT_PASSWORD: z.string({ error: 'is required (the ingest service account password)' }).pipe(secret),
    /** The one gateway of this deployment (the simulator in docker-compose); all three or none. */
    GATEWAY_ID: opt(id),
    SITE_ID: opt(id),
    GATEWAY_SECRET: opt(secret),
    /** More accounts, in the broker's credentials format with hashes. */
    BROKER_EXTRA_CREDENTIALS_FILE: opt(z.string().min(1)),
  })
  .superRefine((e, ctx) => {
    const set = [e.GATEWAY_ID, e.SITE_ID, e.GATEWAY_SECRET].filter((x) => x !== undefined).length;
    if (set !== 0 && set !== 3) {
      for (const k of ['GATEWAY_ID', 'SITE_ID', 'GATEWAY_SECRET'] as const) {
        if (e[k] === undefined)
          ctx.addIssue({ code: 'custom', path: [k], message: 'is required with the other two' });
      }
    }
  });

type Entry = { secretHash: string };

/** The stored hash if it still matches `plain`, else a new one. */
async function hashFor(plain: string, previous: Entry | undefined): Promise<string> {
  if (previous) {
    try {
      if (await verifySecret(plain, previous.secretHash)) return previous.secretHash;
    } catch {
      // malformed previous hash: replace it
    }
  }
  return hashSecret(plain);
}

/** Builds the file's content; `previous` is the file as it is now (if any). */
export async function buildCredentials(
  env: Record<string, string | undefined>,
  previous: CredentialsFile | undefined,
  extra: CredentialsFile | undefined,
): Promise<CredentialsFile> {
  const r = credentialsEnvSchema.safeParse(env);
  if (!r.success) {
    throw new Error(r.error.issues.map((i) => `${String(i.path[0] ?? '(env)')}: ${i.message}`).join('; '));
  }
  const e = r.data;
  const username = e.MQTT_USERNAME ?? 'ingest';
  const oldService = previous?.services?.find((s) => s.username === username);
  const file: CredentialsFile = {
    version: 1,
    gateways: [...(extra?.gateways ?? [])],
    services: [
      {
        username,
        role: 'ingest',
        secretHash: await hashFor(e.MQTT_PASSWORD, oldService),
        note: 'written by provisioning/src/broker-credentials.ts',
      },
      ...(extra?.services ?? []),
    ],
  };
  if (e.GATEWAY_ID && e.SITE_ID && e.GATEWAY_SECRET) {
    const old = previous?.gateways?.find((g) => g.gatewayId === e.GATEWAY_ID && g.siteId === e.SITE_ID);
    file.gateways!.unshift({
      gatewayId: e.GATEWAY_ID,
      siteId: e.SITE_ID,
      secretHash: await hashFor(e.GATEWAY_SECRET, old),
      note: 'written by provisioning/src/broker-credentials.ts',
    });
  }
  // The broker's own validation: duplicate usernames, bad ids or hashes fail here, not at broker start.
  parseCredentialsFile(file, 'generated credentials');
  return file;
}

async function readJson(path: string | undefined): Promise<CredentialsFile | undefined> {
  if (!path) return undefined;
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  return JSON.parse(text) as CredentialsFile;
}

async function main(): Promise<void> {
  const target = process.env.BROKER_CREDENTIALS_FILE;
  const previous = await readJson(target).catch(() => undefined);
  const extraPath = process.env.BROKER_EXTRA_CREDENTIALS_FILE || undefined;
  const extra = await readJson(extraPath);
  if (extraPath && !extra) throw new Error(`BROKER_EXTRA_CREDENTIALS_FILE: ${extraPath} does not exist`);
  const file = await buildCredentials(process.env, previous, extra);
  const text = `${JSON.stringify(file, null, 2)}\n`;
  const path = target!;
  if ((await readFile(path, 'utf8').catch(() => '')) === text) {
    process.stdout.write(`${path}: unchanged\n`);
    return;
  }
  // Written beside and renamed, so the broker never reads half a file.
  await writeFile(`${path}.tmp`, text, { mode: 0o644 });
  await rename(`${path}.tmp`, path);
  const gateways = file.gateways?.length ?? 0;
  process.stdout.write(
    `${path}: written (${gateways} gateway(s), ${file.services?.length ?? 0} service account(s))\n`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`broker-credentials: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
