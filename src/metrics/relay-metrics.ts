import type { ChannelSummary } from '../core/storage/channel-backend.js';
import type { DeliveryObserver } from '../core/delivery/delivery-observer.js';
import type { ErrorCode } from '../core/errors.js';
import type { ImageRecord } from '../core/image-record.js';
import type { VariantStats } from '../imaging/variant-service.js';
import { HotPathHistogram } from './hot-path-histogram.js';

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

/** The relay's counters since it started, as the registry reads them when scraped. */
export interface RelayCounts {
  published: number;
  receivedBytes: number;
  delivered: number;
  sentBytes: number;
  skipped: number;
  stuck: number;
  backendErrors: number;
  /** Refusals by error code, in the order each code was first counted. */
  readonly refusals: Map<ErrorCode, number>;
}

/** Renders the Prometheus text exposition: made at the first scrape (relay-registry.ts). */
export type Exposition = () => Promise<{ contentType: string; text: string }>;

/**
 * The relay's Prometheus metrics. Fed by the core through DeliveryObserver and by the HTTP edge's one place that
 * turns refusals into responses, it counts in plain numbers from the start; prom-client and its registry (with
 * the process's metrics) are loaded at the first scrape and read those numbers then (relay-registry.ts), so a
 * relay nobody scrapes does not carry them: prom-client is some 0.6 MB of heap at start-up, and its counters cost
 * a label hash per increment on the publish and delivery paths.
 */
export class RelayMetrics implements DeliveryObserver {
  private readonly counts: RelayCounts = {
    published: 0,
    receivedBytes: 0,
    delivered: 0,
    sentBytes: 0,
    skipped: 0,
    stuck: 0,
    backendErrors: 0,
    refusals: new Map(),
  };
  private readonly publishToWrite = new HotPathHistogram(
    'image_relay_publish_to_write_seconds',
    'From an image being stored to its event being handed to a viewer\'s connection (live images, not replays)',
    LATENCY_BUCKETS_SECONDS,
  );
  private rendering: Promise<Exposition> | undefined;

  constructor(private readonly sources: MetricSources) {}

  /** Every refusal, counted where it becomes a response (http/error-response.ts). */
  onRefused(code: ErrorCode): void {
    this.counts.refusals.set(code, (this.counts.refusals.get(code) ?? 0) + 1);
    if (code === 'backend_unavailable') this.counts.backendErrors += 1;
  }

  onPublished(image: ImageRecord): void {
    this.counts.published += 1;
    this.counts.receivedBytes += image.bytes.length;
  }

  onDelivered(image: ImageRecord, frameBytes: number, replayed: boolean): void {
    this.counts.delivered += 1;
    this.counts.sentBytes += frameBytes;
    if (!replayed) this.publishToWrite.observe(Math.max(0, Date.now() - image.publishedAt) / 1000);
  }

  onSkipped(count: number): void {
    this.counts.skipped += count;
  }

  onStuck(): void {
    this.counts.stuck += 1;
  }

  onBackendError(): void {
    this.counts.backendErrors += 1;
  }

  /** The Prometheus text exposition of this relay's metrics and the process's. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    this.rendering ??= import('./relay-registry.js').then(({ relayExposition }) =>
      relayExposition(this.counts, this.publishToWrite, this.sources),
    );
    return (await this.rendering)();
  }
}
