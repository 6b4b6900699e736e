import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

export { redactRedisUrl } from './redacted-url.js';

/** Where the relay's Redis is and how to reach it (see the `--redis-*` options). */
export interface RedisSettings {
  /** `redis://[:password@]host:port[/db]`, or `rediss://` for TLS. */
  readonly url: string;
  /** Put before every key, so one Redis can serve several deployments. */
  readonly keyPrefix: string;
  /** PEM file of the CA that signed the Redis server's certificate (self-signed or private CA), for rediss://. */
  readonly tlsCaFile?: string | undefined;
}

/**
 * A publish is refused with 503 when Redis has not answered by then. Long enough for a 16 MiB image to cross a
 * slow link to Redis, short enough that a publisher does not hang on a dead server.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 10_000;
/** A connection attempt that has not completed by then is abandoned and retried. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;
/**
 * Reconnection backoff: quick at first (a Redis restart takes about a second), capped so that a long outage
 * costs one attempt every two seconds rather than a busy loop.
 */
const RECONNECT_BASE_MS = 100;
const RECONNECT_MAX_MS = 2_000;

/**
 * Options shared by both of an instance's connections. The offline queue is off: while Redis is unreachable a
 * command fails at once instead of waiting in memory, so a publish answers 503 promptly and its bytes are not
 * held (ioredis would otherwise queue every command, image bytes included, without bound until Redis returns).
 * Commands in flight when the connection drops are failed, not resent: a publish must not be stored twice.
 */
function connectionOptions(settings: RedisSettings, name: string, commandTimeoutMs: number) {
  const tls = settings.url.startsWith('rediss://') ? { ...(settings.tlsCaFile ? { ca: readFileSync(settings.tlsCaFile) } : {}) } : undefined;
  return {
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt: number) => Math.min(RECONNECT_BASE_MS * attempt, RECONNECT_MAX_MS),
    connectionName: name,
    // The relay starts even when Redis is down (it reports not ready and keeps trying), so no connect() wait.
    lazyConnect: false,
    ...(tls ? { tls } : {}),
  };
}

/** A connection to the relay's Redis. ioredis reads host, port, password, db and TLS from the URL. */
export function connectRedis(settings: RedisSettings, name: string, commandTimeoutMs = REDIS_COMMAND_TIMEOUT_MS): Redis {
  return new Redis(settings.url, connectionOptions(settings, name, commandTimeoutMs));
}

