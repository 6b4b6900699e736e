import { compareEventIds } from '../event-id.js';
import type { ImageRecord } from '../image-record.js';
import type { DeliveryLimits } from './delivery-limits.js';
import type { DeliveryObserver } from './delivery-observer.js';
import type { Frame, FrameEncoder, StreamForm } from './frame-sink.js';
import type { Subscriber } from './subscriber.js';
import { ViewerSubscription, type ViewerParts } from './viewer-subscription.js';

/**
 * A stream form whose frames are made from images asynchronously (MJPEG: each image becomes a JPEG of the size
 * asked for), once for all the viewers that share its `feedKey`. Conversions are asynchronous, which is why they
 * happen in a feed, before frames reach subscribers, and not in a (synchronous) FrameEncoder.
 */
export interface FrameConverter {
  /** Viewers of the same channel with the same key (the same size) share one feed and each of its conversions. */
  readonly feedKey: string;
  /** The image as its frame is to show it; rejects when it cannot be converted. */
  convert(image: ImageRecord): Promise<ImageRecord>;
  /** The bytes of a converted image (cached per image, for every viewer). */
  readonly encode: FrameEncoder<ImageRecord>;
  /** Whether a conversion failed for want of room (a busy encoder) rather than for good. */
  isBusy(error: unknown): boolean;
  /** Calls `retry` once the converter has room again; returns a function that stops waiting. */
  whenRoom(retry: () => void): () => void;
  /** Told of an image that got no frame (a bomb, an undecodable file); the feed carries on with the next. */
  onSkipped(image: ImageRecord, error: unknown): void;
}

/**
 * One channel in one converted form: converts each new image once for all its viewers, newest first, and is its
 * viewers' StreamForm: a converted image's frame, and at each heartbeat its last frame again (a still camera's
 * picture is repeated, which proxies see as traffic).
 */
export class ConvertedFeed implements StreamForm {
  readonly viewers = new Set<Subscriber>();
  latestFrame: ImageRecord | undefined;
  readonly encode: FrameEncoder<ImageRecord>;
  private newestOfferedId: string | undefined;
  private converting = false;
  /**
   * The newest image not yet converted: one that arrived while another converted, or one the converter was too
   * busy for. Older ones in between are never converted (latest wins), so a feed holds at most one.
   */
  private pending: ImageRecord | undefined;
  /** Set while the feed waits for room in the converter, to try its pending image again. */
  private cancelRoomWait: (() => void) | undefined;
  private disposed = false;

  constructor(
    readonly channel: string,
    private readonly converter: FrameConverter,
  ) {
    this.encode = converter.encode;
  }

  get key(): string {
    return this.converter.feedKey;
  }

  heartbeat(): Frame | undefined {
    return this.latestFrame && this.encode(this.latestFrame);
  }

  offer(image: ImageRecord): void {
    if (this.newestOfferedId !== undefined && compareEventIds(image.id, this.newestOfferedId) <= 0) return;
    this.newestOfferedId = image.id;
    this.pending = image;
    this.convertPending();
  }

  /** The feed has no viewers left: it stops waiting for the converter and converts nothing more. */
  dispose(): void {
    this.disposed = true;
    this.pending = undefined;
    this.cancelRoomWait?.();
    this.cancelRoomWait = undefined;
  }

  private convertPending(): void {
    const image = this.pending;
    if (!image || this.converting || this.cancelRoomWait || this.disposed) return;
    this.pending = undefined;
    this.converting = true;
    void this.converter
      .convert(image)
      .then(
        (frame) => {
          this.latestFrame = frame;
          for (const viewer of this.viewers) viewer.deliver(frame);
        },
        (error: unknown) => {
          if (!this.converter.isBusy(error)) return this.converter.onSkipped(image, error);
          // A still camera would leave new viewers blank until its next image, so the image is kept (unless a
          // newer one came) and tried again once there is room.
          if (this.disposed) return;
          this.pending ??= image;
          this.cancelRoomWait = this.converter.whenRoom(() => {
            this.cancelRoomWait = undefined;
            this.convertPending();
          });
        },
      )
      .finally(() => {
        this.converting = false;
        this.convertPending();
      });
  }
}

/** A viewer of one feed; it is in the feed's viewers from construction until its subscriber closes. */
export class FeedViewer extends ViewerSubscription {
  constructor(
    parts: ViewerParts,
    private readonly feed: ConvertedFeed,
    private readonly feeds: ConvertedFeeds,
    limits: DeliveryLimits,
    observer: DeliveryObserver | undefined,
  ) {
    super(parts, feed, limits, observer);
    feed.viewers.add(this.subscriber);
    this.listenForDisconnect();
  }

  protected forget(): void {
    this.feed.viewers.delete(this.subscriber);
    if (this.feed.viewers.size === 0) this.feeds.drop(this.feed);
  }
}

/** The feeds of this process's converted streams, by channel and key, while anyone watches them. */
export class ConvertedFeeds {
  private readonly byChannel = new Map<string, Map<string, ConvertedFeed>>();

  /** The channel's feed for the converter's key, and whether it was just made (and needs the latest image). */
  feedFor(channel: string, converter: FrameConverter): { feed: ConvertedFeed; isNew: boolean } {
    let ofChannel = this.byChannel.get(channel);
    if (!ofChannel) {
      ofChannel = new Map();
      this.byChannel.set(channel, ofChannel);
    }
    const existing = ofChannel.get(converter.feedKey);
    if (existing) return { feed: existing, isNew: false };
    const feed = new ConvertedFeed(channel, converter);
    ofChannel.set(converter.feedKey, feed);
    return { feed, isNew: true };
  }

  /** A feed without viewers is forgotten and stops converting. */
  drop(feed: ConvertedFeed): void {
    const ofChannel = this.byChannel.get(feed.channel);
    if (ofChannel?.get(feed.key) !== feed) return;
    ofChannel.delete(feed.key);
    if (ofChannel.size === 0) this.byChannel.delete(feed.channel);
    feed.dispose();
  }

  /** Hands a stored image to every feed of its channel. */
  offer(image: ImageRecord): void {
    const ofChannel = this.byChannel.get(image.channel);
    if (ofChannel) for (const feed of ofChannel.values()) feed.offer(image);
  }

  /** Viewers of one channel's feeds, over every key. */
  viewersOf(channel: string): number {
    let count = 0;
    for (const feed of this.byChannel.get(channel)?.values() ?? []) count += feed.viewers.size;
    return count;
  }

  get viewerCount(): number {
    let count = 0;
    for (const feed of this.all()) count += feed.viewers.size;
    return count;
  }

  *all(): IterableIterator<ConvertedFeed> {
    for (const ofChannel of this.byChannel.values()) yield* ofChannel.values();
  }
}
