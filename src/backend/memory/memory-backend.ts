import { compareEventIds, EventIdClock, parseEventId } from '../../core/event-id.js';
import { RelayError } from '../../core/errors.js';
import type { ImageRecord, NewImage } from '../../core/image-record.js';
import type { ChannelBackend, ChannelSummary, HistoryLimits } from '../channel-backend.js';
import { ChannelHistory } from './channel-history.js';

/** The embedded default: channels, history and ids in this process's memory, bounded by `HistoryLimits`. */
export class MemoryBackend implements ChannelBackend {
  private readonly channelHistories = new Map<string, ChannelHistory>();
  private readonly listeners = new Set<(image: ImageRecord) => void>();
  private readonly ids: EventIdClock;
  private totalBytes = 0;

  constructor(
    private readonly limits: HistoryLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.ids = new EventIdClock(now);
  }

  async append(image: NewImage): Promise<ImageRecord> {
    let history = this.channelHistories.get(image.channel);
    if (!history) {
      if (this.channelHistories.size >= this.limits.maxChannels) throw new RelayError('too_many_channels');
      history = new ChannelHistory();
      this.channelHistories.set(image.channel, history);
    }
    const record: ImageRecord = { ...image, id: this.ids.next(), publishedAt: this.now() };
    const before = history.bytes;
    history.push(record);
    this.totalBytes += history.bytes - before;
    this.enforceChannelLimits(history);
    this.enforceTotalLimit();
    for (const listener of this.listeners) listener(record);
    return record;
  }

  async latest(channel: string): Promise<ImageRecord | undefined> {
    return this.channelHistories.get(channel)?.latest;
  }

  async readAfter(channel: string, afterId: string): Promise<ImageRecord[]> {
    return this.channelHistories.get(channel)?.after(afterId) ?? [];
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

  private enforceChannelLimits(history: ChannelHistory): void {
    while (
      history.evictable &&
      (history.size > this.limits.maxImagesPerChannel || history.bytes > this.limits.maxBytesPerChannel)
    ) {
      this.totalBytes -= history.evictOldest();
    }
  }

  /**
   * Evicts the oldest evictable image of any channel until the total fits. Channels are few (bounded by
   * maxChannels), so a scan for the oldest is cheaper to keep correct than a global index.
   */
  private enforceTotalLimit(): void {
    while (this.totalBytes > this.limits.maxTotalBytes) {
      let oldest: ChannelHistory | undefined;
      for (const history of this.channelHistories.values()) {
        const candidate = history.evictable;
        if (candidate && (!oldest || compareEventIds(candidate.id, oldest.evictable!.id) < 0)) oldest = history;
      }
      if (!oldest) return; // only channels' newest images are left: those are bounded by maxChannels instead
      this.totalBytes -= oldest.evictOldest();
    }
  }
}
