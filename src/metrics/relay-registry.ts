import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { ChannelSummary } from '../core/storage/channel-backend.js';
import type { HotPathHistogram } from './hot-path-histogram.js';
import { processMetricsRegistry } from './process-metrics.js';
import type { Exposition, MetricSources, RelayCounts } from './relay-metrics.js';

/**
 * Viewers are labelled by channel only while this few channels have viewers: a label per channel is a time
 * series per channel in Prometheus, and a relay with thousands of channels would make thousands of them.
 */
export const MAX_LABELLED_CHANNELS = 50;

/** A counter whose value is read from the relay's own count when scraped. */
function countedCounter(registers: Registry[], name: string, help: string, count: () => number): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(count());
    },
  });
}

/**
 * The relay's Prometheus metrics in a registry of its own (no global default registry: tests and embedders run
 * several relays in one process), served with the process's (see process-metrics.ts). Made at the first scrape
 * (see RelayMetrics): counters read the relay's counts, gauges the running relay, as each scrape collects them.
 */
export function relayExposition(counts: RelayCounts, publishToWrite: HotPathHistogram, sources: MetricSources): Exposition {
  const registry = new Registry();
  const registers = [registry];
  countedCounter(registers, 'image_relay_images_published_total', 'Images stored for publishers by this process', () => counts.published);
  countedCounter(registers, 'image_relay_received_bytes_total', 'Bytes of images published (decoded image bytes)', () => counts.receivedBytes);
  new Counter({
    name: 'image_relay_refusals_total',
    help: 'Requests refused, by error code (the catalogue in the README): bad input, tokens, limits, backend failures',
    labelNames: ['error'],
    registers,
    collect() {
      this.reset();
      for (const [error, refused] of counts.refusals) this.inc({ error }, refused);
    },
  });
  countedCounter(registers, 'image_relay_images_delivered_total', 'Image events handed to viewers\' connections', () => counts.delivered);
  countedCounter(registers, 'image_relay_sent_bytes_total', 'Bytes of image events handed to viewers\' connections', () => counts.sentBytes);
  countedCounter(registers, 'image_relay_images_skipped_total', 'Images skipped for viewers that were behind (latest wins)', () => counts.skipped);
  countedCounter(registers, 'image_relay_viewers_stuck_total', 'Viewers disconnected for taking nothing for --stuck-timeout-ms', () => counts.stuck);
  countedCounter(
    registers,
    'image_relay_backend_errors_total',
    'Failures to store or read images in the backend (the data directory, Redis)',
    () => counts.backendErrors,
  );
  registry.registerMetric(publishToWrite as unknown as Metric);
  new Gauge({
    name: 'image_relay_viewers',
    help: 'Open event streams',
    registers,
    collect() {
      this.set(sources.streams());
    },
  });
  new Gauge({
    name: 'image_relay_channel_viewers',
    help: `Viewers per channel ("*" for streams of every channel), while at most ${MAX_LABELLED_CHANNELS} channels have viewers`,
    labelNames: ['channel'],
    registers,
    collect() {
      this.reset();
      const viewers = sources.viewersByChannel();
      if (viewers.size > MAX_LABELLED_CHANNELS) return;
      for (const [channel, count] of viewers) this.set({ channel }, count);
    },
  });
  let summaries: Promise<ChannelSummary[] | undefined> | undefined;
  // One read of the channel list serves the three gauges of a scrape. When the backend cannot be read (Redis
  // down), they keep their last values and the scrape still answers: an outage is when the rest (ready = 0,
  // backend errors) matters most.
  const channelsOnce = (): Promise<ChannelSummary[] | undefined> => {
    summaries ??= sources
      .channels()
      .catch(() => undefined)
      .finally(() => setImmediate(() => (summaries = undefined)));
    return summaries;
  };
  const sumOf = async (gauge: Gauge, count: (summary: ChannelSummary) => number): Promise<void> => {
    const read = await channelsOnce();
    if (read) gauge.set(read.reduce((sum, summary) => sum + count(summary), 0));
  };
  new Gauge({
    name: 'image_relay_history_bytes',
    help: 'Bytes history holds over all channels, as counted against --memory-budget',
    registers,
    async collect() {
      await sumOf(this, (channel) => channel.heldBytes);
    },
  });
  new Gauge({
    name: 'image_relay_history_images',
    help: 'Images history holds over all channels',
    registers,
    async collect() {
      await sumOf(this, (channel) => channel.imageCount);
    },
  });
  new Gauge({
    name: 'image_relay_channels',
    help: 'Channels holding images',
    registers,
    async collect() {
      await sumOf(this, () => 1);
    },
  });
  new Gauge({
    name: 'image_relay_ready',
    help: '1 while the relay accepts and its backend can serve (as GET /readyz), else 0',
    registers,
    collect() {
      this.set(sources.ready() ? 1 : 0);
    },
  });
  const variants = sources.variants;
  if (variants) {
    // Read from the variant service when scraped; a counter, since encodes only grow.
    countedCounter(
      registers,
      'image_relay_variant_encodes_total',
      'Resized variants encoded (thumbnails, ?w=, MJPEG frames): once per variant while it stays cached',
      () => variants().encodes,
    );
    new Gauge({
      name: 'image_relay_variant_cache_bytes',
      help: 'Bytes of encoded variants held in memory, as counted against --variant-cache-bytes',
      registers,
      collect() {
        this.set(variants().cachedBytes);
      },
    });
  }
  const mjpegViewers = sources.mjpegViewers;
  if (mjpegViewers) {
    new Gauge({
      name: 'image_relay_mjpeg_viewers',
      help: 'Open MJPEG streams (not in image_relay_viewers; their frames count in the delivered, sent, skipped and stuck counters)',
      registers,
      collect() {
        this.set(mjpegViewers());
      },
    });
  }
  const diskBytes = sources.diskBytes;
  if (diskBytes) {
    new Gauge({
      name: 'image_relay_data_dir_bytes',
      help: 'Bytes of image files in --data-dir, as counted against --data-dir-max-bytes',
      registers,
      collect() {
        this.set(diskBytes());
      },
    });
  }

  return async () => {
    const [relay, process] = await Promise.all([registry.metrics(), processMetricsRegistry().metrics()]);
    return { contentType: registry.contentType, text: `${relay}\n${process}` };
  };
}
