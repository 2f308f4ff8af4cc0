/** Small measurement helpers shared by the chain benchmark and its child processes. */

/** Latency histogram with 1 ms buckets up to `maxMs` (larger values land in the last bucket, max kept exact). */
export class Histogram {
  private readonly buckets: Uint32Array;
  count = 0;
  max = Number.NEGATIVE_INFINITY;
  min = Number.POSITIVE_INFINITY;
  sum = 0;

  constructor(private readonly maxMs = 120_000) {
    this.buckets = new Uint32Array(maxMs + 1);
  }

  add(ms: number): void {
    const v = Math.max(0, ms);
    this.buckets[Math.min(this.maxMs, Math.round(v))]!++;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
    if (v < this.min) this.min = v;
  }

  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return i;
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.count ? Math.round(this.max) : null,
      mean: this.count ? Math.round(this.sum / this.count) : null,
    };
  }
}

/** Percentiles in ms. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** What every child process reports about itself. */
export interface ProcSample {
  cpuUserMs: number;
  cpuSystemMs: number;
  rssMb: number;
  heapUsedMb: number;
}

/** CPU time since `since` and memory now. */
export function procSample(since: NodeJS.CpuUsage): ProcSample {
  const cpu = process.cpuUsage(since);
  const mem = process.memoryUsage();
  return {
    cpuUserMs: Math.round(cpu.user / 1000),
    cpuSystemMs: Math.round(cpu.system / 1000),
    rssMb: Math.round(mem.rss / 1048576),
    heapUsedMb: Math.round(mem.heapUsed / 1048576),
  };
}

/** Peak-RSS and CPU tracker for the process it runs in; `report()` is sent to the parent. */
export class SelfMonitor {
  private readonly cpu0 = process.cpuUsage();
  private readonly timer: NodeJS.Timeout;
  peakRssMb = 0;
  /** CPU at the start of the measured window (set by `markSteady`). */
  private steadyCpu: NodeJS.CpuUsage | undefined;
  private steadyAt = 0;
  private lastTick = performance.now();
  private readonly bornAt = performance.now();
  /** Times this process's event loop did not run for over a second: when (s since start) and how long (ms). */
  readonly stalls: { atS: number; ms: number }[] = [];

  constructor(private readonly everyMs = 250) {
    this.timer = setInterval(() => {
      const now = performance.now();
      const late = now - this.lastTick - this.everyMs;
      if (late > 1000 && this.stalls.length < 50)
        this.stalls.push({ atS: Math.round((this.lastTick - this.bornAt) / 100) / 10, ms: Math.round(late) });
      this.lastTick = now;
      this.sample();
    }, everyMs);
    this.timer.unref();
    this.sample();
  }

  private sample(): void {
    this.peakRssMb = Math.max(this.peakRssMb, Math.round(process.memoryUsage().rss / 1048576));
  }

  markSteady(): void {
    this.steadyCpu = process.cpuUsage();
    this.steadyAt = performance.now();
  }

  report(): ProcReport {
    this.sample();
    const total = process.cpuUsage(this.cpu0);
    let steadyCpuPct: number | null = null;
    if (this.steadyCpu) {
      const d = process.cpuUsage(this.steadyCpu);
      const wallMs = performance.now() - this.steadyAt;
      steadyCpuPct = wallMs > 0 ? Math.round(((d.user + d.system) / 1000 / wallMs) * 1000) / 10 : null;
    }
    return {
      pid: process.pid,
      cpuTotalS: Math.round((total.user + total.system) / 1e4) / 100,
      steadyCpuPct,
      peakRssMb: this.peakRssMb,
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
      stalls: [...this.stalls],
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** CPU and memory of one process over a run. `steadyCpuPct` is % of one core during the measured window. */
export interface ProcReport {
  pid: number;
  cpuTotalS: number;
  steadyCpuPct: number | null;
  peakRssMb: number;
  rssMb: number;
  /** Event-loop stalls over a second (see {@link SelfMonitor.stalls}). */
  stalls?: { atS: number; ms: number }[];
}
