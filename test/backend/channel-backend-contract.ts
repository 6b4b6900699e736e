import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ChannelBackend } from '../../src/core/storage/channel-backend.js';
import type { HistoryLimits } from '../../src/core/storage/history-limits.js';
import { RelayError } from '../../src/core/errors.js';
import { compareEventIds } from '../../src/core/event-id.js';
import type { ImageRecord } from '../../src/core/image-record.js';
import { retainedSize } from '../../src/core/retained-size.js';
import { newImage } from '../support/images.js';
import { waitFor } from '../support/wait-for.js';

/** A backend for one test, and how to release it (and whatever it runs on). */
export interface BackendUnderTest {
  readonly backend: ChannelBackend;
  cleanup(): Promise<void>;
}

/** Makes a fresh, empty backend with the given limits: each test gets its own. */
export type BackendFactory = (limits: HistoryLimits) => Promise<BackendUnderTest>;

export const ROOMY_LIMITS: HistoryLimits = { maxImagesPerChannel: 100, maxBytesPerChannel: 1e9, maxTotalBytes: 1e9, maxChannels: 100 };

const ids = (images: readonly ImageRecord[]): string[] => images.map((image) => image.id);

/** What one image of `size` bytes counts against the byte limits. */
const costOf = (size: number): number => retainedSize({ ...newImage('a', size), id: '1-0', publishedAt: 0 });

/**
 * What every ChannelBackend must do, whatever it stores in: one suite, run against each implementation (as hono
 * runs one suite against all its routers). `listen` may deliver asynchronously (another process's append reaches
 * a shared backend later), so the suite waits for it rather than expecting it at once.
 */
