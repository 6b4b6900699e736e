import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { readFixture } from '../support/fixtures.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';

interface Published {
  id: string;
  url: string;
  thumbnailUrl: string;
}

async function publish(baseUrl: string, channel: string, file: string): Promise<Published> {
  const response = await fetch(`${baseUrl}/channels/${channel}/images`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: readFixture(file),
  });
  assert.equal(response.status, 201);
  return (await response.json()) as Published;
}

async function fetchBytes(url: string, headers: Record<string, string> = {}): Promise<{ response: Response; bytes: Buffer }> {
  const response = await fetch(url, { headers });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('image variants', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay();
  });
  after(() => server.close());

  it('serves a resized, re-encoded variant with the original\'s caching and inert-content headers', async () => {
    const image = await publish(server.url, 'var-photo', 'photo-like-4000x3000.jpg');
    const { response, bytes } = await fetchBytes(`${server.url}${image.url}?w=320&format=webp`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/webp');
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'.*sandbox/);
    assert.match(response.headers.get('content-disposition') ?? '', /\.webp"$/);
    const metadata = await sharp(bytes).metadata();
    assert.deepEqual([metadata.format, metadata.width, metadata.height], ['webp', 320, 240]);

    const etag = response.headers.get('etag')!;
    const original = await fetch(server.url + image.url);
    await original.arrayBuffer();
    assert.notEqual(etag, original.headers.get('etag'), 'a variant is not its original for a cache');
    const encodes = server.relay.variants.stats.encodes;
    const revalidated = await fetch(`${server.url}${image.url}?w=320&format=webp&q=60`, { headers: { 'if-none-match': `"${image.id}.w320-h-inside-webp-q60"` } });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.headers.get('etag'), `"${image.id}.w320-h-inside-webp-q60"`);
    assert.equal(server.relay.variants.stats.encodes, encodes, 'a revalidation costs no encode');
    assert.equal((await fetch(`${server.url}${image.url}?w=320&format=webp`, { headers: { 'if-none-match': etag } })).status, 304);

    const latest = await fetchBytes(`${server.url}/channels/var-photo/latest?w=160`);
    assert.equal(latest.response.headers.get('cache-control'), 'no-cache');
    assert.deepEqual([(await sharp(latest.bytes).metadata()).width, latest.response.headers.get('content-type')], [160, 'image/jpeg']);
  });

  it('keeps images, variants and the latest image out of shared caches under access control', async () => {
    const guarded = await startRelay({ access: { tokens: 'variant-device-secret-01=publish+subscribe@*', jwt: undefined } });
    try {
      const authorization = { authorization: 'Bearer variant-device-secret-01' };
      const response = await fetch(`${guarded.url}/channels/var-private/images`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', ...authorization },
        body: readFixture('photo-like-4000x3000.jpg'),
      });
      const image = (await response.json()) as Published;
      for (const [path, expected] of [
        [image.url, 'private, max-age=31536000, immutable'],
        [`${image.url}?w=320&format=webp`, 'private, max-age=31536000, immutable'],
        ['/channels/var-private/latest', 'private, no-cache'],
        ['/channels/var-private/latest?w=160', 'private, no-cache'],
      ] as const) {
        const { response: served } = await fetchBytes(guarded.url + path, authorization);
        assert.equal(served.status, 200, path);
        assert.equal(served.headers.get('cache-control'), expected, path);
      }
    } finally {
      await guarded.close();
    }
  });

  it('produces each format, size and fit as asked', async () => {
    const image = await publish(server.url, 'var-rose', 'yellow_rose.lossless.webp'); // 400 × 301
    const cases: [string, string, number, number][] = [
      ['w=160&format=jpeg', 'jpeg', 160, 120],
      ['w=160&format=png', 'png', 160, 120],
      ['w=160&format=avif&q=40', 'heif', 160, 120],
      ['h=160', 'webp', 213, 160],
      ['w=160&h=160&fit=cover', 'webp', 160, 160],
      ['w=160&h=160&fit=contain', 'webp', 160, 160],
      ['w=160&h=160', 'webp', 160, 120],
      // Never enlarged: asking for more than the original has gives the original's size.
      ['w=640&format=jpeg', 'jpeg', 400, 301],
    ];
    for (const [query, format, width, height] of cases) {
      const { response, bytes } = await fetchBytes(`${server.url}${image.url}?${query}`);
      assert.equal(response.status, 200, query);
      const metadata = await sharp(bytes).metadata();
      assert.deepEqual([metadata.format, metadata.width, metadata.height], [format, width, height], query);
    }
  });

  it('fits a variant asked for without a size within 1920 pixels', async () => {
    const image = await publish(server.url, 'var-full', 'photo-like-4000x3000.jpg');
    const { response, bytes } = await fetchBytes(`${server.url}${image.url}?format=png`);
    assert.equal(response.status, 200);
    const metadata = await sharp(bytes).metadata();
    assert.deepEqual([metadata.format, metadata.width, metadata.height], ['png', 1920, 1440]);
  });

  it('serves the original\'s bytes and ETag for a variant that would neither shrink it nor change its format', async () => {
    const image = await publish(server.url, 'var-small', 'video-001.png'); // 150 × 103
    const original = await fetchBytes(server.url + image.url);
    const encodes = server.relay.variants.stats.encodes;
    for (const query of ['w=320', 'w=160&h=160&fit=cover', 'format=png', 'w=640&q=40']) {
      const { response, bytes } = await fetchBytes(`${server.url}${image.url}?${query}`);
      assert.equal(response.status, 200, query);
      assert.deepEqual(bytes, readFixture('video-001.png'), query);
      assert.equal(response.headers.get('content-type'), 'image/png', query);
      assert.equal(response.headers.get('etag'), original.response.headers.get('etag'), query);
      assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable', query);
      const revalidated = await fetch(`${server.url}${image.url}?${query}`, { headers: { 'if-none-match': response.headers.get('etag')! } });
      assert.equal(revalidated.status, 304, query);
    }
    assert.equal(server.relay.variants.stats.encodes, encodes, 'nothing was encoded');
    const thumbnail = await fetchBytes(server.url + image.thumbnailUrl);
    assert.deepEqual(thumbnail.bytes, readFixture('video-001.png'), 'its thumbnail is itself');
    const webp = await fetchBytes(`${server.url}${image.url}?w=320&format=webp`);
    assert.equal((await sharp(webp.bytes).metadata()).format, 'webp', 'another format is still encoded');
  });

  it('refuses parameters outside the allowed set with 400 invalid_variant', async () => {
    const image = await publish(server.url, 'var-bad', 'video-001.png');
    for (const query of ['w=100', 'w=abc', 'w=320.0', 'w=-320', 'h=4000', 'q=10', 'q=96', 'q=8x', 'format=gif', 'format=svg', 'fit=fill', 'w=160&w=320']) {
      const response = await fetch(`${server.url}${image.url}?${query}`);
      assert.equal(response.status, 400, query);
      const body = (await response.json()) as { error: string; message: string };
      assert.equal(body.error, 'invalid_variant', query);
      assert.ok(body.message.length > 0);
    }
    assert.equal((await fetch(`${server.url}/channels/var-bad/events?w=123`)).status, 400);
  });

  it('encodes a variant once however many ask for it at the same time', async () => {
    const image = await publish(server.url, 'var-flight', 'photo-like-4000x3000.jpg');
    const before = server.relay.variants.stats.encodes;
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => fetchBytes(`${server.url}${image.url}?w=640&format=jpeg&q=70`)),
    );
    assert.ok(answers.every(({ response }) => response.status === 200));
    assert.ok(answers.every(({ bytes }) => bytes.equals(answers[0]!.bytes)));
    assert.equal(server.relay.variants.stats.encodes - before, 1, 'one encode for 40 concurrent requests');
    // A request that normalizes to the same variant (the fit is moot with one side given) is the same one.
    await fetchBytes(`${server.url}${image.url}?q=70&format=jpeg&w=640&fit=cover`);
    assert.equal(server.relay.variants.stats.encodes - before, 1);
    await fetchBytes(`${server.url}${image.url}?w=160&format=jpeg&q=70`);
    assert.equal(server.relay.variants.stats.encodes - before, 2, 'another size is another encode');
  });

  it('keeps encoded variants under the cache\'s byte bound, the least recently used going first', async () => {
    const bounded = await startRelay({ variants: { cacheBytes: 30_000, concurrency: 2 } });
    try {
      const image = await publish(bounded.url, 'var-bound', 'photo-like-4000x3000.jpg');
      const variant = (query: string) => fetchBytes(`${bounded.url}${image.url}?${query}`);
      const first = await variant('w=640&format=webp');
      assert.ok(first.bytes.length > 15_000 && first.bytes.length < 30_000, `a WebP of ${first.bytes.length} bytes fills most of the cache`);
      await variant('w=640&format=webp');
      assert.equal(bounded.relay.variants.stats.encodes, 1, 'the second request is served from the cache');
      await variant('w=640&h=320&fit=cover&format=webp');
      assert.ok(bounded.relay.variants.stats.cachedBytes <= 30_000, `${bounded.relay.variants.stats.cachedBytes} bytes cached`);
      await variant('w=640&format=webp');
      assert.equal(bounded.relay.variants.stats.encodes, 3, 'the first variant was evicted to make room, and encoded again');
    } finally {
      await bounded.close();
    }
  });

  it('refuses a variant of a decompression bomb with 422, and still serves the original as it is', async () => {
    const image = await publish(server.url, 'var-bomb', 'bomb-20000x20000.png');
    const refused = await fetch(`${server.url}${image.url}?w=160`);
    assert.equal(refused.status, 422);
    assert.equal(((await refused.json()) as { error: string }).error, 'image_too_complex');
    const { response, bytes } = await fetchBytes(server.url + image.url);
    assert.equal(response.status, 200);
    assert.deepEqual(bytes, readFixture('bomb-20000x20000.png'));
  });

  it('answers 404 for a variant of an image history has evicted', async () => {
    const small = await startRelay({ history: { maxImagesPerChannel: 1 } });
    try {
      const first = await publish(small.url, 'var-evict', 'video-001.png');
      assert.equal((await fetch(`${small.url}${first.url}?w=160`)).status, 200);
      await publish(small.url, 'var-evict', 'video-001.jpeg');
      const gone = await fetch(`${small.url}${first.url}?w=160`);
      assert.equal(gone.status, 404);
      assert.equal(((await gone.json()) as { error: string }).error, 'image_not_found');
    } finally {
      await small.close();
    }
  });

  it('describes every image with a thumbnail URL that serves a small variant', async () => {
    const image = await publish(server.url, 'var-thumb', 'photo-like-4000x3000.jpg');
    assert.equal(image.thumbnailUrl, `${image.url}?w=320`);
    const { response, bytes } = await fetchBytes(server.url + image.thumbnailUrl);
    assert.equal(response.headers.get('content-type'), 'image/jpeg');
    assert.equal((await sharp(bytes).metadata()).width, 320);
    const listing = (await (await fetch(`${server.url}/channels`)).json()) as { channels: { channel: string; latestThumbnailUrl: string }[] };
    assert.equal(listing.channels.find((entry) => entry.channel === 'var-thumb')?.latestThumbnailUrl, image.thumbnailUrl);
  });

  it('points the URLs of a stream asked for a variant at that variant', async () => {
    const viewer = await SseReader.open(`${server.url}/events?channel=var-stream&w=640&format=webp`);
    const plain = await SseReader.open(`${server.url}/channels/var-stream/events`);
    try {
      const image = await publish(server.url, 'var-stream', 'photo-like-4000x3000.jpg');
      const [event] = await viewer.waitForEvents(1);
      const data = JSON.parse(event!.data) as { url: string; originalUrl: string; thumbnailUrl: string; width: number };
      assert.equal(data.url, `${image.url}?w=640&format=webp`);
      assert.equal(data.originalUrl, image.url);
      assert.equal(data.thumbnailUrl, image.thumbnailUrl);
      assert.equal(data.width, 4000, 'the description is the original\'s');
      const { bytes } = await fetchBytes(server.url + data.url);
      assert.deepEqual([(await sharp(bytes).metadata()).format, (await sharp(bytes).metadata()).width], ['webp', 640]);
      const [plainEvent] = await plain.waitForEvents(1);
      assert.equal((JSON.parse(plainEvent!.data) as { url: string }).url, image.url, 'other streams are not affected');
    } finally {
      viewer.close();
      plain.close();
    }
  });
});
