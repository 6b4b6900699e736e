import { Counter, Gauge, Registry } from 'prom-client';
import type { ChannelSummary } from '../backend/channel-backend.js';
import type { DeliveryObserver } from '../core/delivery/delivery-observer.js';
import type { ErrorCode } from '../core/errors.js';
import type { ImageRecord } from '../core/image-record.js';
import type { VariantStats } from '../imaging/variant-service.js';
import { HotPathHistogram } from './hot-path-histogram.js';
import { processMetricsRegistry } from './process-metrics.js';

/**
 * Viewers are labelled by channel only while this few channels have viewers: a label per channel is a time
 * series per channel in Prometheus, and a relay with thousands of channels would make thousands of them.
 */
export const MAX_LABELLED_CHANNELS = 50;

/**
 * From a millisecond (loopback, nobody behind) to half a minute (a viewer on a bad network behind a large
 * image); the event ids' clock counts milliseconds, so nothing finer is measured.
 */
const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** What the metrics read from the running relay when scraped. */
export interface MetricSources {
  /** Open event streams. */
  streams(): number;
  /** Viewers per channel watched. */
  viewersByChannel(): ReadonlyMap<string, number>;
  channels(): Promise<ChannelSummary[]>;
  /** Whether the relay accepts and its backend can serve (as /readyz says). */
  ready(): boolean;
  /** Bytes of image files in the data directory, when history is kept on disk. */
  diskBytes?: (() => number) | undefined;
  /** Resized variants encoded and cached (thumbnails, `?w=`, MJPEG frames). */
  variants?: (() => VariantStats) | undefined;
  /** Open MJPEG streams. */
  mjpegViewers?: (() => number) | undefined;
}

/**
 * The relay's Prometheus metrics, in a registry of its own (no global default registry: tests and embedders run
 * several relays in one process), served with the process's (see process-metrics.ts). Fed by the core through DeliveryObserver and by the HTTP edge's one place
 * that turns refusals into responses; gauges are read from the relay when scraped.
 */
export class RelayMetrics implements DeliveryObserver {
  readonly registry = new Registry();
  private readonly published: Counter;
  private readonly receivedBytes: Counter;
  private readonly refused: Counter<'error'>;
  private readonly delivered: Counter;
  private readonly sentBytes: Counter;
  private readonly skipped: Counter;
  private readonly stuck: Counter;
  private readonly backendErrors: Counter;
  private readonly publishToWrite: HotPathHistogram;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    this.published = new Counter({ name: 'image_relay_images_published_total', help: 'Images stored for publishers by this process', registers });
    this.receivedBytes = new Counter({ name: 'image_relay_received_bytes_total', help: 'Bytes of images published (decoded image bytes)', registers });
    this.refused = new Counter({
      name: 'image_relay_refusals_total',
      help: 'Requests refused, by error code (the catalogue in the README): bad input, tokens, limits, backend failures',
      labelNames: ['error'],
      registers,
    });
    this.delivered = new Counter({ name: 'image_relay_images_delivered_total', help: 'Image events handed to viewers\' connections', registers });
    this.sentBytes = new Counter({ name: 'image_relay_sent_bytes_total', help: 'Bytes of image events handed to viewers\' connections', registers });
    this.skipped = new Counter({ name: 'image_relay_images_skipped_total', help: 'Images skipped for viewers that were behind (latest wins)', registers });
    this.stuck = new Counter({ name: 'image_relay_viewers_stuck_total', help: 'Viewers disconnected for taking nothing for --stuck-timeout-ms', registers });
    this.backendErrors = new Counter({
      name: 'image_relay_backend_errors_total',
      help: 'Failures to store or read images in the backend (the data directory, Redis)',
      registers,
    });
    this.publishToWrite = new HotPathHistogram(
      'image_relay_publish_to_write_seconds',
      'From an image being stored to its event being handed to a viewer\'s connection (live images, not replays)',
      LATENCY_BUCKETS_SECONDS,
      this.registry,
    );
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
        const counts = sources.viewersByChannel();
        if (counts.size > MAX_LABELLED_CHANNELS) return;
        for (const [channel, viewers] of counts) this.set({ channel }, viewers);
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
      new Counter({
        name: 'image_relay_variant_encodes_total',
        help: 'Resized variants encoded (thumbnails, ?w=, MJPEG frames): once per variant while it stays cached',
        registers,
        collect() {
          this.reset();
          this.inc(variants().encodes);
        },
      });
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
  }

  /** Every refusal, counted where it becomes a response (http/error-response.ts). */
  onRefused(code: ErrorCode): void {
    this.refused.inc({ error: code });
    if (code === 'backend_unavailable') this.backendErrors.inc();
  }

  onPublished(image: ImageRecord): void {
    this.published.inc();
    this.receivedBytes.inc(image.bytes.length);
  }

  onDelivered(image: ImageRecord, frameBytes: number, replayed: boolean): void {
    this.delivered.inc();
    this.sentBytes.inc(frameBytes);
    if (!replayed) this.publishToWrite.observe(Math.max(0, Date.now() - image.publishedAt) / 1000);
  }

  onSkipped(count: number): void {
    this.skipped.inc(count);
  }

  onStuck(): void {
    this.stuck.inc();
  }

  onBackendError(): void {
    this.backendErrors.inc();
  }

  /** The Prometheus text exposition of this relay's metrics and the process's. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    const [relay, process] = await Promise.all([this.registry.metrics(), processMetricsRegistry().metrics()]);
    return { contentType: this.registry.contentType, text: `${relay}\n${process}` };
  }
}
