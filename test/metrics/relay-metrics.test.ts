import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { tempDataDir } from '../support/data-dir.js';
import { scrape } from '../support/metrics.js';
import { solidPng } from '../support/png.js';
import { publishDataUrl, startRelay, toDataUrl } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';
import { MjpegReader } from '../support/mjpeg-reader.js';
import { stalledViewer } from '../support/stalled-viewer.js';
import { waitFor } from '../support/wait-for.js';

const MiB = 1024 * 1024;

describe('GET /metrics', () => {
  it('moves as the traffic does: published, bytes, refused by reason, viewers, deliveries and latency', async () => {
    const server = await startRelay();
    const viewers = await Promise.all([
      SseReader.open(`${server.url}/sse-image?channel=cam`),
      SseReader.open(`${server.url}/sse-image?channel=cam`),
      SseReader.open(`${server.url}/events?channel=lobby`),
    ]);
    try {
      await waitFor(() => server.relay.hub.streamCount === 3, 'three viewers');
      const before = await scrape(server.url);
      assert.equal(before.status, 200);
      assert.match(before.contentType, /^text\/plain; version=0\.0\.4/);
      assert.equal(before.value('image_relay_viewers'), 3);
      assert.equal(before.value('image_relay_channel_viewers{channel="cam"}'), 2);
      assert.equal(before.value('image_relay_channel_viewers{channel="lobby"}'), 1);
      assert.equal(before.value('image_relay_images_published_total'), 0);
      assert.equal(before.value('image_relay_ready'), 1);
      assert.ok(before.samples.has('process_resident_memory_bytes'), 'process metrics too');

      const images = [solidPng(4, 4, [1, 2, 3]), solidPng(9, 9, [4, 5, 6]), solidPng(2, 3, [7, 8, 9])];
      for (const image of images) assert.equal((await publishDataUrl(server.url, toDataUrl(image), 'cam')).status, 200);
      await publishDataUrl(server.url, toDataUrl(images[0]!), 'lobby');
      for (const viewer of viewers.slice(0, 2)) await viewer.waitForEvents(3);
      await viewers[2]!.waitForEvents(1);
      const bad = await fetch(`${server.url}/receive-image`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"imageSrc": ' });
      assert.equal(bad.status, 400);
      await publishDataUrl(server.url, 'data:text/html;base64,PGgxPmhpPC9oMT4=', 'cam');
      await publishDataUrl(server.url, 'data:text/html;base64,PGgxPmhpPC9oMT4=', 'cam');
      await fetch(`${server.url}/no/such/path`);

      const after = await scrape(server.url);
      assert.equal(after.value('image_relay_images_published_total'), 4);
      const imageBytes = images.reduce((sum, image) => sum + image.length, 0) + images[0]!.length;
      assert.equal(after.value('image_relay_received_bytes_total'), imageBytes);
      assert.equal(after.value('image_relay_refusals_total{error="invalid_json"}'), 1);
      assert.equal(after.value('image_relay_refusals_total{error="not_an_image"}'), 2);
      assert.equal(after.value('image_relay_refusals_total{error="not_found"}'), 1);
      assert.equal(after.value('image_relay_images_delivered_total'), 7, '3 images to 2 viewers, 1 to 1');
      const sent = viewers.flatMap((viewer) => viewer.events).reduce((sum, event) => sum + event.dataLength, 0);
      assert.ok(after.value('image_relay_sent_bytes_total') > sent, 'every event byte, framing included');
      assert.equal(after.value('image_relay_publish_to_write_seconds_count'), 7);
      assert.equal(after.value('image_relay_history_images'), 4);
      assert.equal(after.value('image_relay_channels'), 2);
      assert.ok(after.value('image_relay_history_bytes') > imageBytes * 2, 'history counts data: URLs too');
      assert.equal(after.value('image_relay_backend_errors_total'), 0);

      viewers[0]!.close();
      await waitFor(async () => (await scrape(server.url)).value('image_relay_viewers') === 2, 'the viewer to be counted out');
    } finally {
      for (const viewer of viewers) viewer.close();
      await server.close();
    }
  });

  it('counts variant encodes, the bytes their cache holds, and MJPEG viewers', async () => {
    const server = await startRelay();
    let mjpeg: MjpegReader | undefined;
    try {
      const published = await fetch(`${server.url}/channels/cam/images`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: solidPng(400, 300, [200, 10, 10]),
      });
      const { url } = (await published.json()) as { url: string };
      const before = await scrape(server.url);
      assert.equal(before.value('image_relay_variant_encodes_total'), 0);
      assert.equal(before.value('image_relay_variant_cache_bytes'), 0);
      assert.equal(before.value('image_relay_mjpeg_viewers'), 0);

      for (let round = 0; round < 3; round++) assert.equal((await fetch(`${server.url}${url}?w=160`)).status, 200);
      mjpeg = await MjpegReader.open(`${server.url}/channels/cam/mjpeg`);
      await mjpeg.waitForFrames(1);
      const after = await scrape(server.url);
      // One encode for ?w=160 however often it was asked for, one JPEG conversion of the PNG for MJPEG.
      assert.equal(after.value('image_relay_variant_encodes_total'), 2);
      assert.ok(after.value('image_relay_variant_cache_bytes') > 0);
      assert.equal(after.value('image_relay_mjpeg_viewers'), 1);
    } finally {
      mjpeg?.close();
      await server.close();
    }
  });

  it('counts MJPEG viewers\' deliveries, skips and stuck viewers, and lists them among a channel\'s viewers', async () => {
    const server = await startRelay({ delivery: { queueMaxImages: 1, stuckTimeoutMs: 1000 } });
    const publishJpeg = async (jpeg: Buffer): Promise<void> => {
      const response = await fetch(`${server.url}/channels/mj/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: jpeg });
      assert.equal(response.status, 201);
    };
    // JPEG originals go out as they are: noise does not compress, so each frame is about a megabyte.
    const noiseJpeg = (seed: number): Promise<Buffer> =>
      sharp({ create: { width: 900, height: 900, channels: 3, background: { r: seed, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
        .jpeg({ quality: 95 })
        .toBuffer();
    const frames = await Promise.all(Array.from({ length: 25 }, (_, seed) => noiseJpeg(seed)));
    await publishJpeg(frames[0]!);
    const reader = await MjpegReader.open(`${server.url}/channels/mj/mjpeg`);
    const stalled = await stalledViewer(Number(new URL(server.url).port), '/channels/mj/mjpeg');
    try {
      await waitFor(async () => (await scrape(server.url)).value('image_relay_mjpeg_viewers') === 2, 'two MJPEG viewers');
      const listing = (await (await fetch(`${server.url}/channels`)).json()) as { channels: { channel: string; viewers: number }[] };
      assert.equal(listing.channels.find((entry) => entry.channel === 'mj')?.viewers, 2, 'MJPEG viewers watch the channel too');
      await reader.waitForFrames(1);

      for (let i = 1; i <= 24 && (await scrape(server.url)).value('image_relay_viewers_stuck_total') === 0; i++) {
        await publishJpeg(frames[i]!);
      }
      await waitFor(async () => (await scrape(server.url)).value('image_relay_viewers_stuck_total') === 1, 'the stalled MJPEG viewer cut off as stuck');
      const metrics = await scrape(server.url);
      assert.ok(metrics.value('image_relay_images_delivered_total') >= reader.frames.length, `${reader.frames.length} frames read`);
      assert.ok(metrics.value('image_relay_sent_bytes_total') > reader.frames.reduce((sum, frame) => sum + frame.length, 0));
      assert.ok(metrics.value('image_relay_images_skipped_total') >= 1, 'the stalled viewer skipped frames');
      assert.equal(metrics.value('image_relay_mjpeg_viewers'), 1);
    } finally {
      stalled.destroy();
      reader.close();
      await server.close();
    }
  });

  it('counts images skipped for a slow viewer and the viewer disconnected as stuck', async () => {
    const server = await startRelay({ delivery: { queueMaxImages: 1, stuckTimeoutMs: 300 } });
    const stalled = await stalledViewer(Number(new URL(server.url).port), '/sse-image?channel=slow');
    try {
      await waitFor(() => server.relay.hub.viewerCount('slow') === 1, 'the viewer');
      for (let i = 0; i < 8 && server.relay.hub.viewerCount('slow') === 1; i++) {
        await publishDataUrl(server.url, toDataUrl(solidPng(8, 8, [i, 0, 0], { padToBytes: 4 * MiB, tag: `${i}` })), 'slow');
      }
      await waitFor(() => server.relay.hub.viewerCount('slow') === 0, 'the stuck viewer to be cut off');
      const metrics = await scrape(server.url);
      assert.ok(metrics.value('image_relay_images_skipped_total') >= 1, 'images were skipped');
      assert.equal(metrics.value('image_relay_viewers_stuck_total'), 1);
      assert.equal(metrics.value('image_relay_viewers'), 0);
    } finally {
      stalled.destroy();
      await server.close();
    }
  });

  it('labels viewers by channel only while few channels have viewers', async () => {
    const server = await startRelay();
    const viewers = await Promise.all(
      Array.from({ length: 51 }, (_, index) => SseReader.open(`${server.url}/sse-image?channel=cam-${index}`)),
    );
    try {
      await waitFor(() => server.relay.hub.streamCount === 51, '51 viewers');
      const metrics = await scrape(server.url);
      assert.equal(metrics.value('image_relay_viewers'), 51);
      assert.ok(![...metrics.samples.keys()].some((series) => series.startsWith('image_relay_channel_viewers')));
      viewers.pop()!.close();
      await waitFor(async () => (await scrape(server.url)).value('image_relay_channel_viewers{channel="cam-0"}') === 1, 'labels back at 50 channels');
    } finally {
      for (const viewer of viewers) viewer.close();
      await server.close();
    }
  });

  it('with --data-dir: counts a failed write as backend_unavailable, readiness 0, and the bytes on disk', async () => {
    const data = await tempDataDir();
    const server = await startRelay({ dataDir: { dir: data.dir, maxBytes: 64 * MiB } });
    try {
      assert.equal((await publishDataUrl(server.url, toDataUrl(solidPng(3, 3, [1, 1, 1])), 'cam')).status, 200);
      const stored = await scrape(server.url);
      assert.ok(stored.value('image_relay_data_dir_bytes') > 0);
      await rm(data.dir, { recursive: true });
      assert.equal((await publishDataUrl(server.url, toDataUrl(solidPng(3, 3, [2, 2, 2])), 'cam')).status, 503);
      const failed = await scrape(server.url);
      assert.equal(failed.value('image_relay_refusals_total{error="backend_unavailable"}'), 1);
      assert.equal(failed.value('image_relay_backend_errors_total'), 1);
      assert.equal(failed.value('image_relay_ready'), 0);
      assert.equal(failed.value('image_relay_images_published_total'), 1);
    } finally {
      await server.close();
      await data.remove();
    }
  });

  it('is open without access control, and needs its own token with it', async () => {
    const open = await startRelay();
    const closedWithout = await startRelay({ access: { tokens: 'publisher-secret-0001=publish@*', jwt: undefined } });
    const closed = await startRelay({
      access: { tokens: 'publisher-secret-0001=publish+subscribe@*', jwt: undefined },
      metricsToken: 'metrics-secret-00001',
    });
    try {
      assert.equal((await scrape(open.url)).status, 200);
      const refused = await fetch(`${closedWithout.url}/metrics`);
      assert.equal(refused.status, 403);
      assert.equal(((await refused.json()) as { error: string }).error, 'forbidden');
      assert.equal((await scrape(closed.url)).status, 401);
      assert.equal((await scrape(closed.url, { authorization: 'Bearer publisher-secret-0001' })).status, 401, 'a publish token is not a metrics token');
      const scraped = await scrape(closed.url, { authorization: 'Bearer metrics-secret-00001' });
      assert.equal(scraped.status, 200);
      assert.ok(scraped.value('image_relay_refusals_total{error="unauthorized"}') >= 1);
      assert.ok(scraped.value('image_relay_refusals_total{error="invalid_token"}') >= 1);
    } finally {
      await Promise.all([open.close(), closedWithout.close(), closed.close()]);
    }
  });
});
