/**
 * When each live event was sent, read back scored, and stamped by the service's producer,
 * indexed by the event's sequence number in typed arrays. The bench first kept three Maps
 * keyed by event id: at 5k events/s they held ~10^5 string entries each, and the harness's
 * own scavenges (10–45 ms, measured) stalled its producer and its read back, so they showed
 * up as service latency. Typed arrays leave nothing for the collector to trace.
 */
export interface LedgerEntry {
  sentAt: number;
  scoredAt: number;
  producedAt: number;
}

export class LatencyLedger {
  private sent = new Float64Array(1 << 16);
  private scored = new Float64Array(1 << 16);
  private produced = new Float64Array(1 << 16);
  /** Sequence numbers firstSeq … firstSeq + size - 1 have been sent. */
  private size = 0;
  duplicates = 0;

  constructor(private readonly firstSeq: number) {}

  get sentCount(): number {
    return this.size;
  }

  /** Records the next sequence number's send time; sequence numbers are sent in order. */
  markSent(seq: number, at: number): void {
    const i = seq - this.firstSeq;
    if (i !== this.size) throw new Error(`sequence ${seq} sent out of order (expected ${this.firstSeq + this.size})`);
    if (i === this.sent.length) this.grow();
    this.sent[i] = at;
    this.size++;
  }

  /** A score read back; false when it is not a live event's (a pre-loaded one's, or unknown). */
  markScored(seq: number, at: number, producedAt: number): boolean {
    const i = seq - this.firstSeq;
    if (!Number.isInteger(i) || i < 0 || i >= this.size) return false;
    if (this.scored[i] !== 0) this.duplicates++;
    else {
      this.scored[i] = at;
      this.produced[i] = producedAt;
    }
    return true;
  }

  /** Sent events with no score yet. */
  unscored(): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (this.scored[i] === 0) n++;
    return n;
  }

  /** The scored events, in send order. */
  *entries(): IterableIterator<LedgerEntry> {
    for (let i = 0; i < this.size; i++) {
      if (this.scored[i] !== 0) yield { sentAt: this.sent[i], scoredAt: this.scored[i], producedAt: this.produced[i] };
    }
  }

  private grow(): void {
    const widen = (a: Float64Array) => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.sent = widen(this.sent);
    this.scored = widen(this.scored);
    this.produced = widen(this.produced);
  }
}
