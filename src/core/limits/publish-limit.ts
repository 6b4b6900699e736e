import { RelayError } from '../errors.js';
import { TokenBuckets, type TokenBucketOptions, type TokenRate } from './token-buckets.js';

/** Who a publish limit is counted for: each client (token, or address), or each channel over all its publishers. */
export type PublishLimitScope = 'client' | 'channel';

/** "120 a second", or "100 a minute" for a rate that is not a whole number a second. */
function describeRate(perSecond: number): string {
  return Number.isInteger(perSecond) ? `${perSecond} a second` : `${Math.round(perSecond * 60)} a minute`;
}

/**
 * A publish rate limit: a token bucket per client or per channel (see TokenBuckets). Refusals are the
 * catalogue's `rate_limited`, saying the limit and carrying how long until a publish would be taken again
 * (the `Retry-After` header), rounded up to whole seconds as the header requires (RFC 9110, section 10.2.3).
 */
export class PublishLimit {
  private readonly buckets: TokenBuckets;
  private readonly limitText: string;

  constructor(
    rate: TokenRate,
    private readonly scope: PublishLimitScope,
    options: TokenBucketOptions = {},
  ) {
    this.buckets = new TokenBuckets(rate, options);
    this.limitText = `at most ${describeRate(rate.perSecond)}, in bursts of up to ${rate.burst}`;
  }

  /** Counts one publish by `key`: undefined while within the limit, else the refusal to answer with. */
  take(key: string): RelayError | undefined {
    const waitMs = this.buckets.take(key);
    if (waitMs === 0) return undefined;
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    const who = this.scope === 'client' ? 'from this client' : `to channel "${key}" (from all its publishers together)`;
    return new RelayError(
      'rate_limited',
      `Too many publishes ${who}: ${this.limitText}. Try again in ${retryAfterSeconds} s.`,
      retryAfterSeconds,
    );
  }
}
