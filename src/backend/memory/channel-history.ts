import { compareEventIds } from '../../core/event-id.js';
import type { ImageRecord } from '../../core/image-record.js';
import { retainedSize } from '../../core/retained-size.js';

/** One channel's retained images, oldest first, with their total retained size. */
export class ChannelHistory {
  private readonly images: ImageRecord[] = [];
  private heldBytes = 0;

  get size(): number {
    return this.images.length;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  get latest(): ImageRecord | undefined {
    return this.images[this.images.length - 1];
  }

  /** The oldest image that may be evicted: never the newest, which late joiners must still get. */
  get evictable(): ImageRecord | undefined {
    return this.images.length > 1 ? this.images[0] : undefined;
  }

  push(image: ImageRecord): void {
    this.images.push(image);
    this.heldBytes += retainedSize(image);
  }

  /** Removes the oldest image; returns it with the bytes freed. */
  evictOldest(): { image: ImageRecord; freed: number } | undefined {
    const image = this.images.shift();
    if (!image) return undefined;
    const freed = retainedSize(image);
    this.heldBytes -= freed;
    return { image, freed };
  }

  /** Images newer than `afterId`, oldest first. */
  after(afterId: string): ImageRecord[] {
    return this.images.slice(this.firstAfter(afterId));
  }

  /** The newest `limit` images, oldest first. */
  newest(limit: number): ImageRecord[] {
    return limit >= 1 ? this.images.slice(-Math.floor(limit)) : [];
  }

  find(id: string): ImageRecord | undefined {
    const index = this.firstAfter(id) - 1;
    const candidate = this.images[index];
    return candidate?.id === id ? candidate : undefined;
  }

  /** Index of the first image with an id after `id` (binary search: history is in id order). */
  private firstAfter(id: string): number {
    let low = 0;
    let high = this.images.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareEventIds(this.images[middle]!.id, id) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
