import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { RelayClient, RelayConnectionError, RelayRequestError, type ImageDescription } from '../../src/client/index.js';
import { fixturesDir, readFixture } from '../support/fixtures.js';
import { startRelay } from '../support/relay-harness.js';
import { waitFor } from '../support/wait-for.js';

describe('RelayClient', () => {
  it('publishes a Buffer, a Blob, a stream and a path, with metadata', async () => {
    const server = await startRelay();
    try {
      const client = new RelayClient({ url: server.url });
      const png = readFixture('video-001.png');
      const fromBuffer = await client.publish(png, { channel: 'c', meta: { frame: 1 } });
      const fromBlob = await client.publish(new Blob([readFixture('video-001.gif')]), { channel: 'c', caption: 'blob' });
      const fromWebStream = await client.publish(Readable.toWeb(createReadStream(path.join(fixturesDir, 'video-001.jpeg'))) as ReadableStream<Uint8Array>, { channel: 'c' });
      const fromNodeStream = await client.publish(createReadStream(path.join(fixturesDir, 'video-001.avif')), { channel: 'c' });
      const fromPath = await client.publish(path.join(fixturesDir, 'tux.lossless.webp'));
      assert.deepEqual(
        [fromBuffer, fromBlob, fromWebStream, fromNodeStream, fromPath].map((image) => image.type),
        ['image/png', 'image/gif', 'image/jpeg', 'image/avif', 'image/webp'],
      );
      assert.deepEqual(fromBuffer.meta, { frame: 1 });
      assert.deepEqual(fromBlob.meta, { caption: 'blob' });
      assert.equal(fromPath.channel, 'default');
      assert.deepEqual(Buffer.from(await client.fetchImage(fromBuffer)), png);
    } finally {
      await server.close();
    }
  });

  it('throws typed errors: a refusal at once, an unreachable relay after its retries', async () => {
    const server = await startRelay();
    try {
      const client = new RelayClient({ url: server.url });
      await assert.rejects(client.publish(readFixture('page.html')), (error: unknown) => {
        return error instanceof RelayRequestError && error.status === 415 && error.code === 'not_an_image' && !error.retryable;
      });
      await assert.rejects(client.publish(readFixture('basn0g01.png'), { channel: 'bad name' }), (error: unknown) => {
        return error instanceof RelayRequestError && error.code === 'invalid_channel';
      });
    } finally {
      await server.close();
    }
    const retries: number[] = [];
    const offline = new RelayClient({
      url: 'http://127.0.0.1:9',
      retry: { retries: 2, initialDelayMs: 10, maxDelayMs: 20 },
      onRetry: (_error, delay) => retries.push(delay),
    });
    await assert.rejects(offline.publish(readFixture('basn0g01.png')), RelayConnectionError);
    assert.equal(retries.length, 2);
  });

  it('follows channels, and resumes without gaps or repeats after the relay restarts', async () => {
    let server = await startRelay();
    const port = Number(new URL(server.url).port);
    const client = new RelayClient({ url: server.url, retry: { retries: 10, initialDelayMs: 50, maxDelayMs: 200 } });
    const received: ImageDescription[] = [];
    const states: string[] = [];
    const subscription = client.subscribe(['x', 'y'], (image) => void received.push(image), {
      reconnectDelayMs: 100,
      onState: (state) => states.push(state),
    });
    try {
      await waitFor(() => states.includes('live'), 'the subscription to open');
      const before = [await client.publish(readFixture('basn0g01.png'), { channel: 'x' }), await client.publish(readFixture('basn0g16.png'), { channel: 'y' })];
      await waitFor(() => received.length === 2, 'two images');
      await server.close();
      server = await startRelay({ port });
      const afterRestart = await client.publish(readFixture('basn2c16.png'), { channel: 'x' });
      await waitFor(() => received.length === 3, 'the image published after the restart');
      assert.deepEqual(received.map((image) => image.id), [...before, afterRestart].map((image) => image.id));
      assert.ok(states.includes('reconnecting'));
      assert.equal(subscription.lastEventId, afterRestart.id);
    } finally {
      subscription.close();
      await subscription.closed;
      await server.close();
    }
  });

  it('ends a subscription a refusal will not heal', async () => {
    const server = await startRelay();
    try {
      const subscription = new RelayClient({ url: server.url }).subscribe(['no spaces'], () => undefined);
      await assert.rejects(subscription.closed, (error: unknown) => error instanceof RelayRequestError && error.code === 'invalid_channel');
    } finally {
      await server.close();
    }
  });
});
