import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventSource } from 'eventsource';
import { solidPng } from '../support/png.js';
import { publishDataUrl, startRelay, toDataUrl, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';

function distinctImages(count: number, label: string): string[] {
  return Array.from({ length: count }, (_, i) => toDataUrl(solidPng(2, 2, [i, 0, 0], { tag: `${label}-${i}` })));
}

async function publishAll(baseUrl: string, images: string[], channel: string): Promise<string[]> {
  const ids: string[] = [];
  for (const image of images) {
    const { status, body } = await publishDataUrl(baseUrl, image, channel);
    assert.equal(status, 200);
    ids.push(body.id as string);
  }
  return ids;
}

describe('many viewers, latest image and replay', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay({ history: { maxImagesPerChannel: 5 } });
  });
  after(() => server.close());

  it('delivers every image to each of 50 viewers, in publish order', async () => {
    const viewers = await Promise.all(Array.from({ length: 50 }, () => SseReader.open(`${server.url}/sse-image?channel=fan`)));
    try {
      const images = distinctImages(10, 'fan');
      const ids = await publishAll(server.url, images, 'fan');
      for (const viewer of viewers) {
        const events = await viewer.waitForEvents(10);
        assert.deepEqual(events.map((event) => event.data), images);
        assert.deepEqual(events.map((event) => event.id), ids);
      }
    } finally {
      for (const viewer of viewers) viewer.close();
    }
  });

  it('sends a late joiner the latest image at once, and only that', async () => {
    const images = distinctImages(3, 'late');
    await publishAll(server.url, images, 'late');
    const source = new EventSource(`${server.url}/sse-image?channel=late`);
    try {
      const first = await new Promise<MessageEvent>((resolve) => (source.onmessage = resolve));
      assert.equal(first.data, images[2]);
    } finally {
      source.close();
    }
  });

  it('replays what a viewer missed after Last-Event-ID, from the header or the query', async () => {
    const images = distinctImages(4, 'replay');
    const ids = await publishAll(server.url, images, 'replay');
    const byHeader = await SseReader.open(`${server.url}/sse-image?channel=replay`, { headers: { 'last-event-id': ids[1]! } });
    const byQuery = await SseReader.open(`${server.url}/sse-image?channel=replay&lastEventId=${ids[1]}`);
    try {
      for (const viewer of [byHeader, byQuery]) {
        const events = await viewer.waitForEvents(2);
        assert.deepEqual(events.map((event) => event.id), ids.slice(2));
      }
      const [next] = await publishAll(server.url, distinctImages(1, 'replay-next'), 'replay');
      await byHeader.waitForEvents(3);
      assert.equal(byHeader.events[2]!.id, next);
      assert.equal(byHeader.events.length, 3, 'no image twice');
    } finally {
      byHeader.close();
      byQuery.close();
    }
  });

  it('resumes an EventSource after its connection drops, missing nothing still in history', async () => {
    const images = distinctImages(4, 'resume');
    await publishAll(server.url, images.slice(0, 1), 'resume');
    const received: string[] = [];
    const source = new EventSource(`${server.url}/sse-image?channel=resume`);
    let opens = 0;
    source.onopen = () => (opens += 1);
    try {
      await new Promise<void>((resolve) => (source.onmessage = (event) => { received.push(event.data as string); resolve(); }));
      // Cut every stream of the channel from the server side; EventSource reconnects with Last-Event-ID.
      const reconnected = new Promise<void>((resolve) => (source.onopen = () => { opens += 1; resolve(); }));
      await publishAll(server.url, images.slice(1, 3), 'resume');
      server.relay.http.server.closeAllConnections();
      await reconnected;
      const done = new Promise<void>((resolve) => (source.onmessage = (event) => {
        received.push(event.data as string);
        if (received.length === 4) resolve();
      }));
      await publishAll(server.url, images.slice(3), 'resume');
      await done;
      assert.deepEqual(received.slice(0, 1), images.slice(0, 1));
      // What arrived before the cut plus the replay: every image exactly once, in order.
      assert.deepEqual([...new Set(received)], images);
      assert.equal(received.length, 4);
      assert.ok(opens >= 2);
    } finally {
      source.close();
    }
  });

  it('sends everything retained when Last-Event-ID is older than the history', async () => {
    const images = distinctImages(8, 'old');
    const ids = await publishAll(server.url, images, 'old');
    const viewer = await SseReader.open(`${server.url}/sse-image?channel=old`, { headers: { 'last-event-id': ids[0]! } });
    try {
      const events = await viewer.waitForEvents(5);
      assert.deepEqual(events.map((event) => event.id), ids.slice(3));
    } finally {
      viewer.close();
    }
  });

  it('treats an id it never issued as none, sending the latest image', async () => {
    const images = distinctImages(2, 'bogus');
    const ids = await publishAll(server.url, images, 'bogus');
    const viewer = await SseReader.open(`${server.url}/sse-image?channel=bogus`, { headers: { 'last-event-id': 'not-an-id' } });
    try {
      const [event] = await viewer.waitForEvents(1);
      assert.equal(event!.id, ids[1]);
    } finally {
      viewer.close();
    }
  });
});
