import type { Redis } from 'ioredis';
import { RelayError } from '../../core/errors.js';
import type { ImageRecord } from '../../core/image-record.js';
import type { RecentImages } from './recent-images.js';
import type { RedisKeys } from './redis-keys.js';
import { decodeEntry, type RawStreamEntry } from './stream-entry.js';

export interface WantedImage {
  readonly channel: string;
  readonly id: string;
}

/**
 * Images by id, from the instance's recent images where it holds them, else from Redis in one round trip per
 * call. An image that another caller is already reading is waited for, not read again: a burst of history
 * listings or late joiners on an instance that does not hold the images yet reads each image's bytes once,
 * however many requests come at once.
 */
export class ImageFetcher {
  private readonly inFlight = new Map<string, Promise<ImageRecord | undefined>>();

  constructor(
    private readonly keys: RedisKeys,
    private readonly recent: RecentImages,
  ) {}

  /** Keeps an image this instance has anyway (one it stored), so that reads of it are served from memory. */
  remember(image: ImageRecord): ImageRecord {
    return this.recent.remember(image);
  }

  /** The wanted images in order, undefined for those Redis no longer holds. */
  async fetch(connection: Redis, wanted: readonly WantedImage[]): Promise<(ImageRecord | undefined)[]> {
    const toRead: WantedImage[] = [];
    let startReading!: () => void;
    const batch = new Promise<(ImageRecord | undefined)[]>((resolve, reject) => {
      startReading = () => void this.readFromRedis(connection, toRead).then(resolve, reject);
    });
    const results = wanted.map((entry) => {
      const held = this.recent.get(entry.channel, entry.id);
      if (held) return held;
      const key = `${entry.channel} ${entry.id}`;
      let reading = this.inFlight.get(key);
      if (!reading) {
        const index = toRead.push(entry) - 1;
        const read = batch.then((images) => images[index]);
        const forget = (): void => void this.inFlight.delete(key);
        read.then(forget, forget);
        this.inFlight.set(key, read);
        reading = read;
      }
      return reading;
    });
    if (toRead.length > 0) startReading();
    return Promise.all(results);
  }

  private async readFromRedis(connection: Redis, wanted: readonly WantedImage[]): Promise<(ImageRecord | undefined)[]> {
    const pipeline = connection.pipeline();
    for (const { channel, id } of wanted) pipeline.xrangeBuffer(this.keys.stream(channel), id, id);
    const replies = await orUnavailable(pipeline.exec());
    return wanted.map(({ channel }, index) => {
      const [error, entries] = replies?.[index] ?? [];
      if (error) throw new RelayError('backend_unavailable');
      const entry = (entries as RawStreamEntry[] | undefined)?.[0];
      const image = entry ? decodeEntry(channel, entry) : undefined;
      return image ? this.recent.remember(image) : undefined;
    });
  }
}

/** A read that fails because Redis is unreachable answers 503, as a publish does. */
export async function orUnavailable<T>(reply: Promise<T>): Promise<T> {
  try {
    return await reply;
  } catch (error) {
    if (error instanceof RelayError) throw error;
    throw new RelayError('backend_unavailable');
  }
}
