/**
 * Log-bucketed latency histogram (about 2 % relative error) that is cheap to record into,
 * small to send over IPC and mergeable across worker processes, so percentiles of the whole
 * fleet are exact to the bucket rather than averages of per-worker percentiles.
 */
const MIN_MS = 0.01;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** 0.01 ms .. ~10 minutes; anything above lands in the last bucket. */
const BUCKETS = Math.ceil(Math.log(600_000 / MIN_MS) / LOG_GROWTH) + 1;

/** Sparse wire form: `[bucketIndex, count, bucketIndex, count, ...]`. */
export type HistogramWire = number[];

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export class LatencyHistogram {
  private counts = new Uint32Array(BUCKETS);
  private total = 0;
  private sum = 0;
  private maxMs = 0;

  record(ms: number): void {
    const v = ms < MIN_MS ? MIN_MS : ms;
    const index = Math.min(BUCKETS - 1, Math.floor(Math.log(v / MIN_MS) / LOG_GROWTH));
    this.counts[index]++;
    this.total++;
    this.sum += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  get count(): number {
    return this.total;
  }

  /** Upper edge of the bucket holding the q-quantile, so a percentile is never understated. */
  percentile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.maxMs, MIN_MS * GROWTH ** (i + 1));
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    return {
      count: this.total,
      p50: round(this.percentile(0.5)),
      p90: round(this.percentile(0.9)),
      p99: round(this.percentile(0.99)),
      max: round(this.maxMs),
      mean: round(this.total === 0 ? 0 : this.sum / this.total),
    };
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
    this.sum += other.sum;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  /** The max and sum travel as the two first numbers so they survive the round trip exactly. */
  toWire(): HistogramWire {
    const out: number[] = [this.maxMs, this.sum];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i] !== 0) out.push(i, this.counts[i]);
    return out;
  }

  static fromWire(wire: HistogramWire): LatencyHistogram {
    const h = new LatencyHistogram();
    h.maxMs = wire[0] ?? 0;
    h.sum = wire[1] ?? 0;
    for (let i = 2; i + 1 < wire.length; i += 2) {
      const index = wire[i];
      const count = wire[i + 1];
      if (index >= 0 && index < BUCKETS) {
        h.counts[index] += count;
        h.total += count;
      }
    }
    return h;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.maxMs = 0;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
