/** How much a single viewer may fall behind, and for how long, before the relay acts. */
export interface DeliveryLimits {
  /** Images waiting for one viewer beyond which the oldest waiting ones are skipped (latest wins). */
  readonly queueMaxImages: number;
  /** Bytes of images waiting for one viewer beyond which the oldest waiting ones are skipped. */
  readonly queueMaxBytes: number;
  /** A viewer whose connection takes nothing for this long is disconnected (milliseconds). */
  readonly stuckTimeoutMs: number;
}

/**
 * A live screen wants the newest picture, not a backlog: four waiting images cover a burst while keeping the
 * memory a stalled viewer pins small. The byte bound matters for large images; the same buffers are shared by
 * every viewer, so it bounds what one viewer can keep alive after history has let go of it.
 */
export const DEFAULT_QUEUE_MAX_IMAGES = 4;
export const DEFAULT_QUEUE_MAX_BYTES = 32 * 1024 * 1024;
/** Long enough for a phone on a bad network to catch up with one large image; short enough to free a dead socket. */
export const DEFAULT_STUCK_TIMEOUT_MS = 30_000;
