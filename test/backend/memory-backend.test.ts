import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryLimits } from '../../src/backend/channel-backend.js';
import { MemoryBackend } from '../../src/backend/memory/memory-backend.js';
import { RelayError } from '../../src/core/errors.js';
import { retainedSize } from '../../src/core/retained-size.js';
import { newImage } from '../support/images.js';

const roomy: HistoryLimits = { maxImagesPerChannel: 100, maxBytesPerChannel: 1e9, maxTotalBytes: 1e9, maxChannels: 100 };

describe('MemoryBackend history limits', () => {
  it('keeps at most maxImagesPerChannel, dropping the oldest', async () => {
    const backend = new MemoryBackend({ ...roomy, maxImagesPerChannel: 3 });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await backend.append(newImage('a'))).id);
    const kept = await backend.readAfter('a', '0-0');
    assert.deepEqual(kept.map((image) => image.id), ids.slice(2));
  });

  it('keeps a channel within its byte bound but never drops its latest image', async () => {
    const one = retainedSize({ ...newImage('a', 1000), id: '1-0', publishedAt: 0 });
    const backend = new MemoryBackend({ ...roomy, maxBytesPerChannel: one * 2 });
    for (let i = 0; i < 4; i++) await backend.append(newImage('a', 1000));
    assert.equal((await backend.readAfter('a', '0-0')).length, 2);
    const huge = await backend.append(newImage('a', 10_000));
    assert.deepEqual((await backend.readAfter('a', '0-0')).map((image) => image.id), [huge.id]);
    assert.equal((await backend.latest('a'))?.id, huge.id);
  });

  it('holds the whole server to one budget, evicting the oldest image of any channel first', async () => {
    const one = retainedSize({ ...newImage('a', 1000), id: '1-0', publishedAt: 0 });
    const backend = new MemoryBackend({ ...roomy, maxTotalBytes: one * 4 });
    const a1 = await backend.append(newImage('a', 1000));
    const b1 = await backend.append(newImage('b', 1000));
    const a2 = await backend.append(newImage('a', 1000));
    const b2 = await backend.append(newImage('b', 1000));
    const c1 = await backend.append(newImage('c', 1000)); // over budget: a1 (oldest anywhere) goes
    assert.deepEqual((await backend.readAfter('a', '0-0')).map((i) => i.id), [a2.id]);
    assert.deepEqual((await backend.readAfter('b', '0-0')).map((i) => i.id), [b1.id, b2.id]);
    await backend.append(newImage('c', 1000)); // b1 next; a2 is a's latest and stays
    assert.deepEqual((await backend.readAfter('b', '0-0')).map((i) => i.id), [b2.id]);
    assert.ok(backend.heldBytes <= one * 4);
    assert.ok(a1 && c1);
  });

  it('keeps every channel latest even when they alone exceed the budget', async () => {
    const backend = new MemoryBackend({ ...roomy, maxTotalBytes: 10 });
    for (const channel of ['a', 'b', 'c']) await backend.append(newImage(channel, 1000));
    for (const channel of ['a', 'b', 'c']) assert.ok(await backend.latest(channel));
  });

  it('refuses a new channel past maxChannels', async () => {
    const backend = new MemoryBackend({ ...roomy, maxChannels: 2 });
    await backend.append(newImage('a'));
    await backend.append(newImage('b'));
    await backend.append(newImage('a'));
    await assert.rejects(backend.append(newImage('c')), (error: unknown) => {
      return error instanceof RelayError && error.code === 'too_many_channels';
    });
  });

  it('reads after an id: nothing when it is the newest, everything when it is older than history', async () => {
    const backend = new MemoryBackend({ ...roomy, maxImagesPerChannel: 2 });
    const first = await backend.append(newImage('a'));
    const second = await backend.append(newImage('a'));
    const third = await backend.append(newImage('a'));
    assert.deepEqual(await backend.readAfter('a', third.id), []);
    assert.deepEqual((await backend.readAfter('a', second.id)).map((i) => i.id), [third.id]);
    assert.deepEqual((await backend.readAfter('a', first.id)).map((i) => i.id), [second.id, third.id]);
    assert.deepEqual((await backend.readAfter('a', '1-0')).map((i) => i.id), [second.id, third.id]);
    assert.deepEqual(await backend.readAfter('nobody', '1-0'), []);
  });
});
