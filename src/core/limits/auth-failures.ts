import { RelayError } from '../errors.js';
import { describeRate, retryAfterSeconds, TokenBuckets, type TokenBucketOptions, type TokenRate } from './token-buckets.js';

/**
 * The key an address's failures are counted under: an IPv4 address as it is (an IPv4-mapped IPv6 one as the IPv4
 * address it is), an IPv6 address by its /64, the block one host or LAN is given (RFC 6177), so that a guesser
 * cannot start afresh by taking the next of its 2^64 addresses.
 */
export function failureKeyOf(address: string): string {
  if (!address.includes(':')) return address;
  const unzoned = address.split('%')[0]!.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(unzoned);
  if (mapped) return mapped[1]!;
  const [head = '', tail] = unzoned.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Requests with a missing or invalid token, counted per address in a token bucket: past its burst, an address is
 * answered 429 `rate_limited` with `Retry-After` before its token is even looked at, so guessing secrets (or
 * making the relay verify signatures) goes no faster than the bucket refills. A request with a valid token costs
 * nothing, and one refused here is not counted again: an address that stops failing is let through as its bucket
 * refills. Memory is bounded as for every token bucket (TokenBuckets' maxKeys), and an address being held back
 * is the last to be forgotten.
 */
export class AuthFailureThrottle {
  private readonly buckets: TokenBuckets;
  private readonly limitText: string;

  constructor(rate: TokenRate, options: TokenBucketOptions = {}) {
    this.buckets = new TokenBuckets(rate, options);
    this.limitText = describeRate(rate);
  }

  /** The refusal for an address that has failed too often just now, or undefined to go on and check its token. */
  refusal(address: string): RelayError | undefined {
    const waitMs = this.buckets.peek(failureKeyOf(address));
    if (waitMs === 0) return undefined;
    const seconds = retryAfterSeconds(waitMs);
    return new RelayError(
      'rate_limited',
      `Too many requests with a missing or invalid token from this address: ${this.limitText}. Try again in ${seconds} s with a valid token.`,
      seconds,
    );
  }

  /** Addresses (IPv6 /64s) tracked now: at most the buckets' maxKeys. */
  get trackedAddresses(): number {
    return this.buckets.size;
  }

  /** Counts a request refused for its token (401). */
  recordFailure(address: string): void {
    this.buckets.take(failureKeyOf(address));
  }
}
