import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import {
  Aedes,
  type AedesOptions,
  type AedesPublishPacket,
  type AuthErrorCode,
  type AuthenticateError,
  type Client,
  type ConnectPacket,
} from 'aedes';
import type { Logger } from 'pino';
import { checkOrphanWill, checkPublish, checkSubscribe, clientIdAllowed, mayReceive } from './acl.js';
import { createRedisBackends } from './cluster.js';
import { type BrokerConfig, type ResolvedBrokerConfig, resolveBrokerConfig, wsPathSchema } from './config.js';
import type { CredentialStore, Principal } from './credentials.js';
import { codes } from './errors.js';
import { FrameGuardedConnection } from './frame-guard.js';
import {
  attachWsUpgrade,
  type ConnDetails,
  type ConnectionHandler,
  closeServer,
  createTcpListener,
  createTlsListener,
  createWsListener,
  listenOn,
} from './listeners.js';
import { type BrokerMetrics, MetricsRecorder, metricsTopic } from './metrics.js';
import { TokenBucketLimiter } from './rate-limit.js';
import { CredentialChangeBus, LiveConnections } from './revocation.js';
import { hashSecret, verifySecret } from './secrets.js';

/** Collaborators of the broker; everything with I/O or time comes in here. */
export interface BrokerDeps {
  /** Structured logger; the broker logs ids, topics, sizes and reasons, never payloads or secrets. */
  logger: Logger;
  /** Who may connect (provisioning file, in-memory, or a registry-backed store from ingest). */
  credentials: CredentialStore;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** Ports actually bound by `listen()` (differs from the config when it asked for port 0). */
export interface ListeningPorts {
  mqttPort: number;
  wsPort?: number;
  mqttsPort?: number;
}

export interface Broker {
  /** The aedes instance, for in-process publish/subscribe (embedded mode). Bypasses the ACL. */
  readonly aedes: Aedes;
  /** This node's id (aedes id, metrics topic segment). */
  readonly nodeId: string;
  readonly config: ResolvedBrokerConfig;
  /**
   * Opens the TCP listener, plus WebSocket and TLS ones when configured.
   * @throws ZW_ERR_BROKER_STATE when already listening or closed; on a bind error call `close()`.
   */
  listen(): Promise<ListeningPorts>;
  /** Closes listeners, disconnects every client, stops timers and releases Redis. Idempotent. */
  close(): Promise<void>;
  /** A snapshot of this node's counters. */
  metrics(): BrokerMetrics;
  /**
   * Looks the credentials of open connections up again — of `usernames`, or of everyone — on every node of
   * the cluster, and closes each connection whose account is gone (revoked) or changed (rotated secret):
   * call it after changing a store that cannot tell the broker itself (e.g. a registry lookup). Stores
   * with `onChange` (in-memory, file) trigger it themselves. Resolves once this node has re-checked its
   * own connections and the others are told.
   */
  revalidate(usernames?: readonly string[]): Promise<void>;
  /**
   * Speaks MQTT over WebSocket on `path` of an HTTP server the caller owns (embedded mode: ingest's own
   * port, so a browser gateway connects on the page's origin), behind the same admission, authentication
   * and ACL as every listener. Other paths' upgrades are left alone. Detached by `close()`.
   */
  attachWebSocket(server: HttpServer, path: string): void;
}

/** Bytes an MQTT packet may carry besides its payload before the transport guard cuts it (topic, ids, credentials). */
const FRAME_OVERHEAD_BYTES = 16 * 1024;

type Will = NonNullable<ConnectPacket['will']>;
type Admission = { ok: true; principal: Principal } | { ok: false; reason: string; returnCode: number };

function defaultNodeId(): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 56);
  return `${host || 'broker'}-${randomBytes(3).toString('hex')}`;
}

function payloadBytes(payload: Buffer | string | undefined): number {
  if (payload === undefined) return 0;
  return typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
}

/** Error fields safe to log: aedes hangs whole packets (payloads) on some errors as `info`. */
function safeErr(err: Error): { code?: string; message: string } {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? { code, message: err.message } : { message: err.message };
}

/**
 * Builds the zonewatch MQTT broker: aedes with per-gateway authentication, the topic ACL, payload and
 * connection-rate limits, metrics, and Redis clustering when `redisUrl` is set. Opens no sockets:
 * call `listen()` (or use `broker.aedes` in-process only).
 * @throws ZW_ERR_BROKER_CONFIG on invalid options.
 */
