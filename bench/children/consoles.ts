/**
 * Chain benchmark: the console process. Logs in as the bench instructor, opens one socket.io-client
 * console per active session (like one class wall per class) and records, from the `steady` message on:
 * frame freshness (receipt time − each participant's `lastSampleAt`), distinct samples seen in frames, and
 * alert latency (receipt − the alert event's `at`, the measurement time of the sample that completed the
 * hold). An MQTT observer (ingest service login) subscribed to the gateways of the over-exerting
 * participants records each sample's batch `sentAt`, so server latency = receipt − gateway publish time.
 */
import { SOCKET_EVENTS, telemetryTopic } from '@zonewatch/protocol';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { Histogram, SelfMonitor } from '../lib/stats.js';

interface Init {
  type: 'init';
  url: string;
  username: string;
  password: string;
  sessions: string[];
  mqttUrl: string;
  mqttUser: string;
  mqttPassword: string;
  /** Gateways whose telemetry the observer follows: `{ siteId, gatewayId }`. */
  observe: { siteId: string; gatewayId: string }[];
}

interface WireParticipant {
  participantId: string;
  lastSampleAt: number | null;
}
interface WireAlertEvent {
  sessionId: string;
  at: number;
  event: string;
  alert: { id: string; participantId: string; rule: string; severity: string; raisedAt: number };
}

const send = (m: unknown) => process.send?.(m);
const monitor = new SelfMonitor();
const hardStop = setTimeout(() => process.exit(3), Number(process.env.BENCH_MAX_S ?? 900) * 1000);
hardStop.unref();
process.on('disconnect', () => process.exit(4));

let steady = false;
let windowEnded = false;
const freshness = new Histogram();
/** Split of freshness: age of lastSampleAt when ingest built the frame, and the frame's transit to the console. */
const ageAtFrameBuild = new Histogram();
const frameTransit = new Histogram();
/** Observer: batch `sentAt` − sample measurement time (time a sample spends in the gateway), and observer receipt − `sentAt`. */
const gatewayHold = new Histogram();
const brokerTransit = new Histogram();
const alertLatency = new Histogram();
const serverLatency = new Histogram();
const alertsByRule: Record<string, number> = {};
const lastSeen = new Map<string, number>();
/** Frames in which a participant's latest sample was older than 1.5 s (the worst few go in the report). */
const staleByParticipant = new Map<string, number>();
const timeline: [number, number, number][] = [];
let framesReceived = 0;
let samplesSeen = 0;
let participantsInLastFrames = 0;
let liveInLastFrames = 0;
const lastFrameBySession = new Map<string, { live: number; total: number }>();
const sockets: Socket[] = [];
/** deviceId → sample time → batch sentAt (observer). */
const sentAtByDevice = new Map<string, Map<number, number>>();
let observer: mqtt.MqttClient | undefined;
let alertsWithoutPublishTime = 0;

