/**
 * The timers and monotonic clock the gateway schedules with: flushes, replay pacing, status refreshes,
 * reconnect back-off. Injectable (tests observe or drive them) and free of Node-only APIs, so a browser
 * gateway can use the same pieces.
 */
export interface Timers {
  /** Monotonic milliseconds (for durations and rate limits, never for wire timestamps). */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

type Handle = ReturnType<typeof setTimeout>;

/** The platform's timers and `performance.now()` (Node and browsers alike). */
export const systemTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as Handle),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as Handle),
};

/** Resolves after `ms` on `timers`. */
export const delay = (timers: Timers, ms: number): Promise<void> =>
  new Promise((resolve) => {
    timers.setTimeout(resolve, ms);
  });

/** An error for a log line: its code and message, never a payload. */
export function errSummary(err: unknown): { code?: string; message: string } | undefined {
  if (err === undefined || err === null) return undefined;
  const e = err as { code?: unknown; message?: unknown };
  return {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    message: typeof e.message === 'string' ? e.message : String(err),
  };
}

/**
 * The few logger methods the gateway calls: pino's `Logger` satisfies it (Node), and so does a small
 * console-backed object in a browser. Fields first, message second, as in pino.
 */
export interface GatewayLogger {
  child(bindings: Record<string, unknown>): GatewayLogger;
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}