export async function createBroker(options: BrokerConfig, deps: BrokerDeps): Promise<Broker> {
  const config = resolveBrokerConfig(options);
  const now = deps.now ?? Date.now;
  const nodeId = config.nodeId ?? defaultNodeId();
  const log = deps.logger.child({ component: 'broker', nodeId });
  const metrics = new MetricsRecorder(nodeId, now());
  const limiter = new TokenBucketLimiter(config.connectionRate, now);
  const principals = new WeakMap<Client, Principal>();
  const wills = new WeakMap<Client, Will>();
  const live = new LiveConnections(deps.credentials, log);
  // Unknown users are checked against this so a refusal takes as long as a wrong secret.
  const dummyHash = hashSecret(randomBytes(16));

  /** A credential store that hangs must not leave connections paused forever. */
  function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`credential check took longer than ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  async function admit(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<Admission> {
    if (!username || !password) {
      await verifySecret(password ?? 'x', await dummyHash);
      return { ok: false, reason: 'missing credentials', returnCode: 5 };
    }
    const principal = await deps.credentials.lookup(username);
    if (!principal) {
      await verifySecret(password, await dummyHash);
      return { ok: false, reason: 'unknown user', returnCode: 5 };
    }
    if (!(await verifySecret(password, principal.secretHash))) {
      return { ok: false, reason: 'wrong secret', returnCode: 5 };
    }
    if (!clientIdAllowed(principal, client.id)) {
      return { ok: false, reason: 'client id does not match the username', returnCode: 2 };
    }
    const will = wills.get(client);
    if (will) {
      if (payloadBytes(will.payload) > config.maxPayloadBytes) {
        return { ok: false, reason: 'will payload too large', returnCode: 5 };
      }
      const refusal = checkPublish(principal, will.topic, will.retain ?? false);
      if (refusal) return { ok: false, reason: `will topic not allowed (${refusal})`, returnCode: 5 };
    }
    return { ok: true, principal };
  }

  const authenticate: NonNullable<AedesOptions['authenticate']> = (client, username, password, done) => {
    const ip = (client as Client & { connDetails?: ConnDetails }).connDetails?.ipAddress;
    if (username) live.beginAuth(client, username);
    // A credential changed while it was being checked is checked again, so a revocation racing a
    // CONNECT cannot let the old secret in.
    const admitCurrent = async (): Promise<Admission> => {
      for (let attempt = 0; ; attempt++) {
        const result = await admit(client, username, password);
        if (!result.ok || !live.changedDuringAuth(client)) return result;
        if (attempt === 2) throw new Error('credential kept changing during authentication');
      }
    };
    withTimeout(admitCurrent(), config.authTimeoutMs).then(
      (result) => {
        wills.delete(client);
        live.endAuth(client);
        if (result.ok) {
          principals.set(client, result.principal);
          live.admitted(client, result.principal);
          log.info(
            { clientId: client.id, username, kind: result.principal.kind, ip },
            'client authenticated',
          );
          done(null, true);
          return;
        }
        metrics.rejectedAuth += 1;
        log.warn({ clientId: client.id, username, ip, reason: result.reason }, 'connection refused');
        const err = new codes.ZW_ERR_AUTH_REFUSED(result.reason) as unknown as AuthenticateError;
        err.returnCode = result.returnCode as AuthErrorCode;
        done(err, false);
      },
      (err: Error) => {
        // The store or a hash failed: a server problem, not the client's (CONNACK 3, server unavailable).
        wills.delete(client);
        live.endAuth(client);
        log.error({ clientId: client.id, username, error: safeErr(err) }, 'authentication failed');
        const refusal = new codes.ZW_ERR_AUTH_REFUSED('server unavailable') as unknown as AuthenticateError;
        refusal.returnCode = 3 as AuthErrorCode;
        done(refusal, false);
      },
    );
  };

  const aedesOptions: AedesOptions = {
    id: nodeId,
    connectTimeout: config.connectTimeoutMs,
    preConnect(client, packet, done) {
      if (packet.will) wills.set(client, packet.will);
      done(null, true);
    },
    authenticate,
    authorizePublish(client, packet, done) {
      const bytes = payloadBytes(packet.payload);
      const principal = client ? principals.get(client) : undefined;
      if (bytes > config.maxPayloadBytes) {
        metrics.payloadTooLarge += 1;
        log.warn(
          { clientId: client?.id, username: principal?.username, topic: packet.topic, bytes },
          'publish refused: payload too large',
        );
        done(new codes.ZW_ERR_PAYLOAD_TOO_LARGE(bytes, config.maxPayloadBytes));
        return;
      }
      const reason = client
        ? checkPublish(principal, packet.topic, Boolean(packet.retain))
        : checkOrphanWill(packet.topic);
      if (reason) {
        metrics.rejectPublish(reason);
        log.warn(
          {
            clientId: client?.id,
            username: principal?.username,
            topic: packet.topic,
            qos: packet.qos,
            bytes,
            reason,
          },
          'publish refused',
        );
        done(new codes.ZW_ERR_PUBLISH_REFUSED(reason, packet.topic));
        return;
      }
      done(null);
    },
    authorizeSubscribe(client, subscription, done) {
      const principal = principals.get(client);
      const reason = checkSubscribe(principal, subscription.topic);
      if (reason) {
        metrics.rejectedSubscribes += 1;
        log.warn(
          { clientId: client.id, username: principal?.username, filter: subscription.topic, reason },
          'subscribe refused',
        );
        // A null subscription makes aedes answer SUBACK 0x80 and keep the connection ([MQTT-3.9.3]).
        done(null, null);
        return;
      }
      done(null, subscription);
    },
    authorizeForward(client, packet) {
      if (!mayReceive(principals.get(client), packet.topic)) return null;
      metrics.messagesOut += 1;
      return packet;
    },
    published(packet: AedesPublishPacket, client, done) {
      if (client) {
        metrics.messagesIn += 1;
        metrics.bytesIn += payloadBytes(packet.payload);
      }
      done(null);
    },
  };

  const cluster = config.redisUrl ? createRedisBackends(config.redisUrl, log) : undefined;
  if (cluster) {
    aedesOptions.mq = cluster.mq;
    aedesOptions.persistence = cluster.persistence;
  }

  let aedes: Aedes;
  try {
    aedes = await Aedes.createBroker(aedesOptions);
  } catch (err) {
    if (!cluster || !config.redisUrl) throw err;
    cluster.abort();
    const { hostname: host, port } = new URL(config.redisUrl);
    throw new codes.ZW_ERR_REDIS_UNAVAILABLE(`${host}:${port || 6379}`, (err as Error).message);
  }

  aedes.on('clientError', (client, err) => {
    const safe = safeErr(err);
    // Our own refusals are already logged with their reason.
    const level = safe.code?.startsWith('ZW_ERR_') ? 'debug' : 'info';
    log[level]({ clientId: client.id, error: safe }, 'client error');
  });
  aedes.on('connectionError', (_client, err) => log.info({ error: safeErr(err) }, 'connection error'));
  aedes.on('clientDisconnect', (client) => log.debug({ clientId: client.id }, 'client disconnected'));
  // Persistence failures surface as 'error' (not in aedes' typed overloads); unhandled they would crash.
  (aedes as NodeJS.EventEmitter).on('error', (err: Error) =>
    log.error({ error: safeErr(err) }, 'broker error'),
  );

  const changes = new CredentialChangeBus(aedes, nodeId, live, log);
  await changes.start();
  const revalidate = async (usernames?: readonly string[]): Promise<void> => {
    await Promise.all([live.revalidate(usernames), changes.announce(usernames)]);
  };
  const stopWatchingStore = deps.credentials.onChange?.((usernames) => {
    revalidate(usernames).catch((err: Error) =>
      log.error({ error: safeErr(err) }, 'credential revalidation failed'),
    );
  });

  const metricsSnapshot = (): BrokerMetrics => metrics.snapshot(now(), aedes.connectedClients);
  let metricsTimer: NodeJS.Timeout | undefined;
  if (config.metricsIntervalMs > 0) {
    const topic = metricsTopic(nodeId);
    metricsTimer = setInterval(() => {
      aedes.publish(
        {
          cmd: 'publish',
          topic,
          payload: Buffer.from(JSON.stringify(metricsSnapshot())),
          qos: 0,
          retain: false,
          dup: false,
        },
        (err) => {
          if (err) log.warn({ error: safeErr(err) }, 'metrics publish failed');
        },
      );
    }, config.metricsIntervalMs);
    metricsTimer.unref();
  }

  let state: 'ready' | 'listening' | 'closed' = 'ready';
  const servers: (NetServer | HttpServer)[] = [];
  const connections = new Set<Duplex>();
  const maxFrameBytes = config.maxPayloadBytes + FRAME_OVERHEAD_BYTES;
  let lastRateLogMs = 0;
  let rateLimitedSinceLog = 0;

  const handler: ConnectionHandler = {
    handle(stream, req) {
      if (state === 'closed') {
        stream.destroy();
        return;
      }
      const ip = req.connDetails?.ipAddress ?? (stream as Socket).remoteAddress ?? 'unknown';
      if (!limiter.tryAcquire(ip)) {
        metrics.rateLimited += 1;
        rateLimitedSinceLog += 1;
        // At most one line per second however hard the flood.
        if (now() - lastRateLogMs >= 1000) {
          log.warn({ ip, refused: rateLimitedSinceLog }, 'connection refused: rate limit');
          lastRateLogMs = now();
          rateLimitedSinceLog = 0;
        }
        stream.destroy();
        return;
      }
      const guarded = new FrameGuardedConnection(stream, maxFrameBytes, (violation) => {
        if (violation.kind === 'tooLarge') metrics.payloadTooLarge += 1;
        log.warn({ ip, violation }, 'connection cut: bad MQTT packet size');
      });
      connections.add(guarded);
      guarded.once('close', () => connections.delete(guarded));
      aedes.handle(guarded, req as Parameters<Aedes['handle']>[1]);
    },
    emit(_event, err) {
      log.warn({ error: safeErr(err) }, 'listener error');
      return true;
    },
  };

  let closing: Promise<void> | undefined;
  const detachers: (() => void)[] = [];

  return {
    aedes,
    nodeId,
    config,
    metrics: metricsSnapshot,
    revalidate,
    attachWebSocket(server, path) {
      if (state === 'closed') throw new codes.ZW_ERR_BROKER_STATE('closed');
      const p = wsPathSchema.safeParse(path);
      if (!p.success)
        throw new codes.ZW_ERR_BROKER_CONFIG(`attachWebSocket path: ${p.error.issues[0]?.message}`);
      detachers.push(attachWsUpgrade(server, handler, maxFrameBytes, p.data));
    },
    async listen() {
      if (state !== 'ready')
        throw new codes.ZW_ERR_BROKER_STATE(state === 'closed' ? 'closed' : 'already listening');
      state = 'listening';
      const start = async (server: NetServer | HttpServer, port: number): Promise<number> => {
        servers.push(server);
        server.on('error', (err) => log.error({ error: safeErr(err) }, 'listener error'));
        return listenOn(server, port, config.host);
      };
      const ports: ListeningPorts = { mqttPort: await start(createTcpListener(handler), config.mqttPort) };
      if (config.wsPort !== undefined) {
        ports.wsPort = await start(createWsListener(handler, maxFrameBytes, config.wsPath), config.wsPort);
      }
      if (config.tls) {
        const { certPem, keyPem, port } = config.tls;
        ports.mqttsPort = await start(createTlsListener(handler, certPem, keyPem), port);
      }
      log.info({ host: config.host, ...ports, cluster: Boolean(config.redisUrl) }, 'broker listening');
      return ports;
    },
    close() {
      closing ??= (async () => {
        state = 'closed';
        if (metricsTimer) clearInterval(metricsTimer);
        stopWatchingStore?.();
        // No changes.stop(): aedes.close() closes the message bus with its listeners, and an unsubscribe
        // waiting on an unreachable Redis must not hold close() up.
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        for (const detach of detachers.splice(0)) detach();
        for (const connection of connections) connection.destroy();
        await Promise.all(servers.map(closeServer));
        // aedes finishes each closed client (wills, session state) in the persistence after the socket is
        // gone; destroying the Redis persistence under it rejects those calls ("Connection is closed")
        // where nobody handles them. Wait for the clients to be done, bounded so close() never hangs.
        for (const deadline = Date.now() + 2_000; aedes.connectedClients > 0 && Date.now() < deadline; ) {
          await new Promise((r) => setTimeout(r, 10));
        }
        await cluster?.destroyPersistence();
        log.info('broker closed');
      })();
      return closing;
    },
  };
}
