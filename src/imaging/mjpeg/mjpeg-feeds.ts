import type { DeliveryLimits } from '../../core/delivery/delivery-limits.js';
import type { DeliveryObserver } from '../../core/delivery/delivery-observer.js';
import type { DisconnectSignal, FrameSink } from '../../core/delivery/frame-sink.js';
import type { Subscriber } from '../../core/delivery/subscriber.js';
import { ViewerSubscription, type Subscription, type SubscriptionEnd, type ViewerParts } from '../../core/delivery/viewer-subscription.js';
import { RelayError } from '../../core/errors.js';
import { compareEventIds } from '../../core/event-id.js';
import type { ImageRecord } from '../../core/image-record.js';
import { cachedEncoder } from '../../sse/frame-cache.js';
import type { VariantService } from '../variant-service.js';
import { resolveVariant, variantIsOriginal, variantQueryString, type VariantRequest } from '../variant-spec.js';
import { containsBoundary, encodeMjpegPart } from './multipart-frame.js';
import { heldBytes } from '../../core/image/image-bytes.js';

/** Where the feeds' images come from: the hub's latest image and the backend's stream of every append. */
export interface MjpegSource {
  latest(channel: string): Promise<ImageRecord | undefined>;
  listen(listener: (image: ImageRecord) => void): () => void;
}

export interface MjpegFeedOptions {
  readonly delivery: DeliveryLimits;
  /** Every viewer is sent its feed's last frame again at this interval: a keep-alive that proxies see. */
  readonly keepAliveMs: number;
  /** Told of an image that got no frame (a bomb, an undecodable file); the feed carries on with the next. */
  readonly onSkipped: (image: ImageRecord, error: unknown) => void;
  /** Told of frames delivered, skipped for slow viewers and viewers cut off as stuck, as the hub's viewers are. */
  readonly observer?: DeliveryObserver;
}

export interface MjpegWatchRequest {
  readonly channel: string;
  /** A size for the frames (format is always JPEG); empty for the images as they are. */
  readonly variant: VariantRequest;
  readonly sink: FrameSink;
  readonly signal: DisconnectSignal;
  /** Told once, when the stream ends; the same as awaiting `ended`, without a promise per viewer. */
  readonly onEnded?: ((end: SubscriptionEnd) => void) | undefined;
}

/** One channel at one size: converts each image once for all its viewers, newest first. */
class Feed {
  readonly viewers = new Set<Subscriber>();
  latestFrame: ImageRecord | undefined;
  private newestOfferedId: string | undefined;
  private converting = false;
  /**
   * The newest image not yet converted: one that arrived while another converted, or one the encoder was too
   * busy for. Older ones in between are never converted (latest wins), so a feed holds at most one.
   */
  private pending: ImageRecord | undefined;
  /** Set while the feed waits for room in the encoder's queue, to try its pending image again. */
  private cancelRoomWait: (() => void) | undefined;
  private disposed = false;

  constructor(
    /** The channel and size, as MjpegFeeds keys its feeds. */
    readonly key: string,
    private readonly toFrame: (image: ImageRecord) => Promise<ImageRecord>,
    private readonly onSkipped: (image: ImageRecord, error: unknown) => void,
    private readonly whenEncoderHasRoom: (retry: () => void) => () => void,
  ) {}

  offer(image: ImageRecord): void {
    if (this.newestOfferedId !== undefined && compareEventIds(image.id, this.newestOfferedId) <= 0) return;
    this.newestOfferedId = image.id;
    this.pending = image;
    this.convertPending();
  }

