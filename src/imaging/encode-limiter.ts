import pLimit, { type LimitFunction } from 'p-limit';
import { RelayError } from '../core/errors.js';

/**
 * At most `concurrency` encodes at once, and at most `maxWaiting` waiting behind them; past that a request is
 * refused (503 variants_busy) rather than queued, so a burst of distinct variants cannot pile up work or memory.
 *
 * sharp runs each job on one of libuv's threadpool threads (4 by default), which file reads and DNS also use;
 * keeping encodes below the pool's size leaves those a thread, and leaves cores for event delivery.
 */
export class EncodeLimiter {
  private readonly limit: LimitFunction;

  constructor(
    concurrency: number,
    private readonly maxWaiting: number,
  ) {
    this.limit = pLimit(concurrency);
  }

  run<Result>(job: () => Promise<Result>): Promise<Result> {
    if (this.limit.pendingCount >= this.maxWaiting) return Promise.reject(new RelayError('variants_busy'));
    return this.limit(job);
  }
}
