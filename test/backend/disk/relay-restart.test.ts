import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { solidPng } from '../../support/png.js';
import { publishDataUrl, startRelay, toDataUrl, type ConfigOverrides } from '../../support/relay-harness.js';
import { tempDataDir } from '../../support/data-dir.js';
import { SseReader } from '../../support/sse-reader.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * The same bytes with the data: URL's spare bits set: base64's last character before "=" padding carries bits
 * no byte uses, which decoders ignore, so re-encoding the bytes would not give this URL back.
 */
function withSpareBitsSet(dataUrl: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const last = dataUrl.replace(/=+$/, '');
  assert.notEqual(last.length, dataUrl.length, 'the test image must need padding');
  const index = alphabet.indexOf(last.at(-1)!);
  return last.slice(0, -1) + alphabet[index ^ 1] + dataUrl.slice(last.length);
}

function diskConfig(dir: string): ConfigOverrides {
  return { dataDir: { dir, maxBytes: 64 * 1024 * 1024 } };
}

describe('a relay with --data-dir, restarted', () => {
  it('serves every image again: the same ids, data: URLs byte for byte, metadata and raw bytes', async () => {
    const data = await tempDataDir();
    try {
      const png = solidPng(5, 3, [10, 200, 30], { tag: 'x' });
      const canonical = toDataUrl(png);
      const published = [canonical, withSpareBitsSet(canonical), toDataUrl(solidPng(7, 7, [1, 2, 3]), 'image/PNG')];
      const first = await startRelay(diskConfig(data.dir));
      const ids: string[] = [];
      for (const imageSrc of published) {
        const answer = await publishDataUrl(first.url, imageSrc, 'cam');
        assert.equal(answer.status, 200);
        ids.push(answer.body.id as string);
      }
      const raw = await fetch(`${first.url}/channels/cam/images?caption=front%20door`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: png,
      });
      assert.equal(raw.status, 201);
      const rawId = ((await raw.json()) as { id: string }).id;
      await first.close();

      const second = await startRelay(diskConfig(data.dir));
      try {
        const replay = await SseReader.open(`${second.url}/sse-image?channel=cam`, { headers: { 'last-event-id': '1-0' } });
        const events = await replay.waitForEvents(4);
        replay.close();
        assert.deepEqual(events.map((event) => event.id), [...ids, rawId]);
        assert.deepEqual(events.slice(0, 3).map((event) => event.data), published, 'data: URLs byte for byte');
        assert.equal(events[3]!.data, canonical, 'a binary upload as the data: URL built from its bytes');

        const image = await fetch(`${second.url}/channels/cam/images/${rawId}`);
        assert.ok(Buffer.from(await image.arrayBuffer()).equals(png));
        assert.equal(image.headers.get('content-type'), 'image/png');
        const listing = (await (await fetch(`${second.url}/channels/cam/images`)).json()) as { images: { id: string; meta?: object; width: number }[] };
        assert.deepEqual(listing.images.at(-1)!.meta, { caption: 'front door' });
        assert.equal(listing.images[0]!.width, 5);
        assert.ok(second.logLines.some((line) => line.msg === 'history restored from the data directory' && line.restored === 4));
      } finally {
        await second.close();
      }
    } finally {
      await data.remove();
    }
  });

  it('answers 503 backend_unavailable when the image cannot be written, and no viewer sees it', async () => {
    const data = await tempDataDir();
    const server = await startRelay(diskConfig(data.dir));
    const viewer = await SseReader.open(`${server.url}/sse-image?channel=cam`);
    try {
      await waitFor(() => server.relay.hub.viewerCount('cam') === 1, 'the viewer');
      await rm(data.dir, { recursive: true });
      const refused = await publishDataUrl(server.url, toDataUrl(solidPng(2, 2, [9, 9, 9])), 'cam');
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error, 'backend_unavailable');

      await mkdir(data.dir);
      await waitFor(async () => (await publishDataUrl(server.url, toDataUrl(solidPng(2, 2, [1, 1, 1])), 'cam')).status === 200, 'a publish to succeed again');
      const [first] = await viewer.waitForEvents(1);
      assert.equal(first!.data, toDataUrl(solidPng(2, 2, [1, 1, 1])), 'the first image the viewer got is the one stored');
    } finally {
      viewer.close();
      await server.close();
      await data.remove();
    }
  });
});
