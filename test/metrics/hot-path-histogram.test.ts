import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { HotPathHistogram } from '../../src/metrics/hot-path-histogram.js';

describe('HotPathHistogram', () => {
  it('renders exactly what prom-client\'s own Histogram renders for the same observations', async () => {
    const buckets = [0.001, 0.01, 0.1, 1];
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new HotPathHistogram('latency_seconds', 'a latency', buckets, ours);
    const reference = new Histogram({ name: 'latency_seconds', help: 'a latency', buckets, registers: [theirs] });
    // Values on every bound, between them and past the last, as the delivery path produces them (whole ms).
    for (const value of [0, 0.001, 0.002, 0.01, 0.01, 0.05, 0.1, 0.999, 1, 2, 30]) {
      fast.observe(value);
      reference.observe(value);
    }
    assert.equal(await ours.metrics(), await theirs.metrics());
  });
});
