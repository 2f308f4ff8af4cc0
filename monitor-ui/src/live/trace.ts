import type { ParticipantLive } from '@zonewatch/protocol';

/** A rolling time series in uPlot's column layout: x in seconds since the epoch. */
export interface RollingTrace {
  t: number[];
  hr: (number | null)[];
  spo2: (number | null)[];
  /**
   * Lowest and highest HR behind each point: a backfilled point is a 5-s bucket mean whose extremes keep a
   * short peak on the chart (issue 14); a point from a frame is one reading, its own extremes.
   */
  hrMin: (number | null)[];
  hrMax: (number | null)[];
}

export const EMPTY_TRACE: RollingTrace = { t: [], hr: [], spo2: [], hrMin: [], hrMax: [] };

/** Length of the coach view's rolling chart (ms). */
export const ROLLING_WINDOW_MS = 10 * 60_000;

/**
 * Appends one frame's values for one participant (at the frame's server time) and drops points older than
 * the window. Values that are not live are stored as gaps so the chart never draws a stale value as current.
 */
export function appendPoint(
  trace: RollingTrace,
  atMs: number,
  p: Pick<ParticipantLive, 'hr' | 'spo2' | 'freshness'>,
  windowMs: number = ROLLING_WINDOW_MS,
): RollingTrace {
  const x = atMs / 1000;
  const last = trace.t[trace.t.length - 1];
  if (last !== undefined && x <= last) return trace;
  const live = p.freshness === 'live';
  const from = x - windowMs / 1000;
  let start = 0;
  while (start < trace.t.length && (trace.t[start] as number) < from) start++;
  const hr = live ? p.hr : null;
  return {
    t: [...trace.t.slice(start), x],
    hr: [...trace.hr.slice(start), hr],
    spo2: [...trace.spo2.slice(start), live ? p.spo2 : null],
    hrMin: [...trace.hrMin.slice(start), hr],
    hrMax: [...trace.hrMax.slice(start), hr],
  };
}

/**
 * Backfills a trace with what the server had before this view opened (`GET /sessions/:id/trace`: the rules
 * engine's bucket means with their usable-HR extremes, `at` = epoch ms): points older than the trace's
 * first one and inside the window (from `nowMs`) go in front; what the frames already brought is kept as is.
 * A point without extremes (an older server) stands in for them with its mean.
 */
export function backfill(
  trace: RollingTrace,
  points: readonly {
    at: number;
    hr: number | null;
    spo2: number | null;
    hrMin?: number | null | undefined;
    hrMax?: number | null | undefined;
  }[],
  nowMs: number,
  windowMs: number = ROLLING_WINDOW_MS,
): RollingTrace {
  const first = trace.t[0] ?? Number.POSITIVE_INFINITY;
  const from = (nowMs - windowMs) / 1000;
  const older = points
    .map((p) => ({
      x: p.at / 1000,
      hr: p.hr,
      spo2: p.spo2,
      hrMin: p.hrMin ?? p.hr,
      hrMax: p.hrMax ?? p.hr,
    }))
    .filter((p) => p.x < first && p.x >= from)
    .sort((a, b) => a.x - b.x);
  if (older.length === 0) return trace;
  return {
    t: [...older.map((p) => p.x), ...trace.t],
    hr: [...older.map((p) => p.hr), ...trace.hr],
    spo2: [...older.map((p) => p.spo2), ...trace.spo2],
    hrMin: [...older.map((p) => p.hrMin), ...trace.hrMin],
    hrMax: [...older.map((p) => p.hrMax), ...trace.hrMax],
  };
}

/**
 * x range of a rolling chart: the last `windowS` seconds once that much has been seen; before, what there
 * is (at least a minute), so a chart opened a moment ago is not an empty strip with a dot at its end.
 */
export function rollingRange(min: number | null, max: number | null, windowS: number): [number, number] {
  const hi = max ?? 0;
  const lo = Math.max(min ?? hi, hi - windowS);
  return [Math.min(lo, hi - 60), hi];
}

/** How many sessions' traces the console keeps while it is open (most recently used first to stay). */
export const TRACE_SESSIONS_KEPT = 8;

/**
 * Traces of the live sessions this console has shown, kept for the life of the page, so reopening a live
 * view shows the history it already received instead of an empty chart. In memory only (clinical data
 * never goes to browser storage).
 */
export class TraceStore {
  private readonly sessions = new Map<string, ReadonlyMap<string, RollingTrace>>();

  constructor(private readonly maxSessions: number = TRACE_SESSIONS_KEPT) {}

  /** The session's traces with points older than the window (from `nowMs`, server time) dropped. */
  recall(
    sessionId: string,
    nowMs: number,
    windowMs: number = ROLLING_WINDOW_MS,
  ): ReadonlyMap<string, RollingTrace> {
    const kept = this.sessions.get(sessionId);
    if (!kept) return new Map();
    const from = (nowMs - windowMs) / 1000;
    const out = new Map<string, RollingTrace>();
    for (const [id, tr] of kept) {
      let start = 0;
      while (start < tr.t.length && (tr.t[start] as number) < from) start++;
      if (start < tr.t.length)
        out.set(id, {
          t: tr.t.slice(start),
          hr: tr.hr.slice(start),
          spo2: tr.spo2.slice(start),
          hrMin: tr.hrMin.slice(start),
          hrMax: tr.hrMax.slice(start),
        });
    }
    return out;
  }

  remember(sessionId: string, traces: ReadonlyMap<string, RollingTrace>): void {
    this.sessions.delete(sessionId);
    this.sessions.set(sessionId, traces);
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
  }

  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }
}

/** The page's one store (see {@link TraceStore}). */
export const traceStore = new TraceStore();
