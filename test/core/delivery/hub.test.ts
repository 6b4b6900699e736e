import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { MemoryBackend } from '../../../src/backend/memory/memory-backend.js';
import type { DeliveryLimits } from '../../../src/core/delivery/delivery-limits.js';
import type { DeliveryObserver } from '../../../src/core/delivery/delivery-observer.js';
import type { StreamForm } from '../../../src/core/delivery/frame-sink.js';
import { Hub } from '../../../src/core/delivery/hub.js';
import { HEARTBEAT_TICKS } from '../../../src/core/delivery/subscriber.js';
import type { ImageRecord } from '../../../src/core/image-record.js';
import { newImage } from '../../support/images.js';
import { RecordingSink } from '../../support/recording-sink.js';

const HEARTBEAT = Buffer.from(': heartbeat\n\n');
const limits: DeliveryLimits = { queueMaxImages: 2, queueMaxBytes: 1e9, stuckTimeoutMs: 30_000 };
/** Frames are the image's id; the heartbeat is the form's own (an SSE-like comment here). */
const idForm: StreamForm = { encode: (image: ImageRecord): Uint8Array => Buffer.from(image.id), heartbeat: () => HEARTBEAT };

function createHub(delivery: DeliveryLimits = limits): Hub {
  const backend = new MemoryBackend({
    maxImagesPerChannel: 50,
    maxBytesPerChannel: 1e9,
    maxTotalBytes: 1e9,
    maxChannels: 100,
  });
  return new Hub(backend, { delivery, heartbeatIntervalMs: 15_000 });
}

function subscribe(hub: Hub, channel: string, lastEventId?: string) {
  const sink = new RecordingSink();
  const aborter = new AbortController();
  const subscription = hub.subscribe({ channels: [channel], lastEventId, sink, form: idForm, signal: aborter.signal });
  return { sink, aborter, subscription };
}

