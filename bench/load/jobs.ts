/**
 * What the orchestrator asks of the load process, and what it answers: plain data, sent over the IPC channel.
 * The load process runs apart from every server, so the servers' CPU time is their own.
 */

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * How a server takes an image: `json-data-url` is `{"channel": ..., "imageSrc": "data:..."}` (image-relay's and the
 * naive relay's /receive-image); `json-image-src` is `{"imageSrc": "data:..."}` with the channel in the path;
 * `data-url-body` is the data: URL text as the whole body (nchan publishes the body verbatim, so its viewers get
 * the same text); `png-body` is the raw image bytes; `multipart-file` is a multipart/form-data body of one file
 * part holding them (what `curl -F image=@photo.png` sends).
 */
export type PublishFormat = 'json-data-url' | 'json-image-src' | 'data-url-body' | 'png-body' | 'multipart-file';

export interface PublishRoute extends Endpoint {
  readonly method: 'POST' | 'PUT';
  readonly path: string;
  readonly format: PublishFormat;
  /** Written into JSON bodies. */
  readonly channel: string;
}

export interface StreamRoute extends Endpoint {
  readonly path: string;
}

export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Publish back to back, a few publishes in flight, until the duration or the publish cap is reached. */
export interface SaturatingLoad {
  readonly kind: 'saturate';
  readonly durationMs: number;
  readonly inFlight: number;
  readonly maxPublishes: number;
}

/** Publish at a fixed rate, whatever the answers: latency below saturation. */
export interface FixedRateLoad {
  readonly kind: 'rate';
  readonly perSecond: number;
  readonly publishes: number;
}

export interface FanOutJob {
  readonly kind: 'fan-out';
  readonly publish: PublishRoute;
  readonly stream: StreamRoute;
  /** More instances to watch on (the cross-instance cell): viewers are spread evenly over `stream` and these. */
  readonly moreStreams?: readonly StreamRoute[];
  readonly viewers: number;
  /** Viewers that connect and then never read; they count for nothing but the server's burden. */
  readonly stalledViewers: number;
  readonly imageBytes: number;
  readonly load: SaturatingLoad | FixedRateLoad;
  /** After the last publish, how long viewers may still be receiving before the job stops waiting. */
  readonly drainMs: number;
}

export interface FanOutResult {
  readonly kind: 'fan-out';
  readonly published: number;
  readonly failedPublishes: number;
  /** Events of this job's images received by healthy viewers (the warm-up image excluded). */
  readonly events: number;
  /** Data bytes of those events: the data: URL text, the same for every server. */
  readonly payloadBytes: number;
  /** From the first publish to the last event received (or to the end of the drain wait). */
  readonly elapsedMs: number;
  /** True when viewers were still receiving when the drain wait ended. */
  readonly backlogLeft: boolean;
  /** publish-to-receive latency over every (viewer, event); only for fixed-rate loads. */
  readonly latency: LatencySummary | undefined;
  /** Healthy viewers whose stream the server ended before the job did. */
  readonly viewersLost: number;
  /** Stalled viewers the server cut off (image-relay does after --stuck-timeout-ms). */
  readonly stalledDropped: number;
  readonly connectMs: number;
}

export interface IngestJob {
  readonly kind: 'ingest';
  readonly publish: PublishRoute;
  readonly imageBytes: number;
  /** Publishing as in the measurement, before it: not counted. */
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly inFlight: number;
}

export interface IngestResult {
  readonly kind: 'ingest';
  /** True when the route answered 404: the server has no such route (yet). */
  readonly unavailable: boolean;
  readonly published: number;
  readonly failedPublishes: number;
  readonly elapsedMs: number;
}

/** Opens streams, reports `ready`, holds them until told to `release`. */
export interface IdleJob {
  readonly kind: 'idle';
  readonly stream: StreamRoute;
  readonly streams: number;
}

export interface IdleResult {
  readonly kind: 'idle';
  readonly opened: number;
  readonly failed: number;
  readonly lostWhileIdle: number;
  readonly openMs: number;
}

export interface LoopbackJob {
  readonly kind: 'loopback';
  readonly sender: Endpoint;
  readonly receivers: number;
  readonly warmupMs: number;
  /** Back-to-back measuring windows of `durationMs` each. */
  readonly trials: number;
  readonly durationMs: number;
}

export interface LoopbackResult {
  readonly kind: 'loopback';
  readonly trials: readonly { readonly bytes: number; readonly elapsedMs: number }[];
}

export type LoadJob = FanOutJob | IngestJob | IdleJob | LoopbackJob;
export type LoadResult = FanOutResult | IngestResult | IdleResult | LoopbackResult;
export type ResultOf<Job extends LoadJob> = Extract<LoadResult, { kind: Job['kind'] }>;

/** When the measured part of a job begins and ends, so the orchestrator can read CPU times around exactly it. */
export type MeasurePhase = 'measuring' | 'measured';

export type ToLoadProcess = { readonly type: 'job'; readonly job: LoadJob } | { readonly type: 'release' };
export type FromLoadProcess =
  | { readonly type: 'ready'; readonly opened: number }
  | { readonly type: 'mark'; readonly phase: MeasurePhase }
  | { readonly type: 'result'; readonly result: LoadResult }
  | { readonly type: 'failed'; readonly message: string };
