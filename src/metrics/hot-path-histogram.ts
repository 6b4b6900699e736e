import type { Metric, Registry } from 'prom-client';

/**
 * A label-less Prometheus histogram whose `observe` is a bucket search and three additions. The publish-to-write
 * latency is observed once per viewer per image, inside the delivery loop, where prom-client's own
 * Histogram.observe (a closure, a label object and a label hash per call: about 220 ns, measured) cost more per
 * viewer than anything but the socket write. Scrapes read it through prom-client's registry as any histogram;
 * it needs no registry to count, so it counts from the start even when the registry is made at the first scrape.
 */
export class HotPathHistogram {
  /** Observations per bucket, not cumulative; the last one is +Inf. */
  private readonly bucketCounts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
    registry?: Registry,
  ) {
    this.bucketCounts = new Float64Array(upperBounds.length + 1);
    registry?.registerMetric(this as unknown as Metric);
  }

  observe(value: number): void {
    let bucket = 0;
    while (bucket < this.upperBounds.length && value > this.upperBounds[bucket]!) bucket += 1;
    this.bucketCounts[bucket]! += 1;
    this.sum += value;
    this.count += 1;
  }

  /**
   * The object form prom-client's registry renders (cumulative buckets, then sum and count): it takes any metric
   * with a name and a get() in that form.
   */
  async get(): Promise<object> {
    let cumulative = 0;
    const buckets = [...this.upperBounds, '+Inf'].map((bound, index) => {
      cumulative += this.bucketCounts[index]!;
      return { metricName: `${this.name}_bucket`, labels: { le: bound }, value: cumulative };
    });
    return {
      name: this.name,
      help: this.help,
      type: 'histogram',
      aggregator: 'sum',
      values: [
        ...buckets,
        { metricName: `${this.name}_sum`, labels: {}, value: this.sum },
        { metricName: `${this.name}_count`, labels: {}, value: this.count },
      ],
    };
  }

  reset(): void {
    this.bucketCounts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}
