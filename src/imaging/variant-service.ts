import { LRUCache } from 'lru-cache';
import { RelayError } from '../core/errors.js';
import type { ImageRecord } from '../core/image-record.js';
import { EncodeLimiter } from './encode-limiter.js';
import type { EncodedImage, ImageTransformer } from './image-transformer.js';
import type { VariantSpec } from './variant-spec.js';

export interface VariantLimits {
  /** Bytes of encoded variants kept in memory; the least recently used go first. */
  readonly cacheBytes: number;
  /** Encodes running at once. */
  readonly concurrency: number;
  /** Images with more pixels than this (by their header) get no variant: a decompression bomb is refused. */
  readonly maxInputPixels: number;
}

/** Thumbnails for a page of channels are a few tens of kilobytes each; 64 MiB holds thousands of them. */
export const DEFAULT_VARIANT_CACHE_BYTES = 64 * 1024 * 1024;
/** Two encodes at once: half of libuv's four threadpool threads, and the cores of a small VM. */
export const DEFAULT_VARIANT_CONCURRENCY = 2;
/**
 * 50 megapixels: above every phone and most camera sensors (a 12-megapixel frame is a quarter of it), far below
 * a bomb's claim (20000 × 20000 is 400). Decoding one takes at most about 150 MB of pixels (3 bytes each), less
 * where libvips shrinks on load (JPEG) or streams in strips; --variant-concurrency bounds how many at once.
 */
export const DEFAULT_MAX_INPUT_PIXELS = 50_000_000;
/** Distinct variants waiting for an encoder beyond which more are refused with 503 (see encode-limiter.ts). */
const MAX_WAITING_ENCODES = 64;

export interface VariantStats {
  /** Encodes started: with the cache and single flight, once per distinct variant while it stays cached. */
  readonly encodes: number;
  readonly cachedVariants: number;
  readonly cachedBytes: number;
}

/**
 * Variants of stored images, made on request and kept in a byte-bounded LRU. Concurrent requests for the same
 * variant share one encode (single flight): the cache holds the in-flight promise, not only finished results.
 */
export class VariantService {
  private readonly cache: LRUCache<string, EncodedImage, { image: ImageRecord; spec: VariantSpec }>;
  private readonly limiter: EncodeLimiter;
  private encodeCount = 0;

  constructor(
    private readonly transformer: ImageTransformer,
    private readonly limits: VariantLimits,
  ) {
    this.limiter = new EncodeLimiter(limits.concurrency, MAX_WAITING_ENCODES);
    this.cache = new LRUCache({
      maxSize: limits.cacheBytes,
      sizeCalculation: (variant) => Math.max(1, variant.bytes.length),
      fetchMethod: (_key, _stale, { context }) =>
        this.limiter.run(() => {
          this.encodeCount += 1;
          return this.transformer.transform(context.image.bytes, context.spec);
        }),
    });
  }

  /** The variant of an image: from the cache, from an encode already under way, or encoded now. */
  async variantOf(image: ImageRecord, spec: VariantSpec): Promise<EncodedImage> {
    // The header's dimensions are known without decoding: a bomb is refused before libvips sees it (sharp's own
    // limitInputPixels stays as the second guard, should the header reader and libvips ever disagree).
    if (image.width * image.height > this.limits.maxInputPixels) throw new RelayError('image_too_complex');
    // Ids are unique across channels, but the channel is in the key so that nothing depends on it.
    const key = `${image.channel}/${image.id}/${spec.key}`;
    const variant = await this.cache.fetch(key, { context: { image, spec } });
    if (!variant) throw new RelayError('variant_failed');
    return variant;
  }

  get stats(): VariantStats {
    return { encodes: this.encodeCount, cachedVariants: this.cache.size, cachedBytes: this.cache.calculatedSize };
  }
}
