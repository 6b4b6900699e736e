import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ImageDescription } from '../../src/api-types.js';
import { loadManifest, readFixture } from '../support/fixtures.js';
import { solidPng } from '../support/png.js';
import { startRelay, toDataUrl, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';

type Description = ImageDescription;

async function postRaw(baseUrl: string, channel: string, body: Buffer, contentType: string, init: RequestInit = {}) {
  const response = await fetch(`${baseUrl}/channels/${channel}/images`, {
    method: 'POST',
    ...init,
    headers: { 'content-type': contentType, ...(init.headers as Record<string, string> | undefined) },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Description & { error?: string } };
}

describe('binary ingest and image URLs', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay({ maxImageBytes: 2 * 1024 * 1024, history: { maxImagesPerChannel: 40 } });
  });
  after(() => server.close());

  for (const entry of loadManifest().filter((item) => item.expect !== 'refuse')) {
    it(`takes ${entry.file} as a raw body, reads ${entry.width}x${entry.height}, serves it back byte for byte`, async () => {
      const bytes = readFixture(entry.file);
      const answer = await postRaw(server.url, 'fixtures', bytes, 'application/octet-stream');
      assert.equal(answer.status, 201);
      assert.equal(answer.body.type, entry.type);
      assert.equal(answer.body.width, entry.width);
      assert.equal(answer.body.height, entry.height);
      assert.equal(answer.body.bytes, bytes.length);
      assert.equal(answer.body.channel, 'fixtures');
      assert.equal(answer.body.url, `/channels/fixtures/images/${answer.body.id}`);
      assert.equal(answer.headers.get('location'), answer.body.url);
      assert.ok(!Number.isNaN(Date.parse(answer.body.publishedAt)));

      const image = await fetch(server.url + answer.body.url);
      assert.equal(image.status, 200);
      assert.deepEqual(Buffer.from(await image.arrayBuffer()), bytes);
      assert.equal(image.headers.get('content-type'), entry.type);
      assert.equal(image.headers.get('etag'), `"${answer.body.id}"`);
      assert.equal(image.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(image.headers.get('x-content-type-options'), 'nosniff');
      assert.match(image.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    });
  }

  it('sniffs the type whatever the client declared, and accepts PUT', async () => {
    const jpeg = readFixture('video-001.jpeg');
    const answer = await postRaw(server.url, 'put', jpeg, 'image/png', { method: 'PUT' });
    assert.equal(answer.status, 201);
    assert.equal(answer.body.type, 'image/jpeg');
  });

  it('refuses what is not an accepted image, with the same errors as the original API', async () => {
    const cases: [Buffer, string, number, string][] = [
      [readFixture('not-an-image.txt'), 'image/png', 415, 'not_an_image'],
      [readFixture('svg-with-script.svg'), 'image/svg+xml', 415, 'unsupported_image_type'],
      [readFixture('video-001.bmp'), 'application/octet-stream', 415, 'unsupported_image_type'],
      [readFixture('truncated-header.png'), 'image/png', 415, 'unreadable_image'],
      [Buffer.alloc(0), 'image/png', 400, 'empty_image'],
      [solidPng(2, 2, [0, 0, 0], { padToBytes: 3 * 1024 * 1024 }), 'image/png', 413, 'image_too_large'],
      [readFixture('video-001.png'), 'text/plain', 415, 'unsupported_media_type'],
    ];
    for (const [body, type, status, code] of cases) {
      const answer = await postRaw(server.url, 'refused', body, type);
      assert.equal(answer.status, status, `${code}: got ${answer.status} ${answer.body.error}`);
      assert.equal(answer.body.error, code);
    }
    const badChannel = await postRaw(server.url, 'a%20b', readFixture('video-001.png'), 'image/png');
    assert.equal(badChannel.body.error, 'invalid_channel');
  });

  it('carries bounded metadata: a caption, a header or a JSON field', async () => {
    const png = readFixture('basn6a08.png');
    const byHeader = await postRaw(server.url, 'meta', png, 'image/png', {
      headers: { 'x-image-meta': JSON.stringify({ frame: 7, score: 0.93 }) },
    });
    assert.deepEqual(byHeader.body.meta, { frame: 7, score: 0.93 });
    const response = await fetch(`${server.url}/channels/meta/images?caption=front%20door`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: png,
    });
    assert.deepEqual(((await response.json()) as Description).meta, { caption: 'front door' });
    const json = await fetch(`${server.url}/channels/meta/images`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ imageSrc: toDataUrl(png), meta: { source: 'json' }, caption: 'hi' }),
    });
    assert.equal(json.status, 201);
    assert.deepEqual(((await json.json()) as Description).meta, { source: 'json', caption: 'hi' });

    const tooLarge = await postRaw(server.url, 'meta', png, 'image/png', {
      headers: { 'x-image-meta': JSON.stringify({ note: 'x'.repeat(5000) }) },
    });
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.body.error, 'meta_too_large');
    const notObject = await postRaw(server.url, 'meta', png, 'image/png', { headers: { 'x-image-meta': '[1,2]' } });
    assert.equal(notObject.status, 400);
    assert.equal(notObject.body.error, 'invalid_meta');
  });

  it('publishes every file of a multipart form, in order, with the fields before them', async () => {
    const viewer = await SseReader.open(`${server.url}/channels/form/events`);
    try {
      const form = new FormData();
      form.append('caption', 'burst');
      const files = ['video-001.png', 'video-001.jpeg', 'video-001.lossy.webp'];
      for (const file of files) form.append('image', new Blob([readFixture(file)]), file);
      const response = await fetch(`${server.url}/channels/form/images`, { method: 'POST', body: form });
      assert.equal(response.status, 201);
      const { images } = (await response.json()) as { images: Description[] };
      assert.deepEqual(images.map((image) => image.type), ['image/png', 'image/jpeg', 'image/webp']);
      assert.ok(images.every((image) => image.meta?.caption === 'burst'));
      const events = await viewer.waitForEvents(3);
      assert.deepEqual(events.map((event) => event.id), images.map((image) => image.id));
      for (const [index, image] of images.entries()) {
        const bytes = Buffer.from(await (await fetch(server.url + image.url)).arrayBuffer());
        assert.deepEqual(bytes, readFixture(files[index]!));
      }
    } finally {
      viewer.close();
    }
  });

  it('refuses a form with no file, too many files, or a file that is not an image', async () => {
    const empty = new FormData();
    empty.append('caption', 'nothing');
    const none = await fetch(`${server.url}/channels/form2/images`, { method: 'POST', body: empty });
    assert.equal(none.status, 400);
    assert.equal(((await none.json()) as { error: string }).error, 'no_image');

    const many = new FormData();
    for (let i = 0; i < 9; i++) many.append('image', new Blob([readFixture('basn0g01.png')]), `${i}.png`);
    const tooMany = await fetch(`${server.url}/channels/form2/images`, { method: 'POST', body: many });
    assert.equal(tooMany.status, 413);
    assert.equal(((await tooMany.json()) as { error: string }).error, 'too_many_files');

    const mixed = new FormData();
    mixed.append('image', new Blob([readFixture('basn0g01.png')]), 'ok.png');
    mixed.append('image', new Blob([readFixture('page.html')]), 'evil.png');
    const refused = await fetch(`${server.url}/channels/form2/images`, { method: 'POST', body: mixed });
    assert.equal(refused.status, 415);
    const body = (await refused.json()) as { error: string; published: Description[] };
    assert.equal(body.error, 'not_an_image');
    assert.equal(body.published.length, 1, 'the refusal says which images before it were published');
  });

  it('serves the latest image with revalidation', async () => {
    const first = await postRaw(server.url, 'latest', readFixture('video-001.png'), 'image/png');
    const response = await fetch(`${server.url}/channels/latest/latest`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    assert.equal(response.headers.get('etag'), `"${first.body.id}"`);
    const unchanged = await fetch(`${server.url}/channels/latest/latest`, { headers: { 'if-none-match': `"${first.body.id}"` } });
    assert.equal(unchanged.status, 304);
    const second = await postRaw(server.url, 'latest', readFixture('video-001.gif'), 'image/gif');
    const changed = await fetch(`${server.url}/channels/latest/latest`, { headers: { 'if-none-match': `"${first.body.id}"` } });
    assert.equal(changed.status, 200);
    assert.equal(changed.headers.get('etag'), `"${second.body.id}"`);
    assert.equal(changed.headers.get('content-type'), 'image/gif');
    const none = await fetch(`${server.url}/channels/never-published/latest`);
    assert.equal(none.status, 404);
    assert.equal(((await none.json()) as { error: string }).error, 'image_not_found');
  });

  it('answers 404 for an image history no longer holds', async () => {
    const small = await startRelay({ history: { maxImagesPerChannel: 2 } });
    try {
      const first = await postRaw(small.url, 'evict', readFixture('basn0g01.png'), 'image/png');
      assert.equal((await fetch(small.url + first.body.url)).status, 200);
      await postRaw(small.url, 'evict', readFixture('basn0g16.png'), 'image/png');
      await postRaw(small.url, 'evict', readFixture('basn2c16.png'), 'image/png');
      const gone = await fetch(small.url + first.body.url);
      assert.equal(gone.status, 404);
      assert.equal(((await gone.json()) as { error: string }).error, 'image_not_found');
      assert.equal((await fetch(`${small.url}/channels/evict/images/not-an-id`)).status, 404);
    } finally {
      await small.close();
    }
  });

  it('lists channels with their latest id, image count, bytes, viewers and last publish', async () => {
    const fresh = await startRelay();
    const viewer = await SseReader.open(`${fresh.url}/sse-image?channel=listed`);
    try {
      await postRaw(fresh.url, 'listed', readFixture('basn0g01.png'), 'image/png');
      const last = await postRaw(fresh.url, 'listed', readFixture('basn0g16.png'), 'image/png');
      await postRaw(fresh.url, 'other', readFixture('basn0g16.png'), 'image/png');
      const { channels } = (await (await fetch(`${fresh.url}/channels`)).json()) as { channels: Record<string, unknown>[] };
      assert.deepEqual(channels.map((channel) => channel.channel), ['listed', 'other']);
      const listed = channels[0]!;
      assert.equal(listed.latestId, last.body.id);
      assert.equal(listed.latestUrl, last.body.url);
      assert.equal(listed.images, 2);
      assert.equal(listed.viewers, 1);
      assert.ok((listed.bytes as number) > 164 + 167);
      assert.equal(listed.lastPublishedAt, last.body.publishedAt);
    } finally {
      viewer.close();
      await fresh.close();
    }
  });
});
