import { LRUCache } from 'lru-cache';
import { ERRORS, RelayError } from '../core/errors.js';
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
/**
 * Distinct variants waiting for an encoder beyond which more are refused with 503 variants_busy. 64 is a page
 * of thumbnails after a burst of publishes on every channel shown (each new image's `?w=320` once), so ordinary
 * traffic never meets it; what waits is only a promise and a reference to an image history holds anyway, and at
 * some tens of milliseconds an encode the last of 64 waits a few seconds, about as long as a browser waits for
 * an image before it looks broken.
 */
export const MAX_WAITING_ENCODES = 64;
/**
 * Cache misses one client (its token, or its IP without one) may have waiting for an encode; past that 429
 * too_many_variants. Without it one client asking for the 66 qualities of one large image fills the whole
 * queue above and every other client gets 503. A browser over HTTP/1.1 has at most six requests in flight per
 * origin, so a viewer page never meets 8; cached variants and joins of an encode under way cost nothing.
 */
export const MAX_WAITING_ENCODES_PER_CLIENT = 8;

export interface VariantStats {
  /** Encodes started: with the cache and single flight, once per distinct variant while it stays cached. */
  readonly encodes: number;
  readonly cachedVariants: number;
  readonly cachedBytes: number;
  /** Requests refused because the encoder's queue was full (variants_busy). */
  readonly busyRefusals: number;
}

/**
 * Variants of stored images, made on request and kept in a byte-bounded LRU. Concurrent requests for the same
 * variant share one encode (single flight): the first request starts it, the others await the same promise.
 */
export class VariantService {
  private readonly cache: LRUCache<string, EncodedImage>;
  /** Encodes waiting or running, by cache key; bounded by the limiter (concurrency + MAX_WAITING_ENCODES). */
  private readonly inFlight = new Map<string, Promise<EncodedImage>>();
  /** Cache misses waiting for an encode, per client; a client with none has no entry. */
  private readonly waitingByClient = new Map<string, number>();
  private readonly limiter: EncodeLimiter;
  private encodeCount = 0;
  private busyCount = 0;

  constructor(
    private readonly transformer: ImageTransformer,
    private readonly limits: VariantLimits,
  ) {
    this.limiter = new EncodeLimiter(limits.concurrency, MAX_WAITING_ENCODES);
    this.cache = new LRUCache({ maxSize: limits.cacheBytes, sizeCalculation: (variant) => Math.max(1, variant.bytes.length) });
  }

  /**
   * The variant of an image: from the cache, from an encode already under way, or encoded now.
   * @param client who asks (see clientKey), charged for a cache miss; none for the relay's own work (MJPEG),
   *   which is bounded by its feeds.
   */
  async variantOf(image: ImageRecord, spec: VariantSpec, client?: string): Promise<EncodedImage> {
    // The header's dimensions are known without decoding: a bomb is refused before libvips sees it (sharp's own
    // limitInputPixels stays as the second guard, should the header reader and libvips ever disagree).
    if (image.width * image.height > this.limits.maxInputPixels) throw new RelayError('image_too_complex');
    // Ids are unique across channels, but the channel is in the key so that nothing depends on it.
    const key = `${image.channel}/${image.id}/${spec.key}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const underWay = this.inFlight.get(key);
    if (underWay) return underWay;
    const release = client === undefined ? () => undefined : this.chargeClient(client);
    const encode = this.limiter
      .run(() => {
        this.encodeCount += 1;
        return this.transformer.transform(image.bytes.read(), spec);
      })
      .then(
        (variant) => {
          this.cache.set(key, variant);
          return variant;
        },
        (error: unknown) => {
          if (error instanceof RelayError && error.code === 'variants_busy') this.busyCount += 1;
          throw error;
        },
      )
      .finally(() => {
        this.inFlight.delete(key);
        release();
      });
    this.inFlight.set(key, encode);
    return encode;
  }

  /**
   * Calls `listener` once when the encoder's queue has room again, for work refused with variants_busy that
   * must be tried again (an MJPEG feed's frame). Returns a cancel.
   */
  whenRoom(listener: () => void): () => void {
    return this.limiter.whenRoom(listener);
  }

  get stats(): VariantStats {
    return { encodes: this.encodeCount, cachedVariants: this.cache.size, cachedBytes: this.cache.calculatedSize, busyRefusals: this.busyCount };
  }

  /** Counts a cache miss against its client, or refuses it; returns the release. */
  private chargeClient(client: string): () => void {
    const waiting = this.waitingByClient.get(client) ?? 0;
    if (waiting >= MAX_WAITING_ENCODES_PER_CLIENT) {
      throw new RelayError(
        'too_many_variants',
        `This client has ${waiting} variants waiting to be encoded, as many as it may; try again in ${ERRORS.too_many_variants.retryAfterSeconds} s.`,
      );
    }
    this.waitingByClient.set(client, waiting + 1);
    return () => {
      const remaining = (this.waitingByClient.get(client) ?? 1) - 1;
      if (remaining > 0) this.waitingByClient.set(client, remaining);
      else this.waitingByClient.delete(client);
    };
  }
}
