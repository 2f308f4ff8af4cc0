/**
 * Helpers of the security tests: a pino destination that keeps every line, and a real broker with a few
 * test accounts. The broker and MQTT helpers are the broker package's own test helpers.
 */
import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';

/** A pino logger whose every line is kept (parsed) in `lines`; `waitFor` resolves on the first match. */
export interface CapturedLog {
  logger: Logger;
  /** Raw JSON lines as pino wrote them. */
  raw: string[];
  lines: Record<string, unknown>[];
  /** Resolves with the first line (already written or still to come) that matches `pick`. */
  waitFor(
    pick: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
    what?: string,
  ): Promise<Record<string, unknown>>;
}

export function captureLog(level: pino.Level = 'debug'): CapturedLog {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (!text) continue;
        raw.push(text);
        lines.push(JSON.parse(text) as Record<string, unknown>);
      }
      for (const w of waiters) w();
      done();
    },
  });
  return {
    logger: pino({ level }, destination),
    raw,
    lines,
    waitFor(pick, timeoutMs = 5000, what = 'a log line') {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hit = lines.find(pick);
          if (!hit) return false;
          waiters.delete(onWrite);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const onWrite = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(onWrite);
          reject(new Error(`no log line matched (${what}) within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(onWrite);
      });
    },
  };
}
