import type { LatencySummary } from './jobs.js';

/** Collects latency samples (ms) into a growable typed array: 10^5–10^6 samples without boxing each number. */
export class LatencyRecorder {
  private samples = new Float64Array(1024);
  private count = 0;

  add(milliseconds: number): void {
    if (this.count === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.count++] = milliseconds;
  }

  get size(): number {
    return this.count;
  }

  summary(): LatencySummary | undefined {
    if (this.count === 0) return undefined;
    const sorted = this.samples.slice(0, this.count).sort();
    return {
      samples: this.count,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted[sorted.length - 1]!,
    };
  }
}

/** Nearest-rank percentile of sorted samples: a value that was actually observed, never an interpolation. */
export function percentile(sorted: Float64Array, percent: number): number {
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
