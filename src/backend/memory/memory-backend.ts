import { compareEventIds, EventIdClock, parseEventId } from '../../core/event-id.js';
import { RelayError } from '../../core/errors.js';
import type { ImageRecord, NewImage } from '../../core/image-record.js';
import type { ChannelBackend, ChannelSummary } from '../../core/storage/channel-backend.js';
import type { HistoryLimits } from '../../core/storage/history-limits.js';
import { ChannelHistory } from './channel-history.js';

/** Every key of T, optional ones included (as possibly undefined): an object literal that names them all. */
type EveryField<T> = { [Key in keyof T]-?: T[Key] | undefined };

/** Told of every image history lets go of, so that a backend keeping copies elsewhere (disk) can drop them. */
export type EvictionListener = (evicted: ImageRecord) => void;

/**
 * The embedded default: channels, history and ids in this process's memory, bounded by `HistoryLimits`.
 * Also the index of the disk backend, which stamps an image here, stores it, then inserts it (see disk/).
 */
export class MemoryBackend implements ChannelBackend {
  private readonly channelHistories = new Map<string, ChannelHistory>();
  private readonly listeners = new Set<(image: ImageRecord) => void>();
  private readonly ids: EventIdClock;
  private totalBytes = 0;

  constructor(
    private readonly limits: HistoryLimits,
    private readonly now: () => number = Date.now,
    private readonly onEvict?: EvictionListener,
  ) {
    this.ids = new EventIdClock(now);
  }

  async append(image: NewImage): Promise<ImageRecord> {
    const record = this.stamp(image);
    this.insert(record);
    return record;
  }

  /**
   * Gives an image its id and time without storing it: a backend that must store it elsewhere first does so
   * between stamp and insert. Refuses a new channel past maxChannels up front, before any work is spent on it.
   */
  stamp(image: NewImage): ImageRecord {
    this.checkRoomFor(image.channel);
    // Field by field rather than a spread: one shape for every record, and no copy loop over the image's keys.
    // `satisfies` makes a field added to ImageRecord fail to compile here until it is copied too.
    return {
      channel: image.channel,
      bytes: image.bytes,
      type: image.type,
      width: image.width,
      height: image.height,
      dataUrlHeader: image.dataUrlHeader,
      dataUrlText: image.dataUrlText,
      meta: image.meta,
      id: this.ids.next(),
      publishedAt: this.now(),
    } satisfies EveryField<ImageRecord>;
  }

  /**
   * Stores a stamped record as its channel's newest, evicts what the limits require and tells the listeners.
   * Records must arrive in id order (a later stamp is never inserted before an earlier one).
   */
  insert(record: ImageRecord): void {
    this.keep(record);
    for (const listener of this.listeners) listener(record);
  }

  /**
   * Puts back a record read from storage at start-up, in id order: the limits apply as on a publish, nobody is
   * told (nobody is listening yet), and later ids sort after it.
   */
  restore(record: ImageRecord): void {
    this.checkRoomFor(record.channel);
    this.ids.advancePast(record.id);
    this.keep(record);
  }

  /** Makes later ids sort after `id`, e.g. one seen in storage but not restored. */
  advanceIdsPast(id: string): void {
    this.ids.advancePast(id);
  }

  async latest(channel: string): Promise<ImageRecord | undefined> {
    return this.channelHistories.get(channel)?.latest;
  }

  async readAfter(channel: string, afterId: string): Promise<ImageRecord[]> {
    return this.channelHistories.get(channel)?.after(afterId) ?? [];
  }

  async recent(channel: string, limit: number): Promise<ImageRecord[]> {
    return this.channelHistories.get(channel)?.newest(limit) ?? [];
  }

  async get(channel: string, id: string): Promise<ImageRecord | undefined> {
    return parseEventId(id) ? this.channelHistories.get(channel)?.find(id) : undefined;
  }

  async channels(): Promise<ChannelSummary[]> {
    return [...this.channelHistories].map(([channel, history]) => ({
      channel,
      latestId: history.latest!.id,
      imageCount: history.size,
      heldBytes: history.bytes,
      lastPublishedAt: history.latest!.publishedAt,
    }));
  }

  listen(listener: (image: ImageRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  /** Bytes held over all channels, for tests and metrics. */
  get heldBytes(): number {
    return this.totalBytes;
  }

  /**
   * Evicts the oldest evictable image of any channel; false when only channels' newest images are left (those
   * are bounded by maxChannels instead). Channels are few (bounded by maxChannels), so a scan for the oldest is
   * cheaper to keep correct than a global index.
   */
  evictOldest(): boolean {
    let oldest: ChannelHistory | undefined;
    for (const history of this.channelHistories.values()) {
      const candidate = history.evictable;
      if (candidate && (!oldest || compareEventIds(candidate.id, oldest.evictable!.id) < 0)) oldest = history;
    }
    if (!oldest) return false;
    this.evictFrom(oldest);
    return true;
  }

  private checkRoomFor(channel: string): void {
    if (!this.channelHistories.has(channel) && this.channelHistories.size >= this.limits.maxChannels) {
      throw new RelayError('too_many_channels');
    }
  }

  private keep(record: ImageRecord): void {
    this.checkRoomFor(record.channel);
    let history = this.channelHistories.get(record.channel);
    if (!history) {
      history = new ChannelHistory();
      this.channelHistories.set(record.channel, history);
    }
    const before = history.bytes;
    history.push(record);
    this.totalBytes += history.bytes - before;
    while (
      history.evictable &&
      (history.size > this.limits.maxImagesPerChannel || history.bytes > this.limits.maxBytesPerChannel)
    ) {
      this.evictFrom(history);
    }
    while (this.totalBytes > this.limits.maxTotalBytes && this.evictOldest());
  }

  private evictFrom(history: ChannelHistory): void {
    const evicted = history.evictOldest();
    if (!evicted) return;
    this.totalBytes -= evicted.freed;
    this.onEvict?.(evicted.image);
  }
}
