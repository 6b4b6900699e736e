import { RelayConnectionError, RelayRequestError } from './errors.js';

export interface RetryPolicy {
  /** Attempts after the first; 0 disables retrying. */
  readonly retries: number;
  /** Delay before the first retry, doubled each time (with jitter), up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** About half a minute of trying: covers a relay restart or a deploy, not an outage. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 5, initialDelayMs: 500, maxDelayMs: 10_000 };

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
  // Full jitter spreads a fleet of cameras that lost the relay at the same moment.
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isTransient(error: unknown): boolean {
  if (error instanceof RelayRequestError) return error.retryable;
  return error instanceof RelayConnectionError;
}

/** Runs `attempt` until it succeeds, fails for good (a 4xx refusal) or the retries run out. */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  onRetry?: (error: unknown, delayMs: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= policy.retries || !isTransient(error) || signal?.aborted) throw error;
      const delay = backoffDelay(policy, tries);
      onRetry?.(error, delay);
      await sleep(delay, signal);
    }
  }
}
