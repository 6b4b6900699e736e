import { RelayError } from '../errors.js';
import { describeRate, retryAfterSeconds, TokenBuckets, type TokenBucketOptions, type TokenRate } from './token-buckets.js';

/**
 * Who a publish limit is counted for: each client (a token at an address, or an address), each address over all
 * its tokens, or each channel over all its publishers.
 */
export type PublishLimitScope = 'client' | 'address' | 'channel';

const WHO: Record<Exclude<PublishLimitScope, 'channel'>, string> = {
  client: 'from this client',
  address: 'from this address (all its tokens together)',
};

/**
 * A publish rate limit: a token bucket per client, address or channel (see TokenBuckets). Refusals are the
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
    this.limitText = describeRate(rate);
  }

  /** Counts one publish by `key`: undefined while within the limit, else the refusal to answer with. */
  take(key: string): RelayError | undefined {
    const waitMs = this.buckets.take(key);
    if (waitMs === 0) return undefined;
    const seconds = retryAfterSeconds(waitMs);
    const who = this.scope === 'channel' ? `to channel "${key}" (from all its publishers together)` : WHO[this.scope];
    return new RelayError('rate_limited', `Too many publishes ${who}: ${this.limitText}. Try again in ${seconds} s.`, seconds);
  }
}
