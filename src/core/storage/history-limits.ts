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
