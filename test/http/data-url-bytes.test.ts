import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IMAGE_HEAD_BYTES } from '../../src/core/image/validate-image.js';
import { readFixture } from '../support/fixtures.js';
import { publishDataUrl, startRelay, toDataUrl, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';

/**
 * A JPEG whose frame header (and so its size) comes after `paddingBytes` of APP2 segments, as after a large ICC
 * profile or EXIF block: what the first IMAGE_HEAD_BYTES of an image cannot tell.
 */
function jpegWithLateFrameHeader(paddingBytes: number): Buffer {
  const original = readFixture('video-001.jpeg');
  const segments: Buffer[] = [];
  for (let left = paddingBytes; left > 0; ) {
    const payload = Math.min(left, 60_000);
    const segment = Buffer.alloc(4 + payload, 0x20);
    segment.writeUInt16BE(0xffe2, 0);
    segment.writeUInt16BE(payload + 2, 2);
    segments.push(segment);
    left -= payload;
  }
  return Buffer.concat([original.subarray(0, 2), ...segments, original.subarray(2)]);
}

async function latestBytes(url: string, channel: string, query = ''): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const response = await fetch(`${url}/channels/${channel}/latest${query}`);
  return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('images published as data: URLs larger than the head the relay checks them by', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay({ maxImageBytes: 4 * 1024 * 1024 });
  });
  after(() => server.close());

  it('serves the bytes of a 1.6 MB JPEG published as JSON, decoded when first asked for, and resizes them', async () => {
    const photo = readFixture('photo-like-4000x3000.jpg');
    assert.ok(photo.length > 20 * IMAGE_HEAD_BYTES);
    const reader = await SseReader.open(`${server.url}/sse-image?channel=photo`);
    try {
      const published = await publishDataUrl(server.url, toDataUrl(photo, 'image/jpeg'), 'photo');
      assert.equal(published.status, 200, JSON.stringify(published.body));
      const [event] = await reader.waitForEvents(1);
      assert.equal(event!.data, toDataUrl(photo, 'image/jpeg'), 'viewers get the URL as sent');
    } finally {
      reader.close();
    }
    const described = (await (await fetch(`${server.url}/channels/photo/images`)).json()) as { images: Record<string, unknown>[] };
    assert.deepEqual([described.images[0]!.width, described.images[0]!.height, described.images[0]!.bytes], [4000, 3000, photo.length]);
    const latest = await latestBytes(server.url, 'photo');
    assert.equal(latest.status, 200);
    assert.ok(latest.bytes.equals(photo), 'the bytes are the ones published');
    assert.ok((await latestBytes(server.url, 'photo')).bytes.equals(photo), 'and the same when asked again');
    const thumbnail = await latestBytes(server.url, 'photo', '?w=160');
    assert.equal(thumbnail.status, 200);
    assert.ok(thumbnail.bytes.length > 0 && thumbnail.bytes.length < photo.length / 10);
  });

  it('reads the size of a JPEG whose frame header lies past the head from the whole image', async () => {
    const jpeg = jpegWithLateFrameHeader(2 * IMAGE_HEAD_BYTES);
    const published = await publishDataUrl(server.url, toDataUrl(jpeg, 'image/jpeg'), 'late-header');
    assert.equal(published.status, 200, JSON.stringify(published.body));
    const described = (await (await fetch(`${server.url}/channels/late-header/images`)).json()) as { images: Record<string, unknown>[] };
    assert.deepEqual([described.images[0]!.width, described.images[0]!.height], [150, 103]);
    assert.ok((await latestBytes(server.url, 'late-header')).bytes.equals(jpeg));
  });

  it('still refuses what is not base64 past the head, and a JPEG that never gives its size', async () => {
    const photo = readFixture('photo-like-4000x3000.jpg');
    const good = toDataUrl(photo, 'image/jpeg');
    // Characters Node's decoder would skip, far past the head: the decoded length no longer matches.
    const spliced = (at: number, text: string): string => good.slice(0, at) + text + good.slice(at + text.length);
    for (const bad of [spliced(good.length - 40_000, '*'), spliced(good.length - 40_000, '-'), spliced(good.length - 40_000, '=A')]) {
      const answer = await publishDataUrl(server.url, bad, 'bad');
      assert.deepEqual([answer.status, answer.body.error], [400, 'invalid_base64']);
    }
    const endless = jpegWithLateFrameHeader(2 * IMAGE_HEAD_BYTES).subarray(0, 2 + 2 * 60_004);
    const answer = await publishDataUrl(server.url, toDataUrl(endless, 'image/jpeg'), 'bad');
    assert.deepEqual([answer.status, answer.body.error], [415, 'unreadable_image']);
    assert.equal((await fetch(`${server.url}/channels/bad/latest`)).status, 404, 'nothing refused was kept');
  });
});
