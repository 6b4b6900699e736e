import type { ImageRecord, NewImage } from '../core/image-record.js';

/**
 * Where channels' images live and how they reach every relay process: the one interface between the core and
 * storage. It is shaped for several processes sharing channels (the Redis backend): ids are issued by the
 * backend, history is read from it, and every process hears of every append through `listen`.
 */
export interface ChannelBackend {
  /** Stores an image as its channel's newest, issuing its event id. Resolves once it is stored. */
  append(image: NewImage): Promise<ImageRecord>;

  /** The channel's newest image, if it holds any. */
  latest(channel: string): Promise<ImageRecord | undefined>;

  /**
   * The channel's retained images with ids after `afterId`, oldest first. When `afterId` is older than everything
   * retained, that is all of the channel's history; when it is the newest id or later, nothing.
   */
  readAfter(channel: string, afterId: string): Promise<ImageRecord[]>;

  /**
   * The channel's newest `limit` retained images, oldest first (all of them when it holds fewer; none for a
   * `limit` below 1). A history listing or strip needs only these: older images are not read at all, which for a
   * backend that holds images elsewhere (Redis) bounds what one request fetches by `limit`, not by history size.
   */
  recent(channel: string, limit: number): Promise<ImageRecord[]>;

  /** One retained image by its id, or undefined when the channel never had it or has evicted it. */
  get(channel: string, id: string): Promise<ImageRecord | undefined>;

  /** Every channel holding images, with what it holds. */
  channels(): Promise<ChannelSummary[]>;

  /**
   * Registers a listener for every image appended to any channel, by this process or another sharing the
   * backend, in each channel's order. Returns a function that unregisters it.
   */
  listen(listener: (image: ImageRecord) => void): () => void;

  /** Releases what the backend holds (connections, timers). */
  close(): Promise<void>;
}

/**
 * An optional ability, kept apart from ChannelBackend as Mercure keeps its health check apart from its Transport:
 * a backend that depends on something outside the process (a Redis server, a disk) says whether it can serve
 * now. `/readyz` reports it; a backend without it is always ready.
 */
export interface ReadinessCheck {
  /** True while the backend can store and read images. */
  isReady(): boolean;
}

export function hasReadinessCheck(backend: ChannelBackend): backend is ChannelBackend & ReadinessCheck {
  return typeof (backend as Partial<ReadinessCheck>).isReady === 'function';
}

/**
 * An optional ability: a backend that works on its own, outside any caller's request (Redis's read loop), reports
 * that work's failures, which no caller would otherwise see. The hub counts them as backend errors.
 */
export interface FailureReports {
  /** Registers a listener for failures of the backend's own work. Returns a function that unregisters it. */
  onFailure(listener: (error: unknown) => void): () => void;
}

export function hasFailureReports(backend: ChannelBackend): backend is ChannelBackend & FailureReports {
  return typeof (backend as Partial<FailureReports>).onFailure === 'function';
}

/** An optional ability: a backend that keeps images in files says how many bytes they take (the data directory). */
export interface DiskUsage {
  readonly diskBytes: number;
}

export function hasDiskUsage(backend: ChannelBackend): backend is ChannelBackend & DiskUsage {
  return typeof (backend as Partial<DiskUsage>).diskBytes === 'number';
}

export interface ChannelSummary {
  readonly channel: string;
  readonly latestId: string;
  readonly imageCount: number;
  /** Retained size of the channel's history (see retained-size.ts). */
  readonly heldBytes: number;
  /** Milliseconds since the epoch. */
  readonly lastPublishedAt: number;
}

/** Bounds on what history a backend keeps. The newest image of a channel is never evicted. */
export interface HistoryLimits {
  /** Images kept per channel, newest included. */
  readonly maxImagesPerChannel: number;
  /** Bytes kept per channel (see `retainedSize`). */
  readonly maxBytesPerChannel: number;
  /** Bytes kept over all channels: the oldest images anywhere go first. */
  readonly maxTotalBytes: number;
  /** Channels holding images at once; a publish to a new channel past this is refused. */
  readonly maxChannels: number;
}

/**
 * Enough for a short look back in a viewer's history strip and for a reconnect after a network blip at a few
 * images per second, without turning the relay into an archive.
 */
export const DEFAULT_HISTORY_MAX_IMAGES = 50;
/** Several 4K camera frames, or hundreds of thumbnails-sized images. */
export const DEFAULT_HISTORY_MAX_BYTES = 64 * 1024 * 1024;
/** Sized for a small VM: a relay is usually one of several services on a host. */
export const DEFAULT_HISTORY_TOTAL_BYTES = 512 * 1024 * 1024;
/** Channels are cheap, but each holds at least its latest image, so their number bounds memory too. */
export const DEFAULT_MAX_CHANNELS = 1000;
