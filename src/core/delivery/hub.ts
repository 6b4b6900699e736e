import { hasFailureReports, type ChannelBackend, type ChannelSummary } from '../storage/channel-backend.js';
import { ALL_CHANNELS } from '../channel-name.js';
import { RelayError } from '../errors.js';
import { compareEventIds, parseEventId } from '../event-id.js';
import type { ImageRecord, NewImage } from '../image-record.js';
import type { PublishLimit } from '../limits/publish-limit.js';
import type { DeliveryLimits } from './delivery-limits.js';
import { IGNORING_OBSERVER, type DeliveryObserver } from './delivery-observer.js';
import { ChannelViewers, HubViewer } from './channel-viewers.js';
import { HEARTBEAT_TICKS } from './subscriber.js';
import { ConvertedFeeds, FeedViewer, type FrameConverter } from './converted-feeds.js';
import type { DisconnectSignal, FrameSink, StreamForm } from './frame-sink.js';
import type { Subscription, SubscriptionEnd } from './viewer-subscription.js';

export type { Subscription, SubscriptionEnd } from './viewer-subscription.js';

export interface HubOptions {
  readonly delivery: DeliveryLimits;
  /**
   * How long a viewer may go without being sent anything before it is sent its form's heartbeat, so that proxies
   * keep the stream open (milliseconds).
   */
  readonly heartbeatIntervalMs: number;
  /** Told of publishes, deliveries, skips and stuck viewers (the relay's metrics). */
  readonly observer?: DeliveryObserver;
  /**
   * Images a channel takes, over all its publishers (each image of a form counts): what its viewers and history
   * see, however many clients publish into it. None when absent.
   */
  readonly channelPublishLimit?: PublishLimit;
}

export interface SubscribeRequest {
  /** One channel, or several on one stream (a wall of cameras on one connection); ALL_CHANNELS for every one. */
  readonly channels: readonly string[];
  /**
   * The last id the viewer saw; images after it that history still holds are replayed. Ignored if malformed.
   * A malformed id is treated as none rather than refused: EventSource would otherwise retry it forever.
   */
  readonly lastEventId?: string | undefined;
  readonly sink: FrameSink;
  /** How images become the stream's bytes, and its heartbeat. */
  readonly form: StreamForm;
  /** Aborted when the viewer goes away. */
  readonly signal: DisconnectSignal;
  /** Limits what the viewer receives to channels it may watch (for ALL_CHANNELS streams under access control). */
  readonly filter?: ((channel: string) => boolean) | undefined;
  /** Told once, when the subscription ends; the same as awaiting `ended`, without a promise per viewer. */
  readonly onEnded?: ((end: SubscriptionEnd) => void) | undefined;
}

/** A viewer of one channel in a converted form (MJPEG): no replay, the feed's latest frame at once, then each new one. */
export interface ConvertedSubscribeRequest {
  readonly channel: string;
  readonly converter: FrameConverter;
  readonly sink: FrameSink;
  readonly signal: DisconnectSignal;
  /** Told once, when the subscription ends. */
  readonly onEnded?: ((end: SubscriptionEnd) => void) | undefined;
}

/**
 * The relay's core: publishes into the backend and fans every stored image out to this process's viewers.
 * It knows nothing of HTTP; viewers reach it as FrameSinks.
 */
export class Hub {
  private readonly viewers = new ChannelViewers();
  private readonly feeds = new ConvertedFeeds();
  private readonly stopListening: () => void;
  private readonly stopFailureReports: () => void;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly observer: DeliveryObserver;
  private closing = false;

  constructor(
    private readonly backend: ChannelBackend,
    private readonly options: HubOptions,
  ) {
    this.observer = options.observer ?? IGNORING_OBSERVER;
    this.stopListening = backend.listen((image) => this.fanOut(image));
    // Failures of the backend's own work (Redis's read loop) reach no request: counted here, as backlog reads are.
    this.stopFailureReports = hasFailureReports(backend) ? backend.onFailure(() => this.observer.onBackendError()) : () => undefined;
    this.heartbeatTimer = setInterval(() => this.tickHeartbeats(), options.heartbeatIntervalMs / HEARTBEAT_TICKS);
    this.heartbeatTimer.unref();
  }

  /** Stores an image; resolves with its record and how many of this process's viewers it was sent to. */
  async publish(image: NewImage): Promise<{ record: ImageRecord; viewers: number }> {
    if (this.closing) throw new RelayError('shutting_down');
    const refusal = this.options.channelPublishLimit?.take(image.channel);
    if (refusal) throw refusal;
    const record = await this.backend.append(image);
    this.observer.onPublished(record);
    return { record, viewers: this.viewerCount(image.channel) };
  }

  /** The channel's newest image. */
  latest(channel: string): Promise<ImageRecord | undefined> {
    return this.backend.latest(channel);
  }

  /** One image of a channel, while history holds it. */
  image(channel: string, id: string): Promise<ImageRecord | undefined> {
    return this.backend.get(channel, id);
  }

  /** The channel's newest `limit` images that history holds, oldest first; older ones are not read. */
  recent(channel: string, limit: number): Promise<ImageRecord[]> {
    return this.backend.recent(channel, limit);
  }

  channels(): Promise<ChannelSummary[]> {
    return this.backend.channels();
  }

  viewerCount(channel: string): number {
    return this.viewers.count(channel);
  }

