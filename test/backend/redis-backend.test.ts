import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { ROOMY_LIMITS } from './channel-backend-contract.js';
import { QUIET_LOG, recordingLog } from './backend-logs.js';
import { RedisBackend } from '../../src/backend/redis/redis-backend.js';
import type { RedisSettings } from '../../src/backend/redis/redis-connection.js';
import { RelayError } from '../../src/core/errors.js';
import type { ImageRecord } from '../../src/core/image-record.js';
import { newImage } from '../support/images.js';
import { RedisServer, redisSkipReason, TEST_TLS } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

const skip = redisSkipReason();
const isUnavailable = (error: unknown): boolean => error instanceof RelayError && error.code === 'backend_unavailable';

async function withBackends<T>(settings: RedisSettings[], run: (backends: RedisBackend[]) => Promise<T>): Promise<T> {
  const backends = await Promise.all(settings.map((each) => RedisBackend.open(each, ROOMY_LIMITS, QUIET_LOG)));
  try {
    return await run(backends);
  } finally {
    await Promise.all(backends.map((backend) => backend.close()));
  }
}

describe('RedisBackend shared by several instances', { skip }, () => {
  let server: RedisServer;
  before(async () => (server = await RedisServer.start()));
  after(async () => server.stop());

  it('gives every instance every append of every instance, in one order, with ids that never collide', async () => {
    const settings = { url: server.url, keyPrefix: 'shared:' };
    await withBackends([settings, settings, settings], async (backends) => {
      const heard = backends.map(() => [] as ImageRecord[]);
      backends.forEach((backend, index) => backend.listen((image) => heard[index]!.push(image)));
      // Appends from all three at once, to several channels: the same milliseconds on every instance.
      const stored = await Promise.all(
        Array.from({ length: 60 }, (_, index) => backends[index % 3]!.append(newImage(`cam-${index % 5}`, 50, index))),
      );
      await waitFor(() => heard.every((images) => images.length === stored.length), 'every instance to hear every append');
      const order = heard[0]!.map((image) => image.id);
      assert.equal(new Set(order).size, stored.length, 'ids are unique across instances and channels');
      for (const images of heard) assert.deepEqual(images.map((image) => image.id), order, 'one order everywhere');
      assert.deepEqual([...order].sort(), [...stored.map((image) => image.id)].sort());
    });
  });

  it('holds the bytes of each image once in Redis, and hands every reader on an instance the same object', async () => {
    const settings = { url: server.url, keyPrefix: 'once:' };
    await withBackends([settings, settings], async ([publisher, other]) => {
      const heard: ImageRecord[] = [];
      other!.listen((image) => heard.push(image));
      const stored = await publisher!.append(newImage('big', 200_000));
      await waitFor(() => heard.length === 1, 'the other instance to hear the image');
      // Late joiners, replays and image URLs on that instance get the object its read loop delivered: the bytes
      // are not read again per viewer, and the frame cache (keyed by object) encodes the event once.
      assert.equal(await other!.latest('big'), heard[0]);
      assert.equal((await other!.readAfter('big', '0-0'))[0], heard[0]);
      assert.equal(await other!.get('big', stored.id), heard[0]);
      const redis = new Redis(server.url);
      try {
        const streamBytes = Number(await redis.call('MEMORY', 'USAGE', 'once:stream:big'));
        const feedBytes = Number(await redis.call('MEMORY', 'USAGE', 'once:feed'));
        assert.ok(streamBytes >= 200_000, `the stream holds the image (${streamBytes} bytes)`);
        assert.ok(feedBytes < 10_000, `the feed holds no bytes of it (${feedBytes} bytes)`);
      } finally {
        redis.disconnect();
      }
    });
  });

  it('reads only the newest images a listing asks for, not the whole history', async () => {
    const settings = { url: server.url, keyPrefix: 'recent:' };
    const redis = new Redis(server.url);
    try {
      await withBackends([settings], async ([publisher]) => {
        for (let index = 0; index < 20; index++) await publisher!.append(newImage('cam', 1000, index));
      });
      // A fresh instance holds none of them: every image it returns is read from Redis, one XRANGE each.
      await withBackends([settings], async ([fresh]) => {
        const xranges = async (): Promise<number> => {
          const stats = String(await redis.call('INFO', 'commandstats'));
          return Number(/cmdstat_xrange:calls=(\d+)/.exec(stats)?.[1] ?? 0);
        };
        const before = await xranges();
        // Five listings at once, as a burst of viewers opening the page: each image is read once for all of them.
        const listings = await Promise.all(Array.from({ length: 5 }, () => fresh!.recent('cam', 3)));
        assert.equal((await xranges()) - before, 3, 'three images read, not twenty, nor three per listing');
        for (const listing of listings) assert.deepEqual(listing, listings[0]);
        assert.equal(listings[4]![2], listings[0]![2], 'every listing got the same object');
        assert.equal((await fresh!.recent('cam', 3)).length, 3);
        assert.equal((await xranges()) - before, 3, 'a later listing is served from the images the instance holds');
      });
    } finally {
      redis.disconnect();
    }
  });

  it('keeps deployments apart by key prefix', async () => {
    await withBackends([{ url: server.url, keyPrefix: 'one:' }, { url: server.url, keyPrefix: 'two:' }], async ([one, two]) => {
      await one!.append(newImage('cam'));
      assert.equal(await two!.latest('cam'), undefined);
      assert.deepEqual(await two!.channels(), []);
    });
  });
});

