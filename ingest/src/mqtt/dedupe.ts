/**
 * What {@link SeqDeduper.check} decided about a batch:
 * - `new`: first seen, accepted;
 * - `duplicate`: one of the gateway's last `windowSize` seqs (QoS 1 redelivery, outbox replay), dropped;
 * - `stale`: below every seq the full window remembers, treated as already seen and dropped;
 * - `reset`: the gateway's counter started again from below the window (a gateway whose stored state was
 *   lost): after `resetAfter` consecutive increasing stale seqs the window restarts, and this one is accepted.
 */
export type SeqVerdict = 'new' | 'duplicate' | 'stale' | 'reset';

/** The last `capacity` seqs of one gateway in arrival order, with their minimum (O(1) amortised). */
class SeqWindow {
  private readonly ring: number[] = [];
  private start = 0;
  private readonly members = new Set<number>();
  /** Increasing values in arrival order: the window's minimum is at `minHead`. */
  private mins: number[] = [];
  private minHead = 0;

  constructor(private readonly capacity: number) {}

  get full(): boolean {
    return this.members.size >= this.capacity;
  }

  has(seq: number): boolean {
    return this.members.has(seq);
  }

  min(): number | undefined {
    return this.mins[this.minHead];
  }

  /** Adds a seq not in the window, forgetting the oldest one when full. */
  add(seq: number): void {
    if (this.ring.length < this.capacity) this.ring.push(seq);
    else {
      const oldest = this.ring[this.start]!;
      this.ring[this.start] = seq;
      this.start = (this.start + 1) % this.capacity;
      this.members.delete(oldest);
      if (this.mins[this.minHead] === oldest) this.minHead++;
    }
    this.members.add(seq);
    while (this.mins.length > this.minHead && this.mins[this.mins.length - 1]! > seq) this.mins.pop();
    this.mins.push(seq);
    if (this.minHead > 1024 && this.minHead * 2 > this.mins.length) {
      this.mins = this.mins.slice(this.minHead);
      this.minHead = 0;
    }
  }
}

interface GatewaySeqs {
  window: SeqWindow;
  /** Consecutive stale seqs, each above the one before (a restarted counter looks like this). */
  staleRun: number;
  lastStale: number;
}

/**
 * Detects duplicate telemetry batches by (gateway, seq): QoS1 redelivery and outbox replay can deliver a
 * batch twice. Remembers each gateway's last `windowSize` seqs *by arrival*, not by value, so one batch
 * with an absurd seq (2^53 − 1) takes one slot and leaves with the next `windowSize` batches: it cannot
 * make later batches look old (issue 13, hole 7). Once the window is full, a seq below all it remembers is
 * treated as already seen.
 */
export class SeqDeduper {
  private readonly seen = new Map<string, GatewaySeqs>();

  /**
   * @param windowSize how many of a gateway's latest seqs are remembered individually
   * @param resetAfter consecutive increasing stale seqs after which the gateway counts as restarted
   */
  constructor(
    private readonly windowSize = 4096,
    private readonly resetAfter = 4,
  ) {}

  /** Returns true the first time (gatewayKey, seq) is offered, false for every repeat. */
  accept(gatewayKey: string, seq: number): boolean {
    const v = this.check(gatewayKey, seq);
    return v === 'new' || v === 'reset';
  }

  check(gatewayKey: string, seq: number): SeqVerdict {
    let g = this.seen.get(gatewayKey);
    if (!g) {
      g = { window: new SeqWindow(this.windowSize), staleRun: 0, lastStale: 0 };
      this.seen.set(gatewayKey, g);
    }
    if (g.window.has(seq)) {
      g.staleRun = 0;
      return 'duplicate';
    }
    const min = g.window.min();
    if (g.window.full && min !== undefined && seq < min) {
      g.staleRun = g.staleRun > 0 && seq > g.lastStale ? g.staleRun + 1 : 1;
      g.lastStale = seq;
      if (g.staleRun < this.resetAfter) return 'stale';
      g.window = new SeqWindow(this.windowSize);
      g.window.add(seq);
      g.staleRun = 0;
      return 'reset';
    }
    g.staleRun = 0;
    g.window.add(seq);
    return 'new';
  }
}
