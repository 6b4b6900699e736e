import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventSource } from 'eventsource';
import { readFixture } from '../support/fixtures.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';

async function publish(baseUrl: string, channel: string, file: string): Promise<{ id: string; url: string }> {
  const response = await fetch(`${baseUrl}/channels/${channel}/images`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: readFixture(file),
  });
  assert.equal(response.status, 201);
  return (await response.json()) as { id: string; url: string };
}

describe('metadata event streams', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay();
  });
  after(() => server.close());

  it('sends named image events describing each image, whose URL serves the bytes', async () => {
    const source = new EventSource(`${server.url}/channels/meta-a/events`);
    try {
      await new Promise<void>((resolve) => (source.onopen = () => resolve()));
      const received = new Promise<MessageEvent>((resolve) => source.addEventListener('image', resolve));
      let unnamed = 0;
      source.onmessage = () => (unnamed += 1);
      const published = await publish(server.url, 'meta-a', 'video-001.avif');
      const event = await received;
      const data = JSON.parse(event.data as string) as Record<string, unknown>;
      assert.equal(event.lastEventId, published.id);
      assert.deepEqual(Object.keys(data).sort(), ['bytes', 'channel', 'height', 'id', 'publishedAt', 'thumbnailUrl', 'type', 'url', 'width']);
      assert.equal(data.type, 'image/avif');
      assert.equal(data.width, 150);
      assert.equal(data.height, 103);
      assert.equal(data.dataUrl, undefined, 'no bytes in a metadata event');
      const bytes = Buffer.from(await (await fetch(server.url + (data.url as string))).arrayBuffer());
      assert.deepEqual(bytes, readFixture('video-001.avif'));
      assert.equal(unnamed, 0);
    } finally {
      source.close();
    }
  });

  it('embeds the data: URL with ?inline=1', async () => {
    const viewer = await SseReader.open(`${server.url}/channels/meta-inline/events?inline=1`);
    try {
      await publish(server.url, 'meta-inline', 'video-001.gif');
      const [event] = await viewer.waitForEvents(1);
      const data = JSON.parse(event!.data) as { dataUrl: string; type: string };
      assert.equal(event!.event, 'image');
      assert.equal(data.dataUrl, `data:image/gif;base64,${readFixture('video-001.gif').toString('base64')}`);
    } finally {
      viewer.close();
    }
  });

  it('follows several channels on one connection, latest of each first, then every image in order', async () => {
    const before1 = await publish(server.url, 'wall-1', 'basn0g01.png');
    const before2 = await publish(server.url, 'wall-2', 'basn0g16.png');
    const viewer = await SseReader.open(`${server.url}/events?channel=wall-1&channel=wall-2,wall-3`);
    try {
      const initial = await viewer.waitForEvents(2);
      assert.deepEqual(initial.map((event) => event.id), [before1.id, before2.id]);
      const live = [
        await publish(server.url, 'wall-3', 'basn2c16.png'),
        await publish(server.url, 'wall-1', 'basn3p08.png'),
        await publish(server.url, 'elsewhere', 'basn6a08.png'),
        await publish(server.url, 'wall-2', 'basn6a08.png'),
      ];
      const events = await viewer.waitForEvents(5);
      assert.deepEqual(events.slice(2).map((event) => event.id), [live[0]!.id, live[1]!.id, live[3]!.id]);
      const channels = events.map((event) => (JSON.parse(event.data) as { channel: string }).channel);
      assert.deepEqual(channels, ['wall-1', 'wall-2', 'wall-3', 'wall-1', 'wall-2']);
    } finally {
      viewer.close();
    }
  });

  it('follows every channel with channel=*, starting from each channel latest', async () => {
    const fresh = await startRelay();
    try {
      const a = await publish(fresh.url, 'all-a', 'basn0g01.png');
      const b = await publish(fresh.url, 'all-b', 'basn0g16.png');
      const viewer = await SseReader.open(`${fresh.url}/events?channel=*&channel=all-a`);
      try {
        const initial = await viewer.waitForEvents(2);
        assert.deepEqual(initial.map((event) => event.id), [a.id, b.id]);
        const c = await publish(fresh.url, 'all-c', 'basn2c16.png');
        const d = await publish(fresh.url, 'all-a', 'basn2c16.png');
        const events = await viewer.waitForEvents(4);
        assert.deepEqual(events.slice(2).map((event) => event.id), [c.id, d.id], 'each image once, though named twice');
      } finally {
        viewer.close();
      }
    } finally {
      await fresh.close();
    }
  });

  it('lists a channel history, newest last, limited by ?limit=', async () => {
    const ids = [];
    for (const file of ['basn0g01.png', 'basn0g16.png', 'basn2c16.png']) ids.push((await publish(server.url, 'strip', file)).id);
    const all = (await (await fetch(`${server.url}/channels/strip/images`)).json()) as { images: { id: string }[] };
    assert.deepEqual(all.images.map((image) => image.id), ids);
    const last2 = (await (await fetch(`${server.url}/channels/strip/images?limit=2`)).json()) as { images: { id: string }[] };
    assert.deepEqual(last2.images.map((image) => image.id), ids.slice(1));
  });

  it('replays after Last-Event-ID across the channels of a stream', async () => {
    const first = await publish(server.url, 'resume-1', 'basn0g01.png');
    const missed = [await publish(server.url, 'resume-2', 'basn0g16.png'), await publish(server.url, 'resume-1', 'basn2c16.png')];
    const viewer = await SseReader.open(`${server.url}/events?channel=resume-1&channel=resume-2`, {
      headers: { 'last-event-id': first.id },
    });
    try {
      const events = await viewer.waitForEvents(2);
      assert.deepEqual(events.map((event) => event.id), missed.map((image) => image.id));
    } finally {
      viewer.close();
    }
  });

  it('shows binary uploads on the original stream as data: URLs', async () => {
    const viewer = await SseReader.open(`${server.url}/sse-image?channel=bridge`);
    try {
      await publish(server.url, 'bridge', 'video-001.lossy.webp');
      const [event] = await viewer.waitForEvents(1);
      assert.equal(event!.event, undefined);
      assert.equal(event!.data, `data:image/webp;base64,${readFixture('video-001.lossy.webp').toString('base64')}`);
    } finally {
      viewer.close();
    }
  });

  it('refuses a multi-channel stream with no channel, a bad name, or too many', async () => {
    for (const query of ['', '?channel=', '?channel=ok&channel=no%20spaces', `?${Array.from({ length: 65 }, (_, i) => `channel=c${i}`).join('&')}`]) {
      const response = await fetch(`${server.url}/events${query}`);
      assert.equal(response.status, 400, query.slice(0, 40));
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_channel');
    }
  });

  it('uses the configured public URL in image URLs', async () => {
    const prefixed = await startRelay({ publicUrl: 'https://relay.example.com/base' });
    try {
      const response = await fetch(`${prefixed.url}/channels/p/images`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: readFixture('basn0g01.png'),
      });
      const body = (await response.json()) as { id: string; url: string };
      assert.equal(body.url, `https://relay.example.com/base/channels/p/images/${body.id}`);
    } finally {
      await prefixed.close();
    }
  });
});