export function runChannelBackendContract(name: string, makeBackend: BackendFactory, skip?: string): void {
  describe(`ChannelBackend contract: ${name}`, { skip }, () => {
    const opened: BackendUnderTest[] = [];
    const open = async (limits: Partial<HistoryLimits> = {}): Promise<ChannelBackend> => {
      const underTest = await makeBackend({ ...ROOMY_LIMITS, ...limits });
      opened.push(underTest);
      return underTest.backend;
    };
    afterEach(async () => {
      for (const underTest of opened.splice(0)) {
        await underTest.backend.close();
        await underTest.cleanup();
      }
    });

    it('stores an image as it was given and returns it as the latest, by id and in history', async () => {
      const backend = await open();
      const image = { ...newImage('cam', 300, 7), meta: { caption: 'front door', step: 3 }, dataUrlHeader: 'data:image/png;base64' };
      const stored = await backend.append(image);
      assert.match(stored.id, /^\d+-\d+$/);
      assert.ok(Math.abs(stored.publishedAt - Date.now()) < 60_000, 'publishedAt is a time in milliseconds');
      for (const found of [await backend.latest('cam'), await backend.get('cam', stored.id), (await backend.readAfter('cam', '0-0'))[0]]) {
        assert.ok(found);
        assert.equal(found.id, stored.id);
        assert.equal(found.channel, 'cam');
        assert.deepEqual(found.bytes.read(), image.bytes.read());
        assert.equal(found.type, 'image/png');
        assert.equal(found.width, 1);
        assert.equal(found.height, 1);
        assert.equal(found.dataUrlHeader, 'data:image/png;base64');
        assert.deepEqual(found.meta, { caption: 'front door', step: 3 });
        assert.equal(found.publishedAt, stored.publishedAt);
      }
    });

    it('issues ids that are unique and strictly increasing across all channels', async () => {
      const backend = await open();
      const stored = await Promise.all(Array.from({ length: 40 }, (_, index) => backend.append(newImage(`c${index % 4}`))));
      const sorted = [...stored].sort((a, b) => compareEventIds(a.id, b.id));
      assert.equal(new Set(ids(stored)).size, stored.length);
      for (let index = 1; index < sorted.length; index++) assert.ok(compareEventIds(sorted[index - 1]!.id, sorted[index]!.id) < 0);
      const sequential = [];
      for (let index = 0; index < 10; index++) sequential.push(await backend.append(newImage(index % 2 ? 'a' : 'b')));
      for (let index = 1; index < sequential.length; index++) {
        assert.ok(compareEventIds(sequential[index - 1]!.id, sequential[index]!.id) < 0, 'later appends get later ids');
      }
    });

    it('knows nothing of a channel or an id it never had', async () => {
      const backend = await open();
      const stored = await backend.append(newImage('a'));
      assert.equal(await backend.latest('nobody'), undefined);
      assert.deepEqual(await backend.readAfter('nobody', '0-0'), []);
      assert.equal(await backend.get('a', '1-0'), undefined);
      assert.equal(await backend.get('a', 'not-an-id'), undefined);
      assert.equal(await backend.get('b', stored.id), undefined, 'an id of another channel');
    });

    it('reads after an id: nothing when it is the newest, everything when it is older than history', async () => {
      const backend = await open({ maxImagesPerChannel: 2 });
      const first = await backend.append(newImage('a'));
      const second = await backend.append(newImage('a'));
      const third = await backend.append(newImage('a'));
      assert.deepEqual(await backend.readAfter('a', third.id), []);
      assert.deepEqual(ids(await backend.readAfter('a', second.id)), [third.id]);
      assert.deepEqual(ids(await backend.readAfter('a', first.id)), [second.id, third.id]);
      assert.deepEqual(ids(await backend.readAfter('a', '1-0')), [second.id, third.id]);
      assert.equal(await backend.get('a', first.id), undefined, 'an evicted image is gone');
    });

    it('reads the newest images of a channel, oldest first, however many are asked for', async () => {
      const backend = await open({ maxImagesPerChannel: 4 });
      const stored = [];
      for (let index = 0; index < 6; index++) stored.push((await backend.append(newImage(index % 2 ? 'a' : 'b', 10, index))).id);
      const ofA = stored.filter((_, index) => index % 2);
      assert.deepEqual(ids(await backend.recent('a', 2)), ofA.slice(-2));
      assert.deepEqual(ids(await backend.recent('a', 1)), ofA.slice(-1));
      assert.deepEqual(ids(await backend.recent('a', 1000)), ofA, 'all of it when it holds fewer');
      assert.deepEqual(await backend.recent('a', 0), []);
      assert.deepEqual(await backend.recent('nobody', 5), []);
      for (let index = 0; index < 3; index++) ofA.push((await backend.append(newImage('a', 10, 10 + index))).id);
      assert.deepEqual(ids(await backend.recent('a', 10)), ofA.slice(-4), 'what history evicted is not read');
      const [newest] = await backend.recent('a', 1);
      assert.deepEqual(newest!.bytes.read(), newImage('a', 10, 12).bytes.read());
    });

    it('lists every channel with its latest id, count, bytes and time', async () => {
      const backend = await open();
      await backend.append(newImage('a', 100));
      const a2 = await backend.append(newImage('a', 200));
      const b1 = await backend.append(newImage('b', 50));
      const summaries = (await backend.channels()).sort((x, y) => x.channel.localeCompare(y.channel));
      assert.deepEqual(summaries, [
        { channel: 'a', latestId: a2.id, imageCount: 2, heldBytes: costOf(100) + costOf(200), lastPublishedAt: a2.publishedAt },
        { channel: 'b', latestId: b1.id, imageCount: 1, heldBytes: costOf(50), lastPublishedAt: b1.publishedAt },
      ]);
    });

    it('tells every listener of every append, once each, in id order, until it stops listening', async () => {
      const backend = await open();
      const heard: ImageRecord[] = [];
      const stop = backend.listen((image) => heard.push(image));
      const stored = [];
      for (let index = 0; index < 12; index++) stored.push(await backend.append(newImage(['a', 'b', 'c'][index % 3]!, 10, index)));
      await waitFor(() => heard.length >= stored.length, 'every append to be heard');
      assert.deepEqual(ids(heard), ids(stored));
      assert.deepEqual(heard[5]!.bytes.read(), stored[5]!.bytes.read());
      stop();
      await backend.append(newImage('a'));
      const marker = backend.listen(() => undefined);
      marker();
      const later: ImageRecord[] = [];
      backend.listen((image) => later.push(image));
      const last = await backend.append(newImage('a'));
      await waitFor(() => later.some((image) => image.id === last.id), 'a later listener to hear the next append');
      assert.equal(heard.length, stored.length, 'a listener that stopped hears nothing more');
    });

    it('keeps at most maxImagesPerChannel, dropping the oldest', async () => {
      const backend = await open({ maxImagesPerChannel: 3 });
      const stored = [];
      for (let index = 0; index < 5; index++) stored.push((await backend.append(newImage('a'))).id);
      assert.deepEqual(ids(await backend.readAfter('a', '0-0')), stored.slice(2));
    });

    it('keeps a channel within its byte bound but never drops its latest image', async () => {
      const backend = await open({ maxBytesPerChannel: costOf(1000) * 2 });
      for (let index = 0; index < 4; index++) await backend.append(newImage('a', 1000));
      assert.equal((await backend.readAfter('a', '0-0')).length, 2);
      const huge = await backend.append(newImage('a', 10_000));
      assert.deepEqual(ids(await backend.readAfter('a', '0-0')), [huge.id]);
      assert.equal((await backend.latest('a'))?.id, huge.id);
    });

    it('holds all channels to one budget, evicting the oldest image of any channel first', async () => {
      const backend = await open({ maxTotalBytes: costOf(1000) * 4 });
      await backend.append(newImage('a', 1000));
      const b1 = await backend.append(newImage('b', 1000));
      const a2 = await backend.append(newImage('a', 1000));
      const b2 = await backend.append(newImage('b', 1000));
      await backend.append(newImage('c', 1000)); // over budget: a1, the oldest anywhere, goes
      assert.deepEqual(ids(await backend.readAfter('a', '0-0')), [a2.id]);
      assert.deepEqual(ids(await backend.readAfter('b', '0-0')), [b1.id, b2.id]);
      await backend.append(newImage('c', 1000)); // b1 next: a2 is a's latest and stays
      assert.deepEqual(ids(await backend.readAfter('b', '0-0')), [b2.id]);
      const held = (await backend.channels()).reduce((sum, summary) => sum + summary.heldBytes, 0);
      assert.ok(held <= costOf(1000) * 4);
    });

    it('keeps every channel latest even when they alone exceed the budget', async () => {
      const backend = await open({ maxTotalBytes: 10 });
      for (const channel of ['a', 'b', 'c']) await backend.append(newImage(channel, 1000));
      for (const channel of ['a', 'b', 'c']) await backend.append(newImage(channel, 1000));
      for (const channel of ['a', 'b', 'c']) assert.equal((await backend.readAfter(channel, '0-0')).length, 1);
    });

    it('refuses a new channel past maxChannels, and still takes images for the ones it has', async () => {
      const backend = await open({ maxChannels: 2 });
      await backend.append(newImage('a'));
      await backend.append(newImage('b'));
      await backend.append(newImage('a'));
      await assert.rejects(backend.append(newImage('c')), (error: unknown) => error instanceof RelayError && error.code === 'too_many_channels');
      assert.equal(await backend.latest('c'), undefined);
    });
  });
}