  /** The feed has no viewers left: it stops waiting for the encoder and converts nothing more. */
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
    void this.toFrame(image)
      .then(
        (frame) => {
          this.latestFrame = frame;
          for (const viewer of this.viewers) viewer.deliver(frame);
        },
        (error: unknown) => {
          if (!(error instanceof RelayError && error.code === 'variants_busy')) return this.onSkipped(image, error);
          // The encoder's queue is full (of HTTP variants): a still camera would leave new viewers blank until
          // its next image, so the image is kept (unless a newer one came) and tried again once there is room.
          if (this.disposed) return;
          this.pending ??= image;
          this.cancelRoomWait = this.whenEncoderHasRoom(() => {
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
class MjpegViewer extends ViewerSubscription {
  constructor(
    parts: ViewerParts,
    private readonly feed: Feed,
    /** Called when the feed has no viewer left. */
    private readonly onFeedIdle: (feed: Feed) => void,
    options: MjpegFeedOptions,
  ) {
    super(parts, options.delivery, options.observer);
    feed.viewers.add(this.subscriber);
    this.listenForDisconnect();
  }

  protected forget(): void {
    this.feed.viewers.delete(this.subscriber);
    if (this.feed.viewers.size === 0) this.onFeedIdle(this.feed);
  }
}

/**
 * MJPEG streams of channels. Each (channel, size) has one feed while anyone watches it; the feed turns every new
 * image into a JPEG frame once (through the variant cache, so an image asked for as `?format=jpeg` elsewhere is
 * not encoded twice) and hands the same frame to every viewer's Subscriber, which applies the event streams'
 * rules: bounded queue, latest wins, backpressure, stuck viewers cut off. Conversions are asynchronous, which
 * is why they happen here, before frames reach subscribers, and not in a (synchronous) FrameEncoder.
 */
export class MjpegFeeds {
  private readonly feeds = new Map<string, Feed>();
  private readonly encodePart = cachedEncoder((frame: ImageRecord) => encodeMjpegPart(frame.bytes.read()));
  private readonly stopListening: () => void;
  private readonly keepAliveTimer: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly source: MjpegSource,
    private readonly variants: VariantService,
    private readonly options: MjpegFeedOptions,
  ) {
    this.stopListening = source.listen((image) => {
      for (const [key, feed] of this.feeds) if (key.startsWith(`${image.channel}?`)) feed.offer(image);
    });
    this.keepAliveTimer = setInterval(() => this.repeatLastFrames(), options.keepAliveMs);
    this.keepAliveTimer.unref();
  }

  /** Adds a viewer: it gets the channel's latest image at once (if any), then every new one as a frame. */
  watch(request: MjpegWatchRequest): Subscription {
    if (this.closing) throw new RelayError('shutting_down');
    // A channel name holds no "?", so the prefix "<channel>?" matches only that channel's feeds.
    const key = `${request.channel}?${variantQueryString(request.variant)}`;
    let feed = this.feeds.get(key);
    const isNew = !feed;
    if (!feed) {
      const toFrame = (image: ImageRecord): Promise<ImageRecord> => this.frameOf(image, request.variant);
      feed = new Feed(key, toFrame, this.options.onSkipped, (retry) => this.variants.whenRoom(retry));
      this.feeds.set(key, feed);
    }
    const watched = feed;
    const viewer = new MjpegViewer({ ...request, encode: this.encodePart }, watched, this.dropFeed, this.options);

    if (watched.latestFrame) viewer.subscriber.deliver(watched.latestFrame);
    if (isNew) {
      this.source.latest(request.channel).then(
        (latest) => latest && watched.offer(latest),
        // The backend could not be read: the viewer waits for live images; no request reports it, so it is counted.
        () => this.options.observer?.onBackendError(),
      );
    }
    return viewer;
  }

  /** A feed without viewers is forgotten and stops converting. */
  private readonly dropFeed = (feed: Feed): void => {
    if (this.feeds.get(feed.key) !== feed) return;
    this.feeds.delete(feed.key);
    feed.dispose();
  };

  /** Ends every MJPEG stream; later ones are refused. */
  close(): void {
    this.closing = true;
    clearInterval(this.keepAliveTimer);
    this.stopListening();
    for (const feed of [...this.feeds.values()]) for (const viewer of [...feed.viewers]) viewer.close('shutdown');
  }

  /** Open MJPEG streams of one channel, over every size (for the channel list). */
  viewersOf(channel: string): number {
    let count = 0;
    for (const [key, feed] of this.feeds) if (key.startsWith(`${channel}?`)) count += feed.viewers.size;
    return count;
  }

  /** Open MJPEG streams, over every channel and size (for metrics). */
  get viewerCount(): number {
    let count = 0;
    for (const feed of this.feeds.values()) count += feed.viewers.size;
    return count;
  }

  /**
   * A JPEG original is sent as it is when no size is asked for, or when it already fits the size asked for;
   * anything else becomes a JPEG variant.
   */
  private async frameOf(image: ImageRecord, variant: VariantRequest): Promise<ImageRecord> {
    let frame: ImageRecord = image;
    const spec = resolveVariant({ ...variant, format: 'jpeg' }, image.type);
    const asItIs = image.type === 'image/jpeg' && (variantQueryString(variant) === '' || variantIsOriginal(spec, image));
    if (!asItIs) {
      const jpeg = await this.variants.variantOf(image, spec);
      frame = { ...image, bytes: heldBytes(jpeg.bytes), type: 'image/jpeg', width: jpeg.width, height: jpeg.height };
    }
    if (containsBoundary(frame.bytes.read())) throw new Error('the JPEG holds the MJPEG boundary');
    return frame;
  }

  private repeatLastFrames(): void {
    for (const feed of this.feeds.values()) {
      if (!feed.latestFrame) continue;
      // One copy per feed per interval: Subscriber.writeControl takes a single buffer.
      const part = Buffer.concat(this.encodePart(feed.latestFrame) as readonly Uint8Array[]);
      for (const viewer of feed.viewers) viewer.writeControl(part);
    }
  }
}
