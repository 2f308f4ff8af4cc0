import { idSchema } from '@zonewatch/protocol';
import type { Aedes, AedesPublishPacket, Client } from 'aedes';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CredentialStore, Principal } from './credentials.js';

/**
 * Where a node tells every node of its cluster (through aedes' message bus: mqemitter-redis in cluster
 * mode) that credentials changed. No client can subscribe to `$ZW/…` (ACL), and `#` never matches `$`.
 */
export const CREDENTIALS_CHANGED_TOPIC = '$ZW/broker/credentials-changed';

const changeSchema = z.strictObject({
  origin: z.string().min(1).max(200),
  /** Absent: any account may have changed (a reload of the whole file). */
  usernames: z.array(idSchema).max(10_000).optional(),
});

/** The credential still grants exactly what it granted when the connection was admitted. */
function samePrincipal(a: Principal, b: Principal): boolean {
  if (a.kind !== b.kind || a.username !== b.username || a.secretHash !== b.secretHash) return false;
  if (a.kind === 'gateway' && b.kind === 'gateway')
    return a.siteId === b.siteId && a.gatewayId === b.gatewayId;
  return a.kind === 'service' && b.kind === 'service' && a.role === b.role;
}

/**
 * The live connections of one node and the credential each was admitted with. `revalidate` looks each
 * (affected) one up again and closes those whose account is gone (revoked) or changed (rotated secret,
 * moved site): a credential stops working on open connections too, not only for new ones.
 */
export class LiveConnections {
  readonly #live = new Map<Client, Principal>();
  /** Authentications in progress: a change of their account while they run makes them check again. */
  readonly #pending = new Map<Client, { username: string; stale: boolean }>();

  constructor(
    private readonly store: CredentialStore,
    private readonly log: Logger,
  ) {}

  /** Call before looking a CONNECT's credentials up. */
  beginAuth(client: Client, username: string): void {
    this.#pending.set(client, { username, stale: false });
  }

  /** True when the account changed since `beginAuth` (the lookup may have seen the old credential). */
  changedDuringAuth(client: Client): boolean {
    const p = this.#pending.get(client);
    if (!p) return false;
    const stale = p.stale;
    p.stale = false;
    return stale;
  }

  endAuth(client: Client): void {
    this.#pending.delete(client);
  }

  /** Records an admitted connection until its transport closes. */
  admitted(client: Client, principal: Principal): void {
    this.#pending.delete(client);
    this.#live.set(client, principal);
    client.conn.once('close', () => {
      if (this.#live.get(client) === principal) this.#live.delete(client);
    });
  }

  get size(): number {
    return this.#live.size;
  }

  /** Closes this node's connections whose account (among `usernames`, or any) is revoked or changed. */
  async revalidate(usernames?: readonly string[]): Promise<number> {
    const only = usernames ? new Set(usernames) : undefined;
    for (const p of this.#pending.values()) if (!only || only.has(p.username)) p.stale = true;
    const affected = [...this.#live].filter(([, p]) => !only || only.has(p.username));
    const closedCount = await Promise.all(
      affected.map(async ([client, admittedAs]) => {
        let current: Principal | undefined;
        try {
          current = await this.store.lookup(admittedAs.username);
        } catch (err) {
          // The store is down: keep the connection (cutting every gateway would blind monitoring).
          this.log.error(
            {
              clientId: client.id,
              username: admittedAs.username,
              error: { message: (err as Error).message },
            },
            'credential re-check failed; connection kept',
          );
          return 0;
        }
        if (current && samePrincipal(current, admittedAs)) return 0;
        if (this.#live.get(client) !== admittedAs) return 0;
        this.#live.delete(client);
        this.log.warn(
          {
            clientId: client.id,
            username: admittedAs.username,
            reason: current ? 'credential changed' : 'credential revoked',
          },
          'connection closed: its credential no longer holds',
        );
        client.close();
        return 1;
      }),
    );
    return closedCount.reduce<number>((a, b) => a + b, 0);
  }
}

/**
 * Fans a credential change out to every node of the cluster (each re-checks its own connections) and
 * listens for the others'. On a single node the message only comes back to its sender, which ignores it.
 */
export class CredentialChangeBus {
  readonly #onMessage: (packet: AedesPublishPacket, done: () => void) => void;

  constructor(
    private readonly aedes: Aedes,
    private readonly nodeId: string,
    private readonly live: LiveConnections,
    private readonly log: Logger,
  ) {
    this.#onMessage = (packet, done) => {
      done();
      let change: z.infer<typeof changeSchema>;
      try {
        const parsed = changeSchema.safeParse(JSON.parse(packet.payload.toString()));
        if (!parsed.success) throw new Error('schema');
        change = parsed.data;
      } catch {
        this.log.warn(
          { topic: packet.topic, bytes: packet.payload.length },
          'invalid credential change message',
        );
        return;
      }
      if (change.origin === this.nodeId) return;
      void this.live.revalidate(change.usernames);
    };
  }

  start(): Promise<void> {
    return new Promise((resolve) =>
      this.aedes.subscribe(CREDENTIALS_CHANGED_TOPIC, this.#onMessage, resolve),
    );
  }

  /** Tells the other nodes; resolves once the message is on the bus. */
  announce(usernames?: readonly string[]): Promise<void> {
    // A list too long for one message becomes "anyone": every node re-checks all its connections.
    const list = usernames && usernames.length <= 10_000 ? { usernames: [...usernames] } : {};
    const body = { origin: this.nodeId, ...list };
    return new Promise((resolve) =>
      this.aedes.publish(
        {
          cmd: 'publish',
          topic: CREDENTIALS_CHANGED_TOPIC,
          payload: Buffer.from(JSON.stringify(body)),
          qos: 0,
          retain: false,
          dup: false,
        },
        (err) => {
          if (err) this.log.error({ error: { message: err.message } }, 'credential change not announced');
          resolve();
        },
      ),
    );
  }
}
