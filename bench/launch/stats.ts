// Latency figures: nearest-rank percentiles and the target.

export interface Stats {
  readonly n: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * The target for the agent-side latency (Mesos takes about 30 ms per container, crun
 * about 5 ms).
 */
export const TARGET = { p50Ms: 10, p99Ms: 30 } as const;

/**
 * The p-th percentile by nearest rank: the smallest sample with at least p% of the samples at or
 * below it, sorted[ceil(p/100 * n) - 1]. No interpolation, so every figure is a latency that was
 * measured. With 200 samples the p99 is the 198th smallest (the two slowest are above it); with
 * 50 the p99 is the slowest, the same as the max.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    n,
    min: sorted[0] ?? 0,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[n - 1] ?? 0,
    mean: n === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / n,
  };
}

export interface TargetCheck {
  readonly p50: boolean;
  readonly p99: boolean;
  readonly met: boolean;
}

export function checkTarget(s: Stats): TargetCheck {
  const p50 = s.p50 <= TARGET.p50Ms;
  const p99 = s.p99 <= TARGET.p99Ms;
  return { p50, p99, met: p50 && p99 };
}
