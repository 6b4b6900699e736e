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
  /** Jobs taken and not yet finished, running or waiting: counted here, so that room is known the moment it frees. */
  private admitted = 0;
  /** Told, first come first served, when a place frees (see whenRoom). */
  private readonly roomListeners = new Set<() => void>();

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {
    this.limit = pLimit(concurrency);
  }

  run<Result>(job: () => Promise<Result>): Promise<Result> {
    if (!this.hasRoom) return Promise.reject(new RelayError('variants_busy'));
    this.admitted += 1;
    return this.limit(async () => {
      try {
        return await job();
      } finally {
        this.admitted -= 1;
        // Before any new request can take the place (requests arrive as I/O, this runs as a microtask): a
        // listener refused earlier gets it.
        this.offerRoom();
      }
    });
  }

  /**
   * Calls `listener` once, later, when a job could be taken again (soon, if one can now): for work that was
   * refused and must not be lost (an MJPEG feed's frame). Returns a cancel.
   */
  whenRoom(listener: () => void): () => void {
    const once = (): void => listener();
    this.roomListeners.add(once);
    if (this.hasRoom) queueMicrotask(() => this.offerRoom());
    return () => this.roomListeners.delete(once);
  }

  private get hasRoom(): boolean {
    return this.admitted < this.concurrency + this.maxWaiting;
  }

  private offerRoom(): void {
    for (const listener of [...this.roomListeners]) {
      if (!this.hasRoom) return;
      this.roomListeners.delete(listener);
      listener();
    }
  }
}
