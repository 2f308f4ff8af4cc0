import { readFile } from 'node:fs/promises';
import { idSchema } from '@zonewatch/protocol';
import { z } from 'zod';
import { codes } from './errors.js';
import { secretHashSchema } from './secrets.js';

/**
 * A gateway account. Convention: its MQTT username is its gatewayId (globally unique) and its MQTT client
 * id must equal the username.
 */
export const gatewayPrincipalSchema = z.strictObject({
  kind: z.literal('gateway'),
  username: idSchema,
  siteId: idSchema,
  gatewayId: idSchema,
  secretHash: secretHashSchema,
});

/**
 * A service account. Its client id must be the username or start with `{username}_` (the underscore
 * cannot occur in gateway ids, so a service can never take over a gateway's session).
 */
export const servicePrincipalSchema = z.strictObject({
  kind: z.literal('service'),
  username: idSchema,
  secretHash: secretHashSchema,
  role: z.literal('ingest'),
});

export const principalSchema = z.discriminatedUnion('kind', [gatewayPrincipalSchema, servicePrincipalSchema]);

export type GatewayPrincipal = z.infer<typeof gatewayPrincipalSchema>;
export type ServicePrincipal = z.infer<typeof servicePrincipalSchema>;
export type Principal = z.infer<typeof principalSchema>;

/** Told which accounts changed; `undefined` means any may have (a whole reload). */
export type CredentialChangeListener = (usernames: readonly string[] | undefined) => void;

/** Where the broker looks up who may connect. Implementations must not throw for an unknown user. */
export interface CredentialStore {
  lookup(username: string): Promise<Principal | undefined>;
  /**
   * Optional: calls `listener` after accounts were added, changed or removed; returns an unsubscribe
   * function. The broker then closes open connections whose credential no longer holds. A store without
   * it (e.g. a registry lookup) has its owner call `broker.revalidate()` instead.
   */
  onChange?(listener: CredentialChangeListener): () => void;
}

/** In-memory store (tests, embedded mode, or a cache filled from the registry by ingest). */
export class InMemoryCredentialStore implements CredentialStore {
  readonly #byUsername = new Map<string, Principal>();
  readonly #listeners = new Set<CredentialChangeListener>();

  constructor(principals: Iterable<Principal> = []) {
    for (const p of principals) this.set(p);
  }

  /** Adds or replaces a principal; validates it first (throws a ZodError on a bad entry). */
  set(principal: Principal): void {
    const valid = principalSchema.parse(principal);
    if (valid.kind === 'gateway' && valid.username !== valid.gatewayId) {
      throw new TypeError(`gateway ${valid.gatewayId}: username must equal gatewayId`);
    }
    this.#byUsername.set(valid.username, Object.freeze(valid));
    this.#changed([valid.username]);
  }

  delete(username: string): boolean {
    const deleted = this.#byUsername.delete(username);
    if (deleted) this.#changed([username]);
    return deleted;
  }