async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(new URL('/api/auth/login', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, returnToken: true }),
  });
  if (!res.ok) throw new Error(`login: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

function onFrame(f: { sessionId: string; at: number; participants: WireParticipant[] }): void {
  const now = Date.now();
  framesReceived++;
  if (!steady) return;
  frameTransit.add(now - f.at);
  let live = 0;
  for (const p of f.participants) {
    if (p.lastSampleAt === null) continue;
    freshness.add(now - p.lastSampleAt);
    if (now - p.lastSampleAt > 1500)
      staleByParticipant.set(p.participantId, (staleByParticipant.get(p.participantId) ?? 0) + 1);
    ageAtFrameBuild.add(f.at - p.lastSampleAt);
    if (now - p.lastSampleAt < 5000) live++;
    if (lastSeen.get(p.participantId) !== p.lastSampleAt) {
      lastSeen.set(p.participantId, p.lastSampleAt);
      samplesSeen++;
    }
  }
  lastFrameBySession.set(f.sessionId, { live, total: f.participants.length });
  if (process.env.BENCH_TRACE_FRAMES && timeline.length < 200) {
    const ages = f.participants
      .filter((p) => p.lastSampleAt !== null)
      .map((p) => f.at - (p.lastSampleAt as number));
    timeline.push([f.at % 100_000, Math.max(...ages), ages.filter((x) => x > 1500).length]);
  }
}

let alertEventsAll = 0;
let alertEventsBeforeWindow = 0;
function onAlert(ev: WireAlertEvent): void {
  const now = Date.now();
  alertEventsAll++;
  if (!steady && !windowEnded) alertEventsBeforeWindow++;
  if (!steady || (ev.event !== 'raised' && ev.event !== 'upgraded')) return;
  // SIGNAL_LOST is raised by the clock, not by a sample: no sample completes its hold.
  if (ev.alert.rule === 'SIGNAL_LOST') return;
  alertsByRule[`${ev.alert.rule}:${ev.event}`] = (alertsByRule[`${ev.alert.rule}:${ev.event}`] ?? 0) + 1;
  alertLatency.add(now - ev.at);
  const sentAt = sentAtByDevice.get(`${ev.alert.participantId}-hr`)?.get(ev.at);
  if (sentAt !== undefined) serverLatency.add(now - sentAt);
  else if (sentAtByDevice.has(`${ev.alert.participantId}-hr`)) alertsWithoutPublishTime++;
}

async function start(init: Init): Promise<void> {
  const token = await login(init.url, init.username, init.password);
  observer = mqtt.connect(init.mqttUrl, {
    username: init.mqttUser,
    password: init.mqttPassword,
    clientId: `${init.mqttUser}_bench_observer_${process.pid}`,
    reconnectPeriod: 1000,
  });
  observer.on('message', (_topic, payload) => {
    const b = JSON.parse(payload.toString()) as { sentAt: number; samples: { device: string; t: number }[] };
    if (steady) brokerTransit.add(Date.now() - b.sentAt);
    for (const s of b.samples) {
      if (steady) gatewayHold.add(b.sentAt - s.t);
      let m = sentAtByDevice.get(s.device);
      if (!m) continue;
      if (!m.has(s.t)) m.set(s.t, b.sentAt);
      if (m.size > 300) {
        m = new Map([...m].slice(-120));
        sentAtByDevice.set(s.device, m);
      }
    }
  });
  // MQTT.js retries by itself (reconnectPeriod); a first refusal while ingest is still busy starting is not fatal.
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('observer could not connect within 60 s')), 60_000);
    observer!.once('connect', () => {
      clearTimeout(t);
      resolve();
    });
  });
  observer.on('error', (e) => process.stderr.write(`observer: ${e.message}\n`));
  await observer.subscribeAsync(
    init.observe.map((o) => telemetryTopic(o.siteId, o.gatewayId)),
    { qos: 1 },
  );
  for (const sessionId of init.sessions) {
    const socket = io(init.url, { transports: ['websocket'], reconnection: false, auth: { token } });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (e) => reject(e));
    });
    socket.on(SOCKET_EVENTS.frame, onFrame);
    socket.on(SOCKET_EVENTS.alert, onAlert);
    const r = await new Promise<{ ok: boolean; error?: string }>((resolve) =>
      socket.emit(SOCKET_EVENTS.join, { sessionId }, resolve),
    );
    if (!r.ok) throw new Error(`join ${sessionId}: ${r.error}`);
    sockets.push(socket);
  }
  send({ type: 'started', consoles: sockets.length });
}

function stats() {
  participantsInLastFrames = 0;
  liveInLastFrames = 0;
  for (const v of lastFrameBySession.values()) {
    participantsInLastFrames += v.total;
    liveInLastFrames += v.live;
  }
  return {
    consoles: sockets.length,
    connected: sockets.filter((s) => s.connected).length,
    framesReceived,
    samplesSeenInFrames: samplesSeen,
    participantsInLastFrames,
    liveInLastFrames,
    freshnessMs: freshness.summary(),
    ageAtFrameBuildMs: ageAtFrameBuild.summary(),
    frameTransitMs: frameTransit.summary(),
    gatewayHoldMs: gatewayHold.summary(),
    observerBrokerTransitMs: brokerTransit.summary(),
    alertLatencyMs: alertLatency.summary(),
    serverLatencyMs: serverLatency.summary(),
    alertsByRule,
    alertsWithoutPublishTime,
    alertEventsAll,
    alertEventsBeforeWindow,
    participantsEverStale: staleByParticipant.size,
    ...(timeline.length ? { timeline } : {}),
    stalestParticipants: [...staleByParticipant].sort((x, y) => y[1] - x[1]).slice(0, 8),
  };
}

process.on('message', async (m: Init | { type: string; devices?: string[] }) => {
  if (m.type === 'init')
    void start(m as Init).catch((err: unknown) => send({ type: 'error', error: String(err) }));
  if (m.type === 'watch')
    for (const d of (m as { devices: string[] }).devices) sentAtByDevice.set(d, new Map());
  if (m.type === 'steady') {
    steady = true;
    monitor.markSteady();
  }
  // The window ends before the generator stops: frames after that would show samples that stopped coming.
  if (m.type === 'end-window') {
    steady = false;
    windowEnded = true;
  }
  if (m.type === 'stats') send({ type: 'stats', stats: stats(), proc: monitor.report() });
  if (m.type === 'stop') {
    steady = false;
    const proc = monitor.report();
    const final = stats();
    for (const s of sockets) s.disconnect();
    await observer?.endAsync().catch(() => undefined);
    send({ type: 'report', proc, stats: final });
    monitor.stop();
    setTimeout(() => process.exit(0), 100);
  }
});
send({ type: 'ready' });