describe('RedisBackend with a password and with TLS', { skip }, () => {
  it('works with the password in the URL, and is not ready (refusing appends) without it', async () => {
    const server = await RedisServer.start({ password: 'a-long-test-password' });
    try {
      await withBackends([{ url: server.url, keyPrefix: 'auth:' }], async ([backend]) => {
        assert.ok(backend!.isReady());
        const stored = await backend!.append(newImage('cam'));
        assert.equal((await backend!.latest('cam'))?.id, stored.id);
      });
      const log = recordingLog();
      const anonymous = await RedisBackend.open({ url: `redis://127.0.0.1:${server.port}`, keyPrefix: 'auth:' }, ROOMY_LIMITS, log);
      try {
        assert.equal(anonymous.isReady(), false);
        await assert.rejects(anonymous.append(newImage('cam')), isUnavailable);
        assert.ok(log.lines.some((line) => line.level === 'warn'), 'the failure is logged');
      } finally {
        await anonymous.close();
      }
    } finally {
      await server.stop();
    }
  });

  it('speaks TLS to a rediss:// server whose CA it is given', async () => {
    const server = await RedisServer.start({ tls: true, password: 'another-test-password' });
    try {
      assert.match(server.url, /^rediss:/);
      await withBackends([{ url: server.url, keyPrefix: 'tls:', tlsCaFile: TEST_TLS.cert }], async ([backend]) => {
        assert.ok(backend!.isReady());
        const heard: ImageRecord[] = [];
        backend!.listen((image) => heard.push(image));
        const stored = await backend!.append(newImage('cam', 5000));
        await waitFor(() => heard.length === 1, 'the append to come back through the read loop');
        assert.equal(heard[0]!.id, stored.id);
      });
    } finally {
      await server.stop();
    }
  });
});

describe('RedisBackend when Redis goes away and comes back', { skip }, () => {
  it('refuses appends and reads at once while down, then resumes its read loop with no gap and no duplicate', async () => {
    const server = await RedisServer.start();
    const log = recordingLog();
    const writer = await RedisBackend.open({ url: server.url, keyPrefix: 'outage:' }, ROOMY_LIMITS, QUIET_LOG);
    const reader = await RedisBackend.open({ url: server.url, keyPrefix: 'outage:' }, ROOMY_LIMITS, log);
    try {
      const heard: string[] = [];
      reader.listen((image) => heard.push(image.id));
      const before = await writer.append(newImage('cam'));
      await waitFor(() => heard.length === 1, 'the first image');

      await server.kill();
      await waitFor(() => !reader.isReady() && !writer.isReady(), 'both to notice that Redis is gone');
      await assert.rejects(writer.append(newImage('cam', 1_000_000)), isUnavailable);
      await assert.rejects(reader.latest('cam'), isUnavailable);
      assert.ok(log.lines.some((line) => line.level === 'warn' && /redis/.test(line.message)));

      await server.restart();
      await waitFor(() => reader.isReady() && writer.isReady(), 'both to reconnect');
      const afterOutage = [];
      for (let index = 0; index < 3; index++) afterOutage.push((await writer.append(newImage('cam'))).id);
      await waitFor(() => heard.length === 4, 'the images published after the outage');
      assert.deepEqual(heard, [before.id, ...afterOutage]);
      assert.ok(log.lines.some((line) => line.level === 'info' && /again/.test(line.message)), 'the return is logged');
    } finally {
      await Promise.all([writer.close(), reader.close()]);
      await server.stop();
    }
  });
});
