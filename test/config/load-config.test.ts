import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

  it('reads a JSON config file below flags and environment', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'relay-config-')), 'relay.json');
    writeFileSync(file, JSON.stringify({ port: 9100, 'max-image-bytes': '2MiB', host: '127.0.0.1' }));
    const fromFile = loadConfig(['--config', file], {});
    assert.equal(fromFile.port, 9100);
    assert.equal(fromFile.maxImageBytes, 2 * 1024 * 1024);
    assert.equal(loadConfig(['--config', file], { PORT: '9200' }).port, 9200);
    assert.equal(loadConfig(['--config', file, '--port', '9300'], { PORT: '9200' }).port, 9300);
    assert.equal(loadConfig([], { IMAGE_RELAY_CONFIG: file }).host, '127.0.0.1');
    writeFileSync(file, JSON.stringify({ colour: 'red' }));
    assert.throws(() => loadConfig(['--config', file], {}), /unknown option "colour"/);
    writeFileSync(file, JSON.stringify({ port: 'eighty' }));
    assert.throws(() => loadConfig(['--config', file], {}), /"port" in .*relay\.json: "eighty" is not a whole number/);
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

  it('keeps history in memory unless a data directory is given, and bounds the directory', () => {
    assert.equal(loadConfig([], {}).dataDir, undefined);
    assert.deepEqual(loadConfig(['--data-dir', '/var/lib/image-relay'], {}).dataDir, { dir: '/var/lib/image-relay', maxBytes: 1024 ** 3 });
    assert.deepEqual(
      loadConfig([], { IMAGE_RELAY_DATA_DIR: 'data', IMAGE_RELAY_DATA_DIR_MAX_BYTES: '200MiB' }).dataDir,
      { dir: 'data', maxBytes: 200 * 1024 ** 2 },
    );
    assert.throws(() => loadConfig(['--data-dir-max-bytes', 'lots'], {}), /--data-dir-max-bytes/);
  });

  it('takes a metrics token of at least 16 characters', () => {
    assert.equal(loadConfig([], {}).metricsToken, '');
    assert.equal(loadConfig([], { IMAGE_RELAY_METRICS_TOKEN: 'scrape-secret-000001' }).metricsToken, 'scrape-secret-000001');
    assert.throws(() => loadConfig(['--metrics-token', 'short'], {}), /--metrics-token: use at least 16 characters/);
  });

  it('sets limits that let a 60 fps camera and a wall of screens through', () => {
    const { limits } = loadConfig([], {});
    assert.deepEqual(limits.publishPerClient, { perSecond: 120, burst: 240 });
    assert.deepEqual(limits.publishPerChannel, { perSecond: 480, burst: 960 });
    assert.equal(limits.streamsPerClient, 1024);
    // Per address over all its tokens (with access control): four clients' worth, so a NAT of several passes.
    assert.deepEqual(limits.publishPerAddress, { perSecond: 480, burst: 960 });
    assert.equal(limits.streamsPerAddress, 4096);
    assert.deepEqual(limits.authFailures, { perSecond: 2, burst: 20 });
    const perAddress = loadConfig(['--address-publish-rate', '50', '--address-publish-burst', '60', '--streams-per-address', '10'], { IMAGE_RELAY_AUTH_FAILURE_RATE: '5', IMAGE_RELAY_AUTH_FAILURE_BURST: '50' }).limits;
    assert.deepEqual(perAddress.publishPerAddress, { perSecond: 50, burst: 60 });
    assert.equal(perAddress.streamsPerAddress, 10);
    assert.deepEqual(perAddress.authFailures, { perSecond: 5, burst: 50 });
    const set = loadConfig(['--publish-rate', '30', '--publish-burst', '90'], { IMAGE_RELAY_CHANNEL_PUBLISH_RATE: '200', IMAGE_RELAY_CHANNEL_PUBLISH_BURST: '400' }).limits;
    assert.deepEqual(set.publishPerClient, { perSecond: 30, burst: 90 });
    assert.deepEqual(set.publishPerChannel, { perSecond: 200, burst: 400 });
    assert.throws(() => loadConfig(['--publish-rate', '0'], {}), /--publish-rate: "0" is not at least 1/);
    assert.throws(() => loadConfig(['--channel-publish-burst', 'many'], {}), /--channel-publish-burst/);
  });

  it('reads --publishes-per-minute, from before the token buckets, as a rate of N/60 a second', () => {
    assert.deepEqual(loadConfig(['--publishes-per-minute', '6000'], {}).limits.publishPerClient, { perSecond: 100, burst: 240 });
    // A setting meant to hold a client down is not loosened by the default burst.
    assert.deepEqual(loadConfig([], { IMAGE_RELAY_PUBLISHES_PER_MINUTE: '30' }).limits.publishPerClient, { perSecond: 0.5, burst: 30 });
    assert.deepEqual(loadConfig(['--publishes-per-minute', '30', '--publish-burst', '5'], {}).limits.publishPerClient, { perSecond: 0.5, burst: 5 });
    // The benchmark's old "unlimited" is still unlimited per client (the per-channel limit is new: --channel-publish-rate).
    assert.deepEqual(loadConfig(['--publishes-per-minute', '1000000000'], {}).limits.publishPerClient, { perSecond: 1e9 / 60, burst: 240 });
    assert.throws(
      () => loadConfig(['--publish-rate', '100'], { IMAGE_RELAY_PUBLISHES_PER_MINUTE: '600' }),
      /--publishes-per-minute and --publish-rate: give one, not both/,
    );
  });
});
