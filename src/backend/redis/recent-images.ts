import type { ImageRecord } from '../../core/image-record.js';
import { retainedSize } from '../../core/retained-size.js';

/**
 * The images this instance has recently seen (from its read loop or a read), by id, so that a late joiner, a
 * replay or an image URL is served from the same object every other viewer got: no second copy of the bytes
 * read from Redis, and the frame cache (keyed by record) encodes the event once. Bounded by count and bytes;
 * the oldest entry goes first. A miss only costs a read from Redis.
 */
export class RecentImages {
  private readonly byId = new Map<string, ImageRecord>();
  private heldBytes = 0;

  constructor(
    private readonly maxImages: number,
    private readonly maxBytes: number,
  ) {}

  get(channel: string, id: string): ImageRecord | undefined {
    const image = this.byId.get(id);
    return image?.channel === channel ? image : undefined;
  }

  /** Keeps `image`, or returns the one already kept under its id (so every caller shares one object). */
  remember(image: ImageRecord): ImageRecord {
    const kept = this.byId.get(image.id);
    if (kept) return kept;
    const size = retainedSize(image);
    if (size > this.maxBytes) return image;
    this.byId.set(image.id, image);
    this.heldBytes += size;
    for (const [id, oldest] of this.byId) {
      if (this.byId.size <= this.maxImages && this.heldBytes <= this.maxBytes) break;
      this.byId.delete(id);
      this.heldBytes -= retainedSize(oldest);
    }
    return image;
  }
}
