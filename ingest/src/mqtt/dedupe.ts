/**
 * Detects duplicate telemetry batches by (gateway, seq): QoS1 redelivery and outbox replay can deliver
 * a batch twice. Gateways publish in seq order, so a bounded window of recently seen seqs per gateway
 * suffices; anything older than the window is treated as already seen.
 */
export class SeqDeduper {
  private readonly seen = new Map<string, { max: number; recent: Set<number> }>();

  /** @param windowSize how many seqs below the highest seen are remembered individually */
  constructor(private readonly windowSize = 4096) {}

  /** Returns true the first time (gatewayKey, seq) is offered, false for every repeat. */
  accept(gatewayKey: string, seq: number): boolean {
    let g = this.seen.get(gatewayKey);
    if (!g) {
      g = { max: seq, recent: new Set([seq]) };
      this.seen.set(gatewayKey, g);
      return true;
    }
    if (seq <= g.max - this.windowSize) return false;
    if (g.recent.has(seq)) return false;
    g.recent.add(seq);
    if (seq > g.max) {
      g.max = seq;
      if (g.recent.size > this.windowSize * 2) {
        for (const s of g.recent) if (s <= g.max - this.windowSize) g.recent.delete(s);
      }
    }
    return true;
  }
}
