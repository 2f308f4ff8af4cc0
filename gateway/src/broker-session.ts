import { commandTopic, type GatewayStatus, statusTopic, telemetryTopic } from '@zonewatch/protocol';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { GatewayConfig } from './config.js';
import type { TelemetrySink } from './publisher.js';
import { commandType, offlineStatus, offlineWill, refreshesStatus } from './status.js';
import { errSummary, type GatewayLogger, type Timers } from './timers.js';

/** Exponential back-off with "equal jitter": half the delay fixed, half random, capped at `maxMs`. */
export function backoff(attempt: number, minMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface BrokerSessionOptions {
  config: Pick<
    GatewayConfig,
    | 'gatewayId'
    | 'siteId'
    | 'mqttUrl'
    | 'secret'
    | 'keepaliveSec'
    | 'reconnectMinMs'
    | 'reconnectMaxMs'
    | 'statusIntervalMs'
  >;
  /** Opens an MQTT connection (`mqtt.connect`, which also speaks `ws://` in a browser). */
  connect: (url: string, options: IClientOptions) => MqttClient;
  random: () => number;
  timers: Timers;
  log: GatewayLogger;
  /** The retained `online` status to announce now. */
  online: () => GatewayStatus;
  /** Backlog depth for the connect log line. */
  backlog: () => number;
  /** A connection is up: telemetry may flow to `sink`. */
  onUp: (sink: TelemetrySink) => void;
  /** That connection is gone. */
  onDown: (sink: TelemetrySink) => void;
}

interface Current {
  client: MqttClient;
  sink: TelemetrySink;
}

const utf8 = new TextDecoder();

/**
 * The gateway's MQTT session: MQTT 3.1.1 with the retained `offline` will, the status announcements
 * (`online` at connect, every `statusIntervalMs` and on a `ping` command), the `cmd` subscription, and
 * reconnects of its own (back-off with jitter, a fresh client each time). Telemetry itself is the
 * publisher's: each connection is handed over as a {@link TelemetrySink}.
 */
export class BrokerSession {
  /** Successful connections since start (the first one included). */
  connections = 0;
  /** Connection attempts that failed or connections that dropped. */
  connectionFailures = 0;
  /** Commands received on the gateway's `cmd` topic. */
  commands = 0;

  private active = false;
  private attempt = 0;
  private client: MqttClient | undefined;
  private current: Current | undefined;
  private reconnectTimer: unknown;
  private statusTimer: unknown;
  private readonly topics;

  constructor(private readonly o: BrokerSessionOptions) {
    const { siteId, gatewayId } = o.config;
    this.topics = {
      telemetry: telemetryTopic(siteId, gatewayId),
      status: statusTopic(siteId, gatewayId),
      cmd: commandTopic(siteId, gatewayId),
    };
  }

  /** Starts connecting (and reconnecting) in the background. */
  open(): void {
    this.active = true;
    this.connect();
  }

  /** The sink of the connection that is up, if one is. */
  get sink(): TelemetrySink | undefined {
    return this.current?.sink;
  }

  /** No more reconnects from now on; the connection that is up (if any) stays until {@link close}. */
  halt(): void {
    this.active = false;
    this.o.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  /** Announces the clean `offline` (with `at`) on the connection that is up, waiting at most `graceMs`. */
  async announceOffline(at: number, graceMs: number): Promise<void> {
    const c = this.current;
    if (!c) return;
    const { timers, config } = this.o;
    const payload = JSON.stringify(offlineStatus(config, at));
    await new Promise<void>((resolve) => {
      const t = timers.setTimeout(resolve, graceMs);
      c.client.publish(this.topics.status, payload, { qos: 1, retain: true }, () => {
        timers.clearTimeout(t);
        resolve();
      });
    });
  }

  /** Ends the session: a connected client says DISCONNECT (so the broker drops the will); one still connecting is cut. */
  async close(): Promise<void> {
    this.halt();
    this.o.timers.clearInterval(this.statusTimer);
    const graceful = this.current !== undefined && this.current.client === this.client;
    this.current = undefined;
    const last = this.client;
    this.client = undefined;
    if (last) await new Promise<void>((resolve) => last.end(!graceful, {}, () => resolve()));
  }

  private publishStatus(c: Current): void {
    const payload = JSON.stringify(this.o.online());
    c.client.publish(this.topics.status, payload, { qos: 1, retain: true }, (err) => {
      if (err && this.current === c) this.o.log.warn({ error: errSummary(err) }, 'status publish failed');
    });
  }

  private onCommand = (topic: string, payload: Uint8Array): void => {
    if (topic !== this.topics.cmd) return;
    this.commands++;
    const type = commandType(payload);
    this.o.log.info({ command: type, bytes: payload.length }, 'command received');
    if (refreshesStatus(type) && this.current) this.publishStatus(this.current);
  };

  private connect = (): void => {
    this.reconnectTimer = undefined;
    if (!this.active) return;
    const { config, timers, log } = this.o;
    const c = this.o.connect(config.mqttUrl, {
      protocolVersion: 4,
      clientId: config.gatewayId,
      username: config.gatewayId,
      password: config.secret,
      clean: true,
      // Reconnects are ours (back-off with jitter, fresh client, replay from the outbox), not MQTT.js's.
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      keepalive: config.keepaliveSec,
      resubscribe: false,
      will: {
        topic: this.topics.status,
        payload: JSON.stringify(offlineWill(config)),
        qos: 1,
        retain: true,
      },
    });
    this.client = c;
    let opened = false;
    c.on('connect', () => {
      opened = true;
      this.attempt = 0;
      this.connections++;
      const sink: TelemetrySink = {
        publish: (body, done) => {
          const text = typeof body === 'string' ? body : utf8.decode(body);
          c.publish(this.topics.telemetry, text, { qos: 1 }, (err) => done(err));
        },
        // Not from inside a publish callback: MQTT.js runs those from its own flush loop, and ending the
        // client there empties the list that loop is walking (a TypeError that took the whole gateway down).
        abort: () => void timers.setTimeout(() => c.end(true), 0),
      };
      const current: Current = { client: c, sink };
      this.current = current;
      log.info({ backlog: this.o.backlog() }, 'connected to broker');
      this.publishStatus(current);
      c.subscribe(this.topics.cmd, { qos: 1 }, (err) => {
        if (err && this.current === current)
          log.warn({ error: errSummary(err) }, 'command subscription failed');
      });
      this.statusTimer = timers.setInterval(() => this.publishStatus(current), config.statusIntervalMs);
      this.o.onUp(sink);
    });
    c.on('message', this.onCommand);
    let lastError: Error | undefined;
    c.on('error', (err) => {
      lastError = err;
      log.debug({ error: errSummary(err) }, 'mqtt error');
    });
    c.once('close', () => {
      if (this.client === c) this.client = undefined;
      const was = this.current;
      if (was?.client === c) {
        this.current = undefined;
        timers.clearInterval(this.statusTimer);
        this.statusTimer = undefined;
        this.o.onDown(was.sink);
      }
      c.end(true);
      if (!this.active) return;
      this.connectionFailures++;
      const delayMs = backoff(this.attempt++, config.reconnectMinMs, config.reconnectMaxMs, this.o.random);
      log.warn(
        { wasConnected: opened, retryInMs: delayMs, error: errSummary(lastError) },
        opened ? 'broker connection lost' : 'connect failed',
      );
      this.reconnectTimer = timers.setTimeout(this.connect, delayMs);
    });
  };
}
