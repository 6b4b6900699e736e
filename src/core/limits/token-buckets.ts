/** A token bucket's shape: `perSecond` tokens come back each second, and a full bucket holds `burst`. */
export interface TokenRate {
  /** Sustained rate; need not be whole (the --publishes-per-minute alias gives N/60). */
  readonly perSecond: number;
  /** What an idle key may spend at once; at least 1. */
  readonly burst: number;
}

export interface TokenBucketOptions {
  /**
   * Keys tracked at once, so a flood of new keys (addresses) costs bounded memory. Past it the oldest key whose
   * bucket has refilled is forgotten: a full bucket says nothing a new one would not, so forgetting it changes
   * nothing. A key that is still being held back is kept (see evictOne).
   */
  readonly maxKeys?: number;
  /** Milliseconds on a monotonic clock; tests inject their own. */
  readonly now?: () => number;
}

/** "at most 120 a second, in bursts of up to 240", or "100 a minute" for a rate that is not a whole number a second. */
export function describeRate(rate: TokenRate): string {
  const perSecond = rate.perSecond;
  const sustained = Number.isInteger(perSecond) ? `${perSecond} a second` : `${Math.round(perSecond * 60)} a minute`;
  return `at most ${sustained}, in bursts of up to ${rate.burst}`;
}

/** A wait as a `Retry-After` header gives it: whole seconds, rounded up, at least 1 (RFC 9110, section 10.2.3). */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/** About 10,000 clients or channels publishing at once: a bucket is two numbers, so this is a few MB at most. */
export const DEFAULT_MAX_TRACKED_KEYS = 10_000;
/**
 * Keys looked at for a full bucket before the oldest is forgotten all the same: bounds the work of an insert while
 * every bucket is being drained. A flood's keys each took a token or two and refill within milliseconds, so
 * the first key looked at is nearly always full.
 */
const EVICTION_TRIES = 8;

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  refilledAt: number;
}

/**
 * Token buckets by key (a client, a channel). No timer per key: a bucket is refilled from the time that passed
 * when it is next used, so a take is a Map lookup and some arithmetic, cheap enough for every publish; the order
 * of keys is their insertion order (a Map's), kept up only when a key must be forgotten, never on a take.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly tokensPerMs: number;
  private readonly burst: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(rate: TokenRate, options: TokenBucketOptions = {}) {
    if (!(rate.perSecond > 0) || !(rate.burst >= 1)) throw new RangeError('a token rate needs perSecond > 0 and burst >= 1');
    this.tokensPerMs = rate.perSecond / 1000;
    this.burst = rate.burst;
    this.maxKeys = Math.max(1, options.maxKeys ?? DEFAULT_MAX_TRACKED_KEYS);
    this.now = options.now ?? performance.now.bind(performance);
  }

  /** Takes one token from the key's bucket: 0 when it had one, else the milliseconds until it will have one. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys) this.evictOne(now);
      this.buckets.set(key, { tokens: this.burst - 1, refilledAt: now });
      return 0;
    }
    const elapsed = now - bucket.refilledAt;
    // A clock that went backwards (only an injected one can) refills nothing rather than draining the bucket.
    if (elapsed > 0) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + elapsed * this.tokensPerMs);
      bucket.refilledAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / this.tokensPerMs;
  }

  /**
   * The milliseconds until the key's bucket will hold a token (0: it holds one now), taking nothing. A key not
   * tracked has a full bucket, and stays untracked: looking costs no memory.
   */
  peek(key: string): number {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return 0;
    const elapsed = Math.max(0, this.now() - bucket.refilledAt);
    const tokens = Math.min(this.burst, bucket.tokens + elapsed * this.tokensPerMs);
    return tokens >= 1 ? 0 : (1 - tokens) / this.tokensPerMs;
  }

  /**
   * Forgets the oldest key whose bucket is full by now. One still refilling (a client being held back) goes to the
   * back instead, as if just seen, so that a flood of new keys does not wash its debt away; after EVICTION_TRIES
   * such keys the oldest is forgotten anyway.
   */
  private evictOne(now: number): void {
    for (let tries = 1; ; tries++) {
      const [key, bucket] = this.buckets.entries().next().value!;
      this.buckets.delete(key);
      const full = bucket.tokens + (now - bucket.refilledAt) * this.tokensPerMs >= this.burst;
      if (full || tries === EVICTION_TRIES || this.buckets.size === 0) return;
      this.buckets.set(key, bucket);
    }
  }

  /** Keys tracked now (at most maxKeys). */
  get size(): number {
    return this.buckets.size;
  }
}