  /** Replaces every principal at once (a reload never leaves a half-filled store). */
  replaceAll(principals: Iterable<Principal>): void {
    const next = new InMemoryCredentialStore(principals);
    this.#byUsername.clear();
    for (const [k, v] of next.#byUsername) this.#byUsername.set(k, v);
    this.#changed(undefined);
  }

  onChange(listener: CredentialChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(usernames: readonly string[] | undefined): void {
    for (const listener of this.#listeners) listener(usernames);
  }

  get size(): number {
    return this.#byUsername.size;
  }

  async lookup(username: string): Promise<Principal | undefined> {
    return this.#byUsername.get(username);
  }
}

/**
 * The provisioning file, version 1:
 * ```json
 * { "version": 1,
 *   "gateways": [{ "gatewayId": "gw-room-1", "siteId": "clinic-a", "secretHash": "scrypt$16384$8$1$…$…" }],
 *   "services": [{ "username": "ingest", "role": "ingest", "secretHash": "scrypt$…" }] }
 * ```
 */
export const credentialsFileSchema = z.strictObject({
  version: z.literal(1),
  gateways: z
    .array(
      z.strictObject({
        gatewayId: idSchema,
        siteId: idSchema,
        secretHash: secretHashSchema,
        /** Free text for operators (room, serial number); ignored by the broker. */
        note: z.string().max(500).optional(),
      }),
    )
    .default([]),
  services: z
    .array(
      z.strictObject({
        username: idSchema,
        role: z.literal('ingest'),
        secretHash: secretHashSchema,
        note: z.string().max(500).optional(),
      }),
    )
    .default([]),
});
export type CredentialsFile = z.input<typeof credentialsFileSchema>;

/** Names the entry an issue belongs to: `gateways[2] ("gw-3").secretHash`. */
function describeIssue(raw: unknown, issue: z.core.$ZodIssue): string {
  const [section, index, ...rest] = issue.path;
  let where = issue.path.map(String).join('.') || '(root)';
  if ((section === 'gateways' || section === 'services') && typeof index === 'number') {
    const entry = (raw as Record<string, unknown[] | undefined>)[section]?.[index] as
      | Record<string, unknown>
      | undefined;
    const name = entry?.[section === 'gateways' ? 'gatewayId' : 'username'];
    where = `${section}[${index}]${typeof name === 'string' ? ` (${JSON.stringify(name)})` : ''}`;
    if (rest.length > 0) where += `.${rest.map(String).join('.')}`;
  }
  return `${where}: ${issue.message}`;
}

/**
 * Validates a parsed provisioning file and turns it into principals.
 * @param source shown in error messages (usually the file path).
 * @throws ZW_ERR_CREDENTIALS_FILE naming every bad entry, or duplicate usernames.
 */
export function parseCredentialsFile(raw: unknown, source: string): Principal[] {
  const result = credentialsFileSchema.safeParse(raw);
  if (!result.success) {
    const detail = result.error.issues.map((i) => describeIssue(raw, i)).join('; ');
    throw new codes.ZW_ERR_CREDENTIALS_FILE(source, detail);
  }
  const principals: Principal[] = [];
  const seen = new Map<string, string>();
  const claim = (username: string, where: string): void => {
    const previous = seen.get(username);
    if (previous) {
      throw new codes.ZW_ERR_CREDENTIALS_FILE(
        source,
        `${where}: username ${JSON.stringify(username)} already used by ${previous}`,
      );
    }
    seen.set(username, where);
  };
  result.data.gateways.forEach((g, i) => {
    claim(g.gatewayId, `gateways[${i}]`);
    principals.push({
      kind: 'gateway',
      username: g.gatewayId,
      gatewayId: g.gatewayId,
      siteId: g.siteId,
      secretHash: g.secretHash,
    });
  });
  result.data.services.forEach((s, i) => {
    claim(s.username, `services[${i}]`);
    principals.push({ kind: 'service', username: s.username, role: s.role, secretHash: s.secretHash });
  });
  return principals;
}

/** Reads and validates a provisioning file. @throws ZW_ERR_CREDENTIALS_FILE */
export async function loadCredentialsFile(path: string): Promise<Principal[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new codes.ZW_ERR_CREDENTIALS_FILE(
      path,
      `cannot read: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // V8's message quotes part of the file; keep hashes out of logs.
    throw new codes.ZW_ERR_CREDENTIALS_FILE(path, 'not valid JSON');
  }
  return parseCredentialsFile(raw, path);
}

/** Credential store backed by the provisioning file; `reload()` re-reads it (e.g. on SIGHUP). */
export class FileCredentialStore implements CredentialStore {
  readonly #store = new InMemoryCredentialStore();

  private constructor(readonly path: string) {}

  /** @throws ZW_ERR_CREDENTIALS_FILE */
  static async load(path: string): Promise<FileCredentialStore> {
    const store = new FileCredentialStore(path);
    await store.reload();
    return store;
  }

  /** Re-reads the file; on error the previous principals stay in force and the error is thrown. */
  async reload(): Promise<number> {
    const principals = await loadCredentialsFile(this.path);
    this.#store.replaceAll(principals);
    return this.#store.size;
  }

  lookup(username: string): Promise<Principal | undefined> {
    return this.#store.lookup(username);
  }

  /** Every successful `reload()` reports a change of any account. */
  onChange(listener: CredentialChangeListener): () => void {
    return this.#store.onChange(listener);
  }
}
