import type { ChannelBackend } from '../../core/storage/channel-backend.js';
import { backendRow } from '../backend-row.js';
import { redactRedisUrl } from './redacted-url.js';
import type { RedisSettings } from './redis-connection.js';

/** Names the application in every key, so a Redis shared with other software shows whose keys these are. */
export const DEFAULT_REDIS_KEY_PREFIX = 'image-relay:';

/** Channels in Redis: several relays naming the same Redis and prefix act as one. */
export const REDIS_BACKEND = backendRow({
  configKey: 'redis',
  chosenBy: 'redisUrl',
  options: {
    redisUrl: {
      flag: 'redis-url', env: ['IMAGE_RELAY_REDIS_URL'], kind: 'string', defaultValue: '',
      description: 'redis://[:password@]host:port[/db] or rediss:// (TLS): keep channels in Redis, shared by every relay naming it (default: in memory)',
    },
    redisPrefix: {
      flag: 'redis-prefix', env: ['IMAGE_RELAY_REDIS_PREFIX'], kind: 'string', defaultValue: DEFAULT_REDIS_KEY_PREFIX,
      description: 'Prefix of every Redis key, so one Redis can serve several deployments',
    },
    redisTlsCa: {
      flag: 'redis-tls-ca', env: ['IMAGE_RELAY_REDIS_TLS_CA'], kind: 'file', defaultValue: '',
      description: 'PEM CA certificate to trust for a rediss:// server (a self-signed or private CA)',
    },
  },
  settingsFrom(values): RedisSettings | undefined {
    const url = values.redisUrl as string;
    if (!url) return undefined;
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      // The message must not echo the URL: it may hold the Redis password.
      throw new Error('--redis-url: not a URL such as redis://redis.internal:6379 or rediss://:password@host:6380');
    }
    if (!['redis:', 'rediss:'].includes(parsed.protocol)) throw new Error('--redis-url: use a redis:// or rediss:// URL');
    if (values.redisTlsCa && parsed.protocol !== 'rediss:') throw new Error('--redis-tls-ca goes with a rediss:// URL');
    return { url, keyPrefix: values.redisPrefix as string, tlsCaFile: (values.redisTlsCa as string) || undefined };
  },
  async open(settings, context): Promise<ChannelBackend> {
    const { RedisBackend } = await import('./redis-backend.js');
    return RedisBackend.open(settings, context.history, context.logger.child({ backend: 'redis' }));
  },
  describe: (settings) => ({
    msg: 'channels are kept in Redis, shared with every relay that uses the same Redis and prefix',
    fields: { redis: redactRedisUrl(settings.url), prefix: settings.keyPrefix },
  }),
});
