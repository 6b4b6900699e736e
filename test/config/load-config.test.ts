import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';

describe('loadConfig', () => {
  it('serves the original port on every interface by default', () => {
    const config = loadConfig([], {});
    assert.equal(config.port, 8081);
    assert.equal(config.host, '::');
    assert.equal(config.maxImageBytes, 16 * 1024 * 1024);
    assert.equal(config.heartbeatIntervalMs, 15_000);
  });

  it('takes flags over environment over defaults', () => {
    assert.equal(loadConfig([], { PORT: '9000' }).port, 9000);
    assert.equal(loadConfig([], { PORT: '9000', IMAGE_RELAY_PORT: '9001' }).port, 9001);
    assert.equal(loadConfig(['--port', '9002'], { PORT: '9000' }).port, 9002);
    assert.equal(loadConfig(['--host=127.0.0.1'], { HOST: '0.0.0.0' }).host, '127.0.0.1');
  });

  it('reads sizes with units', () => {
    assert.equal(loadConfig(['--max-image-bytes', '2MiB'], {}).maxImageBytes, 2 * 1024 * 1024);
    assert.equal(loadConfig([], { IMAGE_RELAY_MEMORY_BUDGET: '1GB' }).history.maxTotalBytes, 1e9);
    assert.equal(loadConfig(['--queue-bytes', '512k'], {}).delivery.queueMaxBytes, 512 * 1024);
  });

  it('names the bad option in its error', () => {
    assert.throws(() => loadConfig(['--port', 'eighty'], {}), (error: unknown) => {
      return error instanceof ConfigError && error.message.includes('--port') && error.message.includes('eighty');
    });
    assert.throws(() => loadConfig([], { PORT: '70000' }), /PORT.*at most 65535/);
    assert.throws(() => loadConfig([], { IMAGE_RELAY_MAX_IMAGE_BYTES: '12 parsecs' }), /IMAGE_RELAY_MAX_IMAGE_BYTES/);
    assert.throws(() => loadConfig(['--log-level', 'loud'], {}), /--log-level/);
    assert.throws(() => loadConfig(['--colour', 'red'], {}), ConfigError);
  });
});