  /** Open subscriptions: a viewer of several channels on one stream counts once. */
  get streamCount(): number {
    return this.viewers.streamCount;
  }

  /** Viewers per channel watched (ALL_CHANNELS for streams of every channel). */
  viewerCounts(): Map<string, number> {
    return this.viewers.counts();
  }

  get totalViewers(): number {
    return this.viewers.total;
  }

  /**
   * Adds a viewer of one or more channels. It first gets what it missed (after `lastEventId`) or, without an id,
   * each channel's latest image; live images that arrive meanwhile are held and sent after: each image once,
   * in id order.
   */
  subscribe(request: SubscribeRequest): Subscription {
    if (this.closing) throw new RelayError('shutting_down');
    const channels = [...new Set(request.channels)];
    const viewer = new HubViewer(request, request.form, channels, request.filter, this.viewers, this.options.delivery, this.observer);
    void this.sendBacklog(channels, request.lastEventId, viewer);
    return viewer;
  }

  /**
   * Adds a viewer of a converted form (MJPEG at a size): viewers of the same channel and form share one feed, which
   * converts each image once. It gets the feed's latest frame at once (the channel's latest image, converted, for
   * a new feed), then every new one, under the same rules as every viewer: bounded queue, latest wins, stuck cut off.
   */
  subscribeConverted(request: ConvertedSubscribeRequest): Subscription {
    if (this.closing) throw new RelayError('shutting_down');
    const { feed, isNew } = this.feeds.feedFor(request.channel, request.converter);
    const viewer = new FeedViewer(request, feed, this.feeds, this.options.delivery, this.observer);
    if (feed.latestFrame) viewer.subscriber.deliver(feed.latestFrame);
    if (isNew) {
      this.backend.latest(request.channel).then(
        (latest) => latest && feed.offer(latest),
        // The backend could not be read: the viewer waits for live images; no request reports it, so it is counted.
        () => this.observer.onBackendError(),
      );
    }
    return viewer;
  }

  /** Viewers of a channel's converted streams (MJPEG), over every form. */
  convertedViewerCount(channel: string): number {
    return this.feeds.viewersOf(channel);
  }

  /** Open converted streams (MJPEG), over every channel and form. */
  get totalConvertedViewers(): number {
    return this.feeds.viewerCount;
  }

  /** Ends every stream and stops listening; later publishes and subscriptions are refused. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeatTimer);
    this.stopListening();
    this.stopFailureReports();
    for (const viewers of [...this.viewers.perChannel()]) {
      for (const viewer of [...viewers]) viewer.subscriber.close('shutdown');
    }
    for (const feed of [...this.feeds.all()]) for (const viewer of [...feed.viewers]) viewer.close('shutdown');
  }

  private async sendBacklog(channels: readonly string[], lastEventId: string | undefined, viewer: HubViewer): Promise<void> {
    const replay = lastEventId !== undefined && parseEventId(lastEventId) !== undefined;
    let backlog: ImageRecord[] = [];
    try {
      const named = (
        channels.includes(ALL_CHANNELS) ? (await this.backend.channels()).map((summary) => summary.channel) : channels
      ).filter((channel) => !viewer.filter || viewer.filter(channel));
      const perChannel = await Promise.all(
        named.map(async (channel) => {
          if (replay) return this.backend.readAfter(channel, lastEventId);
          const latest = await this.backend.latest(channel);
          return latest ? [latest] : [];
        }),
      );
      // Ids are ordered across channels, so one sorted list gives a multi-channel viewer one consistent order.
      backlog = perChannel.flat().sort((a, b) => compareEventIds(a.id, b.id));
    } catch {
      // The backend could not be read (Redis down): the viewer stays connected and gets live images.
      this.observer.onBackendError();
    }
    const pending = viewer.pending ?? [];
    viewer.pending = null;
    for (const image of backlog) viewer.subscriber.deliver(image, replay);
    for (const image of pending) viewer.subscriber.deliver(image);
  }

  /** Every stored image, to this process's viewers first, then to its converted feeds (which convert it later). */
  private fanOut(image: ImageRecord): void {
    this.deliver(image);
    this.feeds.offer(image);
  }

  private deliver(image: ImageRecord): void {
    const ofChannel = this.viewers.of(image.channel);
    const ofAll = this.viewers.of(ALL_CHANNELS);
    if (!ofChannel && !ofAll) return;
    // A viewer of both the channel and every channel is still one viewer: the Set keeps it once.
    const viewers = ofChannel && ofAll ? new Set([...ofChannel, ...ofAll]) : (ofChannel ?? ofAll)!;
    for (const viewer of viewers) {
      if (viewer.filter && !viewer.filter(image.channel)) continue;
      if (!viewer.pending) {
        viewer.subscriber.deliver(image);
      } else {
        // Bounded like a viewer's queue: a backlog read that hangs (a slow backend) must not pin images.
        viewer.pending.push(image);
        if (viewer.pending.length > this.options.delivery.queueMaxImages) viewer.pending.shift();
      }
    }
  }

  /** Each viewer counts the tick; those sent nothing for an interval are sent a heartbeat (subscriber.ts). */
  private tickHeartbeats(): void {
    for (const viewers of this.viewers.perChannel()) {
      for (const viewer of viewers) viewer.subscriber.tick();
    }
    for (const feed of this.feeds.all()) for (const viewer of feed.viewers) viewer.tick();
  }
}
