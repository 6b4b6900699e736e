import type { ImageRecord, NewImage } from '../image-record.js';

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
