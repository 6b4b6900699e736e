import type { ImageRecord } from '../image-record.js';
import type { DeliveryLimits } from './delivery-limits.js';
import type { DeliveryObserver } from './delivery-observer.js';
import type { StreamForm } from './frame-sink.js';
import { ViewerSubscription, type ViewerParts } from './viewer-subscription.js';

/** Which of this process's viewers watch which channel (ALL_CHANNELS for streams of every channel). */
export class ChannelViewers {
  private readonly byChannel = new Map<string, Set<HubViewer>>();
  private streams = 0;

  /** Open subscriptions: a viewer of several channels on one stream counts once. */
  get streamCount(): number {
    return this.streams;
  }

  of(channel: string): ReadonlySet<HubViewer> | undefined {
    return this.byChannel.get(channel);
  }

  count(channel: string): number {
    return this.byChannel.get(channel)?.size ?? 0;
  }

  counts(): Map<string, number> {
    return new Map([...this.byChannel].map(([channel, viewers]) => [channel, viewers.size]));
  }

  get total(): number {
    let total = 0;
    for (const viewers of this.byChannel.values()) total += viewers.size;
    return total;
  }

  /** Every channel's viewers; a viewer of several channels appears in each. */
  perChannel(): IterableIterator<ReadonlySet<HubViewer>> {
    return this.byChannel.values();
  }

  add(viewer: HubViewer): void {
    this.streams += 1;
    for (const channel of viewer.channels) {
      let viewers = this.byChannel.get(channel);
      if (!viewers) {
        viewers = new Set();
        this.byChannel.set(channel, viewers);
      }
      viewers.add(viewer);
    }
  }

  remove(viewer: HubViewer): void {
    this.streams -= 1;
    for (const channel of viewer.channels) {
      const viewers = this.byChannel.get(channel);
      viewers?.delete(viewer);
      if (viewers?.size === 0) this.byChannel.delete(channel);
    }
  }
}

/** A hub's viewer of one or more channels; it is in `viewers` from construction until its subscriber closes. */
export class HubViewer extends ViewerSubscription {
  /** Live images that arrived while the backlog was being read; null once the viewer is live. */
  pending: ImageRecord[] | null = [];

  constructor(
    parts: ViewerParts,
    form: StreamForm,
    /** Each named once. */
    readonly channels: readonly string[],
    /** Limits what the viewer receives to channels it may watch (ALL_CHANNELS streams under access control). */
    readonly filter: ((channel: string) => boolean) | undefined,
    private readonly viewers: ChannelViewers,
    limits: DeliveryLimits,
    observer: DeliveryObserver | undefined,
  ) {
    super(parts, form, limits, observer);
    viewers.add(this);
    this.listenForDisconnect();
  }

  protected forget(): void {
    this.viewers.remove(this);
  }
}
