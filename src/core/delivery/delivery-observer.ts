import type { ImageRecord } from '../image-record.js';

/**
 * What the hub and its viewers report as they work, so that something outside the core (the metrics module)
 * can count it. The core calls these and knows nothing of what is done with them; each call is cheap and
 * synchronous, as it runs on the publish and delivery paths.
 */
export interface DeliveryObserver {
  /** This process stored an image for a publisher. */
  onPublished(image: ImageRecord): void;
  /**
   * An image's frame was handed to a viewer's transport.
   * @param replayed true for history a reconnecting viewer asked for (old by design, so not a latency).
   */
  onDelivered(image: ImageRecord, frameBytes: number, replayed: boolean): void;
  /** A slow viewer's queue skipped images (latest wins). */
  onSkipped(count: number): void;
  /** A viewer was disconnected for taking nothing for the stuck timeout. */
  onStuck(): void;
  /** The backend could not be read: a viewer's backlog, or the backend's own work (Redis's read loop). */
  onBackendError(): void;
}

/** For a hub nobody watches (core tests). */
export const IGNORING_OBSERVER: DeliveryObserver = {
  onPublished: () => undefined,
  onDelivered: () => undefined,
  onSkipped: () => undefined,
  onStuck: () => undefined,
  onBackendError: () => undefined,
};
