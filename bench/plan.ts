/**
 * How big a run is. `full` is the comparison docs/BENCHMARKS.md reports (10–20 minutes); `tiny` is the same
 * code on small numbers, for CI, in well under a minute. Sizes are decimal (1 MB = 1,000,000 bytes), as are
 * the MB/s figures.
 */

export type PlanName = 'tiny' | 'full';

export interface FanOutPlan {
  readonly viewerCounts: readonly number[];
  readonly imageSizes: readonly number[];
  /** Saturation: publishing back to back lasts this long... */
  readonly saturateMs: number;
  /** ...with this many publishes in flight (a camera or two publishing as fast as the relay answers)... */
  readonly inFlight: number;
  /**
   * ...or until images × viewers × bytes reaches this, whichever comes first: 1000 viewers of 1 MB images is a
   * gigabyte and a third per image, so the biggest cells publish only a handful of images.
   */
  readonly maxDeliveredBytes: number;
  /** How long viewers may still be receiving after the last publish before the cell stops waiting. */
  readonly drainMs: number;
  /** Latency: publishing at half the slowest server's saturated image rate, for about this long... */
  readonly latencyMs: number;
  /** ...never faster than this (a fast camera), never slower than `minLatencyRate` (a cell would last minutes)... */
  readonly maxLatencyRate: number;
  readonly minLatencyRate: number;
  /** ...and at least this many images, so that p99 has samples behind it. */
  readonly minLatencyPublishes: number;
  /**
   * The common case, a camera: cells with these viewer counts also publish `publishes` images at `perSecond` on
   * every server, whatever the servers' saturated rates, for the p50 and p99 a camera's viewers see.
   */
  readonly cameraRate: { readonly viewerCounts: readonly number[]; readonly perSecond: number; readonly publishes: number };
}

export interface BenchPlan {
  readonly name: PlanName;
  readonly fanOut: FanOutPlan;
  /**
   * Ingest: every route a server has at `imageBytes`, and its data: URL and raw-body routes at `largeImageBytes`
   * too (where the cost of large strings and of garbage collection shows), each for `durationMs` with
   * `inFlight` publishes in flight, after `warmupMs` of the same unmeasured (so that the first route measured
   * does not pay for compiling the code all routes share).
   */
  readonly ingest: {
    readonly imageBytes: number;
    readonly largeImageBytes: number;
    readonly warmupMs: number;
    readonly durationMs: number;
    readonly inFlight: number;
  };
  /**
   * Idle streams and start-up: RSS `settleMs` after start and after opening, as before, and again once the server has
   * been left alone for `startupHoldMs` (fresh) and `holdMs` (with the streams open): a Node server's heap is
   * still the garbage of what it just did when it has settled for a second, and V8 gives it back some seconds
   * later (its memory reducer), while the streams stay open for hours.
   */
  readonly idle: { readonly streams: number; readonly settleMs: number; readonly startupHoldMs: number; readonly holdMs: number };
  readonly slowViewers: {
    readonly stalled: number;
    readonly healthy: number;
    readonly imageBytes: number;
    readonly images: number;
    readonly perSecond: number;
  };
  /**
   * Viewers' latency while large variants encode (image-relay only): `viewers` watch `publishes` images at
   * `perSecond`, once quiet and once while `encodesInFlight` requests for large variants stay open.
   */
  readonly variants: {
    readonly viewers: number;
    readonly imageBytes: number;
    readonly perSecond: number;
    readonly publishes: number;
    readonly encodesInFlight: number;
  };
  /** `trials` windows of `durationMs` after a warm-up; the best is reported. */
  readonly loopback: { readonly warmupMs: number; readonly trials: number; readonly durationMs: number };
  /**
   * Several instances on one Redis: publish on one, viewers spread over three, beside one instance with the same
   * viewers (in memory and on Redis). Saturating loads as in fan-out.
   */
  readonly crossInstance: { readonly viewerCounts: readonly number[]; readonly imageSizes: readonly number[] };
  /** A job that has not answered by then has hung. */
  readonly jobTimeoutMs: number;
}

const KB = 1000;
const MB = 1000 * KB;

export const PLANS: Readonly<Record<PlanName, BenchPlan>> = {
  full: {
    name: 'full',
    fanOut: {
      viewerCounts: [1, 10, 100, 1000],
      imageSizes: [10 * KB, 200 * KB, 1 * MB],
      saturateMs: 4_000,
      inFlight: 2,
      maxDeliveredBytes: 8_000 * MB,
      drainMs: 10_000,
      latencyMs: 3_000,
      maxLatencyRate: 100,
      minLatencyRate: 0.1,
      minLatencyPublishes: 4,
      cameraRate: { viewerCounts: [1, 10], perSecond: 30, publishes: 150 },
    },
    ingest: { imageBytes: 10 * KB, largeImageBytes: 1 * MB, warmupMs: 1_000, durationMs: 5_000, inFlight: 8 },
    idle: { streams: 10_000, settleMs: 1_000, startupHoldMs: 15_000, holdMs: 60_000 },
    slowViewers: { stalled: 10, healthy: 100, imageBytes: 1 * MB, images: 40, perSecond: 4 },
    variants: { viewers: 100, imageBytes: 10 * KB, perSecond: 20, publishes: 200, encodesInFlight: 4 },
    loopback: { warmupMs: 300, trials: 3, durationMs: 1_000 },
    crossInstance: { viewerCounts: [30, 300], imageSizes: [10 * KB, 200 * KB] },
    jobTimeoutMs: 180_000,
  },
  tiny: {
    name: 'tiny',
    fanOut: {
      viewerCounts: [1, 10],
      imageSizes: [10 * KB, 200 * KB],
      saturateMs: 500,
      inFlight: 2,
      maxDeliveredBytes: 1_000 * MB,
      drainMs: 1_500,
      latencyMs: 300,
      maxLatencyRate: 50,
      minLatencyRate: 0.5,
      minLatencyPublishes: 5,
      cameraRate: { viewerCounts: [1, 10], perSecond: 30, publishes: 30 },
    },
    ingest: { imageBytes: 10 * KB, largeImageBytes: 1 * MB, warmupMs: 200, durationMs: 500, inFlight: 8 },
    idle: { streams: 200, settleMs: 300, startupHoldMs: 600, holdMs: 1_200 },
    slowViewers: { stalled: 2, healthy: 5, imageBytes: 1 * MB, images: 10, perSecond: 10 },
    variants: { viewers: 10, imageBytes: 10 * KB, perSecond: 20, publishes: 40, encodesInFlight: 4 },
    loopback: { warmupMs: 200, trials: 2, durationMs: 200 },
    crossInstance: { viewerCounts: [6], imageSizes: [10 * KB] },
    jobTimeoutMs: 30_000,
  },
};
