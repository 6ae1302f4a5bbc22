// A latency histogram with about 2% relative precision, cheap to fill (one log per sample) and to
// merge across processes (sparse bucket counts over IPC). Simulations record hundreds of thousands
// of latencies; keeping every sample would cost memory and a sort per report.
//
// Bucket i >= 1 holds values in [MIN_MS * G^(i-1), MIN_MS * G^i) with G = 1.02; bucket 0 holds
// everything below MIN_MS (10 us). A percentile is reported as its bucket's geometric middle, so
// it is within 1% of the true sample value. Example: 250 ms falls in bucket
// floor(ln(250 / 0.01) / ln(1.02)) + 1 = 512, whose middle is 0.01 * 1.02^511.5 = 250.5 ms.

const MIN_MS = 0.01;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** Enough buckets for 10 us .. ~3 hours. */
const BUCKETS = 1200;

export interface HistogramSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Sparse form for IPC and JSON: [bucket, count] pairs plus the exact extremes and sum. */
export interface HistogramData {
  buckets: [number, number][];
  count: number;
  sum: number;
  min: number;
  max: number;
}

export class Histogram {
  readonly #counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  record(ms: number): void {
    const v = ms > 0 ? ms : 0;
    const bucket = v < MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(v / MIN_MS) / LOG_GROWTH) + 1);
    this.#counts[bucket]!++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  merge(data: HistogramData): void {
    for (const [bucket, n] of data.buckets) this.#counts[bucket]! += n;
    this.count += data.count;
    this.sum += data.sum;
    if (data.count > 0) {
      this.min = Math.min(this.min, data.min);
      this.max = Math.max(this.max, data.max);
    }
  }

  data(): HistogramData {
    const buckets: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.#counts[i]! > 0) buckets.push([i, this.#counts[i]!]);
    return { buckets, count: this.count, sum: this.sum, min: this.count > 0 ? this.min : 0, max: this.count > 0 ? this.max : 0 };
  }

  reset(): void {
    this.#counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(this.count * p));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) {
        if (i === 0) return this.min;
        const middle = MIN_MS * GROWTH ** (i - 0.5);
        // The extremes are exact; a middle outside them would be a worse answer.
        return Math.min(this.max, Math.max(this.min, middle));
      }
    }
    return this.max;
  }

  summary(): HistogramSummary {
    return {
      count: this.count,
      min: this.count > 0 ? this.min : 0,
      mean: this.count > 0 ? this.sum / this.count : 0,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
      max: this.count > 0 ? this.max : 0,
    };
  }

  static from(data: HistogramData): Histogram {
    const h = new Histogram();
    h.merge(data);
    return h;
  }
}
