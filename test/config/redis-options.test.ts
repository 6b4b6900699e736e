import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { TEST_TLS } from '../support/redis-server.js';

describe('Redis options', () => {
  it('keeps channels in memory unless a Redis URL is given', () => {
    assert.equal(loadConfig([], {}).redis, undefined);
  });

  it('takes the URL from the flag or the environment, with the default prefix', () => {
    assert.deepEqual(loadConfig(['--redis-url', 'redis://:pw@redis.internal:6379/2'], {}).redis, {
      url: 'redis://:pw@redis.internal:6379/2',
      keyPrefix: 'image-relay:',
      tlsCaFile: undefined,
    });
    const fromEnv = loadConfig([], {
      IMAGE_RELAY_REDIS_URL: 'rediss://redis.internal:6380',
      IMAGE_RELAY_REDIS_PREFIX: 'staging:',
      IMAGE_RELAY_REDIS_TLS_CA: TEST_TLS.cert,
    });
    assert.deepEqual(fromEnv.redis, { url: 'rediss://redis.internal:6380', keyPrefix: 'staging:', tlsCaFile: TEST_TLS.cert });
  });

  it('refuses a URL that is not redis:// or rediss://, without repeating it (it may hold a password)', () => {
    for (const url of ['http://:secret-password@host:6379', 'not a url secret-password']) {
      assert.throws(
        () => loadConfig(['--redis-url', url], {}),
        (error: unknown) => error instanceof ConfigError && /--redis-url/.test(error.message) && !error.message.includes('secret-password'),
      );
    }
  });

  it('refuses a TLS CA without rediss://', () => {
    assert.throws(() => loadConfig(['--redis-url', 'redis://host:6379', '--redis-tls-ca', TEST_TLS.cert], {}), /rediss/);
  });

  it('refuses a data directory beside Redis, which would be a second history', () => {
    assert.throws(() => loadConfig(['--redis-url', 'redis://host:6379', '--data-dir', '/var/lib/image-relay'], {}), /--data-dir/);
  });
});