/** Lets the backlog read (a promise) settle. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Hub', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('sends a late joiner the latest image, then live ones', async () => {
    const hub = createHub();
    await hub.publish(newImage('a'));
    const { record: latest } = await hub.publish(newImage('a'));
    const viewer = subscribe(hub, 'a');
    await settle();
    const { record: live } = await hub.publish(newImage('a'));
    assert.deepEqual(viewer.sink.texts, [latest.id, live.id]);
    await hub.close();
  });

  it('replays what a viewer missed after its Last-Event-ID, never skipping replayed images', async () => {
    const hub = createHub();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await hub.publish(newImage('a'))).record.id);
    const viewer = subscribe(hub, 'a', ids[1]);
    viewer.sink.full = true; // the transport takes one frame, then asks to wait
    await settle();
    for (let i = 0; i < 4; i++) viewer.sink.drain();
    assert.deepEqual(viewer.sink.texts, ids.slice(2));
    await hub.close();
  });

  it('skips stale live images for a viewer that is behind, keeping the newest (latest wins)', async () => {
    const hub = createHub();
    const healthy = subscribe(hub, 'a');
    const slow = subscribe(hub, 'a');
    await settle();
    slow.sink.full = true;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await hub.publish(newImage('a'))).record.id);
    assert.deepEqual(healthy.sink.texts, ids);
    slow.sink.drain();
    // First image was written before the transport filled; of the nine that waited, the newest two remain.
    assert.deepEqual(slow.sink.texts, [ids[0], ids[8], ids[9]]);
    assert.equal((await Promise.race([slow.subscription.ended, Promise.resolve(undefined)])), undefined);
    await hub.close();
    assert.equal((await slow.subscription.ended).stats.skipped, 7);
  });

  it('disconnects a viewer whose transport takes nothing for the stuck timeout', async () => {
    const hub = createHub();
    const viewer = subscribe(hub, 'a');
    await settle();
    viewer.sink.full = true;
    await hub.publish(newImage('a'));
    mock.timers.tick(limits.stuckTimeoutMs - 1);
    assert.equal(viewer.sink.closedWith, undefined);
    mock.timers.tick(1);
    assert.equal(viewer.sink.closedWith, 'abort');
    assert.equal((await viewer.subscription.ended).reason, 'stuck');
    assert.equal(hub.viewerCount('a'), 0);
    await hub.close();
  });

  it('does not disconnect a viewer that keeps draining', async () => {
    const hub = createHub();
    const viewer = subscribe(hub, 'a');
    await settle();
    for (let i = 0; i < 5; i++) {
      viewer.sink.full = true;
      await hub.publish(newImage('a'));
      mock.timers.tick(limits.stuckTimeoutMs - 1000);
      viewer.sink.drain();
    }
    assert.equal(viewer.sink.closedWith, undefined);
    await hub.close();
  });

  it('sends a heartbeat to idle viewers every interval, and none to a backed-up one', async () => {
    const hub = createHub();
    const idle = subscribe(hub, 'a');
    const backedUp = subscribe(hub, 'b');
    await settle();
    backedUp.sink.full = true;
    await hub.publish(newImage('b'));
    mock.timers.tick(15_000);
    mock.timers.tick(15_000);
    assert.deepEqual(idle.sink.texts, [': heartbeat\n\n', ': heartbeat\n\n']);
    assert.equal(backedUp.sink.texts.filter((text) => text.startsWith(':')).length, 0);
    await hub.close();
  });

  it('sends no heartbeat to a viewer that was sent an image within the interval', async () => {
    const hub = createHub();
    const watched = subscribe(hub, 'a');
    const quiet = subscribe(hub, 'b');
    await settle();
    for (let i = 0; i < 6; i++) {
      await hub.publish(newImage('a'));
      mock.timers.tick(10_000);
    }
    assert.equal(watched.sink.texts.length, 6);
    assert.equal(watched.sink.texts.filter((text) => text.startsWith(':')).length, 0, 'images kept it busy');
    assert.equal(quiet.sink.texts.length, 4, 'a quiet viewer: a heartbeat every 15 s of the 60');
    mock.timers.tick(15_000);
    assert.equal(watched.sink.texts.at(-1), ': heartbeat\n\n', 'once images stop, heartbeats start');
    await hub.close();
  });

  it('spreads the heartbeats of viewers that connected together over the interval', async () => {
    const hub = createHub();
    const viewers = Array.from({ length: 2 * HEARTBEAT_TICKS }, () => subscribe(hub, 'a'));
    await settle();
    const beatsPerTick: number[] = [];
    const beats = (): number => viewers.reduce((sum, viewer) => sum + viewer.sink.texts.length, 0);
    for (let tick = 0; tick < 2 * HEARTBEAT_TICKS; tick++) {
      const before = beats();
      mock.timers.tick(15_000 / HEARTBEAT_TICKS);
      beatsPerTick.push(beats() - before);
    }
    assert.ok(viewers.every((viewer) => viewer.sink.texts.length === 2), 'each one twice in two intervals');
    assert.deepEqual(new Set(beatsPerTick), new Set([2]), 'two of them at each tick, never all at once');
    await hub.close();
  });

  it('forgets a viewer when its signal aborts, and ends every stream on close', async () => {
    const hub = createHub();
    const leaving = subscribe(hub, 'a');
    const staying = subscribe(hub, 'a');
    assert.equal(hub.viewerCount('a'), 2);
    leaving.aborter.abort();
    assert.equal((await leaving.subscription.ended).reason, 'client_closed');
    assert.equal(hub.viewerCount('a'), 1);
    await hub.close();
    assert.equal(staying.sink.closedWith, 'end');
    assert.equal((await staying.subscription.ended).reason, 'shutdown');
    assert.equal(hub.totalViewers, 0);
    await assert.rejects(hub.publish(newImage('a')), /shutting down/);
  });

  it('tells its observer what it published, delivered (live or replayed), skipped, and who was stuck', async () => {
    const told = { published: 0, live: 0, replayed: 0, frameBytes: 0, skipped: 0, stuck: 0 };
    const observer: DeliveryObserver = {
      onPublished: () => void (told.published += 1),
      onDelivered: (_image, frameBytes, replayed) => {
        if (replayed) told.replayed += 1;
        else told.live += 1;
        told.frameBytes += frameBytes;
      },
      onSkipped: (count) => void (told.skipped += count),
      onStuck: () => void (told.stuck += 1),
      onBackendError: () => undefined,
    };
    const backend = new MemoryBackend({ maxImagesPerChannel: 50, maxBytesPerChannel: 1e9, maxTotalBytes: 1e9, maxChannels: 100 });
    const hub = new Hub(backend, { delivery: { ...limits, stuckTimeoutMs: 1000 }, heartbeatIntervalMs: 15_000, observer });
    const first = (await hub.publish(newImage('a'))).record;
    await hub.publish(newImage('a'));
    const resuming = subscribe(hub, 'a', first.id);
    await settle();
    assert.equal(told.replayed, 1, 'the image after its Last-Event-ID');

    const slow = subscribe(hub, 'a');
    await settle();
    slow.sink.full = true;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await hub.publish(newImage('a'))).record.id);
    assert.equal(told.published, 7);
    // The slow viewer took its latest image and the first live one, then waited: of 4 more, 2 fit its queue.
    assert.equal(told.skipped, 2);
    assert.equal(told.frameBytes, [...resuming.sink.frames, ...slow.sink.frames].reduce((sum, frame) => sum + frame.length, 0));
    mock.timers.tick(1000);
    assert.equal(told.stuck, 1);
    assert.equal(slow.sink.closedWith, 'abort');
    assert.equal(told.live, resuming.sink.frames.length - 1 + slow.sink.frames.length);
    await hub.close();
  });
});
