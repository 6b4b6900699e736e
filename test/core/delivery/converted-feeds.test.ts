import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { MemoryBackend } from '../../../src/backend/memory/memory-backend.js';
import type { FrameConverter } from '../../../src/core/delivery/converted-feeds.js';
import { Hub } from '../../../src/core/delivery/hub.js';
import type { ImageRecord } from '../../../src/core/image-record.js';
import { heldBytes } from '../../../src/core/image/image-bytes.js';
import { newImage } from '../../support/images.js';
import { RecordingSink } from '../../support/recording-sink.js';

const limits = { queueMaxImages: 2, queueMaxBytes: 1e9, stuckTimeoutMs: 30_000 };

function createHub(): Hub {
  const backend = new MemoryBackend({ maxImagesPerChannel: 50, maxBytesPerChannel: 1e9, maxTotalBytes: 1e9, maxChannels: 100 });
  return new Hub(backend, { delivery: limits, heartbeatIntervalMs: 15_000 });
}

/** A converter that turns an image into "<key>:<id>" and counts its conversions. */
function countingConverter(feedKey: string): FrameConverter & { conversions: number } {
  const converter = {
    feedKey,
    conversions: 0,
    async convert(image: ImageRecord): Promise<ImageRecord> {
      converter.conversions += 1;
      return { ...image, bytes: heldBytes(Buffer.from(`${feedKey}:${image.id}`)) };
    },
    encode: (frame: ImageRecord): Uint8Array => frame.bytes.read(),
    isBusy: () => false,
    whenRoom: () => () => undefined,
    onSkipped: () => undefined,
  };
  return converter;
}

function watch(hub: Hub, channel: string, converter: FrameConverter) {
  const sink = new RecordingSink();
  const aborter = new AbortController();
  const subscription = hub.subscribeConverted({ channel, converter, sink, signal: aborter.signal });
  return { sink, aborter, subscription };
}

/** Lets conversions (promises) settle. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Hub converted feeds (MJPEG)', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('converts each image once per feed for all its viewers, starting from the latest', async () => {
    const hub = createHub();
    const { record: latest } = await hub.publish(newImage('a'));
    const converter = countingConverter('w=160');
    const first = watch(hub, 'a', converter);
    const second = watch(hub, 'a', countingConverter('w=160'));
    await settle();
    const { record: live } = await hub.publish(newImage('a'));
    await settle();
    assert.deepEqual(first.sink.texts, [`w=160:${latest.id}`, `w=160:${live.id}`]);
    assert.deepEqual(second.sink.texts, first.sink.texts);
    assert.equal(converter.conversions, 2, 'the feed is the first viewer\'s; the second shares it');
    assert.equal(hub.convertedViewerCount('a'), 2);
    assert.equal(hub.viewerCount('a'), 0, 'converted viewers are counted apart from event streams');
    await hub.close();
  });

  it('repeats its last frame at each heartbeat, and only its own: no other form\'s bytes', async () => {
    const hub = createHub();
    const viewer = watch(hub, 'a', countingConverter('q'));
    const { record } = await hub.publish(newImage('a'));
    await settle();
    mock.timers.tick(15_000);
    assert.deepEqual(viewer.sink.texts, [`q:${record.id}`, `q:${record.id}`]);
    await hub.close();
  });

  it('ends its viewers when the hub closes, and forgets a feed whose viewers left', async () => {
    const hub = createHub();
    const leaving = watch(hub, 'a', countingConverter(''));
    const staying = watch(hub, 'b', countingConverter(''));
    leaving.aborter.abort();
    assert.equal((await leaving.subscription.ended).reason, 'client_closed');
    assert.equal(hub.convertedViewerCount('a'), 0);
    await hub.close();
    assert.equal((await staying.subscription.ended).reason, 'shutdown');
    assert.equal(staying.sink.closedWith, 'end');
    assert.throws(() => watch(hub, 'a', countingConverter('')), { code: 'shutting_down' });
  });
});
