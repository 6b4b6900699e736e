import { createRemoteJWKSet, customFetch, errors, type FetchImplementation, type JWTVerifyGetKey } from 'jose';

/** jose's own default: keys fetched are used for ten minutes, then fetched again before the next verification. */
export const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
/**
 * jose's own default: a token naming a key the set does not hold fetches the set again (a key just rotated in),
 * but not within 30 s of the last fetch, so tokens with made-up `kid`s cannot make the relay hammer the server.
 */
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
/** A key-set server that does not answer within this is down as far as the relay is concerned (jose's default). */
const JWKS_TIMEOUT_MS = 5_000;
/**
 * After a fetch failed, none is tried for this long (never longer than the cooldown): while the server is down,
 * every token that needs it is answered at once (503) instead of each waiting for its own fetch to fail, and the
 * server is not sent a fetch per request when it comes back.
 */
const JWKS_FAILURE_BACKOFF_MS = 5_000;

/**
 * The key set could not be had: the server did not answer, answered other than 200, or sent something that is not
 * a key set. Not the token's fault, so not a 401: the relay says "not now" (503) and when to try again.
 */
export class KeySetUnavailable extends Error {
  override readonly name = 'KeySetUnavailable';

  constructor(
    readonly retryAfterMs: number,
    options?: ErrorOptions,
  ) {
    super('the JSON Web Key Set could not be fetched', options);
  }
}

/** Errors that are the token's: it names a key or an algorithm the set does not have. Anything else is the set's. */
function isTokensFault(error: unknown): boolean {
  return error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported;
}

/**
 * The keys at a JWKS URL, through jose's createRemoteJWKSet (its cache, cooldown and refetch on an unknown `kid`),
 * with failures told apart from bad tokens (KeySetUnavailable) and a back-off after a failed fetch.
 */
export function remoteKeySet(url: URL, options: { readonly cacheMaxAgeMs?: number | undefined; readonly cooldownMs?: number | undefined } = {}): JWTVerifyGetKey {
  const cooldownMs = options.cooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS;
  const backoffMs = Math.min(cooldownMs, JWKS_FAILURE_BACKOFF_MS);
  let failedAt = -Infinity;
  const untilRetry = (): number => failedAt + backoffMs - performance.now();
  // jose fetches through this only when its cache says a fetch is due, so the back-off delays fetches, nothing else.
  const fetchUnlessBackingOff: FetchImplementation = async (href, init) => {
    const wait = untilRetry();
    if (wait > 0) throw new KeySetUnavailable(wait);
    return fetch(href, init);
  };
  const keySet = createRemoteJWKSet(url, {
    cacheMaxAge: options.cacheMaxAgeMs ?? DEFAULT_JWKS_CACHE_MAX_AGE_MS,
    cooldownDuration: cooldownMs,
    timeoutDuration: JWKS_TIMEOUT_MS,
    [customFetch]: fetchUnlessBackingOff,
  });
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (isTokensFault(error)) throw error;
      if (error instanceof KeySetUnavailable) throw error;
      failedAt = performance.now();
      throw new KeySetUnavailable(backoffMs, { cause: error });
    }
  };
}
