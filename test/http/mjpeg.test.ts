import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { ffprobeSkipReason, findFfprobe } from '../support/ffprobe.js';
import { readFixture } from '../support/fixtures.js';
import { MjpegReader } from '../support/mjpeg-reader.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { waitFor } from '../support/wait-for.js';

async function publishBytes(baseUrl: string, channel: string, bytes: Buffer, headers: Record<string, string> = {}): Promise<{ id: string }> {
  const response = await fetch(`${baseUrl}/channels/${channel}/images`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...headers },
    body: bytes,
  });
  assert.equal(response.status, 201);
  return (await response.json()) as { id: string };
}

async function channelViewers(baseUrl: string, channel: string): Promise<number> {
  const { channels } = (await (await fetch(`${baseUrl}/channels`)).json()) as { channels: { channel: string; viewers: number }[] };
  return channels.find((entry) => entry.channel === channel)?.viewers ?? 0;
}

async function jpegInfo(bytes: Buffer): Promise<[string | undefined, number | undefined, number | undefined]> {
  const metadata = await sharp(bytes).metadata();
  return [metadata.format, metadata.width, metadata.height];
}

/** A JPEG of random noise: every call gives different bytes, and noise does not compress (about 1 MB). */
function noiseJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 900, height: 900, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

describe('MJPEG streams', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay();
  });
  after(() => server.close());

  it('sends the latest image at once as a JPEG frame, with the next part opened behind it so a browser shows it', async () => {
    await publishBytes(server.url, 'mj-still', readFixture('video-001.png'));
    const reader = await MjpegReader.open(`${server.url}/channels/mj-still/mjpeg`);
    try {
      assert.equal(reader.status, 200);
      assert.match(reader.response.headers['content-type'] ?? '', /^multipart\/x-mixed-replace; boundary=\S+$/);
      assert.equal(reader.response.headers['cache-control'], 'no-cache');
      // The reader, like Chrome, counts a frame only once the next part's headers follow it: no further image comes.
      const [frame] = await reader.waitForFrames(1);
      assert.deepEqual(await jpegInfo(frame!), ['jpeg', 150, 103]);
      assert.equal(reader.partHeaders[0]!['content-type'], 'image/jpeg');
    } finally {
      reader.close();
    }
  });

  it('repeats the last frame of a still source at the heartbeat interval, keeping proxies from closing it', async () => {
    const relay = await startRelay({ heartbeatIntervalMs: 100 });
    try {
      await publishBytes(relay.url, 'mj-repeat', readFixture('video-001.jpeg'));
      const reader = await MjpegReader.open(`${relay.url}/channels/mj-repeat/mjpeg`);
      try {
        const frames = await reader.waitForFrames(3);
        assert.ok(frames.every((frame) => frame.equals(readFixture('video-001.jpeg'))));
      } finally {
        reader.close();
      }
    } finally {
      await relay.close();
    }
  });

  it('follows the published images in order, sending JPEGs as they are and converting the others', async () => {
    const reader = await MjpegReader.open(`${server.url}/channels/mj-follow/mjpeg`);
    try {
      await publishBytes(server.url, 'mj-follow', readFixture('video-001.jpeg'));
      await reader.waitForFrames(1);
      await publishBytes(server.url, 'mj-follow', readFixture('yellow_rose.lossy-with-alpha.webp'));
      await reader.waitForFrames(2);
      await publishBytes(server.url, 'mj-follow', readFixture('triangle-001.gif'));
      const frames = await reader.waitForFrames(3);
      assert.deepEqual(frames[0], readFixture('video-001.jpeg'), 'a JPEG is sent byte for byte');
      assert.deepEqual(await jpegInfo(frames[1]!), ['jpeg', 400, 301]);
      assert.deepEqual(await jpegInfo(frames[2]!), ['jpeg', 256, 128]);
    } finally {
      reader.close();
    }
  });

  it('converts each image once for all its viewers, and sizes frames with ?w=', async () => {
    const readers = await Promise.all(Array.from({ length: 6 }, () => MjpegReader.open(`${server.url}/channels/mj-shared/mjpeg`)));
    const small = await MjpegReader.open(`${server.url}/channels/mj-shared/mjpeg?w=160`);
    try {
      const before = server.relay.variants.stats.encodes;
      await publishBytes(server.url, 'mj-shared', readFixture('yellow_rose.lossless.webp'));
      const frames = await Promise.all(readers.map(async (reader) => (await reader.waitForFrames(1))[0]!));
      assert.ok(frames.every((frame) => frame.equals(frames[0]!)), 'every viewer gets the same frame');
      const [smallFrame] = await small.waitForFrames(1);
      assert.deepEqual(await jpegInfo(smallFrame!), ['jpeg', 160, 120]);
      assert.equal(server.relay.variants.stats.encodes - before, 2, 'one conversion per size, not per viewer');
    } finally {
      for (const reader of [...readers, small]) reader.close();
    }
  });

  it('refuses non-JPEG formats and out-of-range sizes with 400', async () => {
    for (const query of ['format=webp', 'w=123']) {
      const response = await fetch(`${server.url}/channels/mj-bad/mjpeg?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_variant');
    }
  });

  it('skips an image it cannot convert (a decompression bomb) and carries on', async () => {
    const reader = await MjpegReader.open(`${server.url}/channels/mj-bomb/mjpeg`);
    try {
      await publishBytes(server.url, 'mj-bomb', readFixture('bomb-20000x20000.png'));
      await waitFor(() => server.logLines.some((line) => line.msg === 'no MJPEG frame for this image' && line.channel === 'mj-bomb'), 'the skipped bomb');
      await publishBytes(server.url, 'mj-bomb', readFixture('video-001.png'));
      const [frame] = await reader.waitForFrames(1);
      assert.deepEqual(await jpegInfo(frame!), ['jpeg', 150, 103]);
    } finally {
      reader.close();
    }
  });

  it('skips to the newest frame for a viewer that cannot keep up', async () => {
    const relay = await startRelay({ delivery: { queueMaxImages: 1 } });
    const reader = await MjpegReader.open(`${relay.url}/channels/mj-slow/mjpeg`);
    try {
      reader.pause();
      const images = await Promise.all(Array.from({ length: 16 }, () => noiseJpeg()));
      for (const image of images) await publishBytes(relay.url, 'mj-slow', image);
      reader.resume();
      await waitFor(() => reader.frames.some((frame) => frame.equals(images[15]!)), 'the newest frame');
      assert.ok(reader.frames.length < images.length, `skipped some: got ${reader.frames.length} of ${images.length}`);
      assert.deepEqual(reader.frames.at(-1), images[15]);
    } finally {
      reader.close();
      await relay.close();
    }
  });

  it('needs a subscribe token when access control is on (?access_token= for an <img>)', async () => {
    const guarded = await startRelay({ access: { tokens: 'mjpeg-device-secret-001=publish@cam-* mjpeg-viewer-secret-001=subscribe@cam-*', jwt: undefined } });
    try {
      assert.equal((await fetch(`${guarded.url}/channels/cam-1/mjpeg`)).status, 401);
      assert.equal((await fetch(`${guarded.url}/channels/cam-1/mjpeg?access_token=mjpeg-device-secret-001`)).status, 403);
      await publishBytes(guarded.url, 'cam-1', readFixture('video-001.jpeg'), { authorization: 'Bearer mjpeg-device-secret-001' });
      const reader = await MjpegReader.open(`${guarded.url}/channels/cam-1/mjpeg?access_token=mjpeg-viewer-secret-001`);
      try {
        assert.deepEqual((await reader.waitForFrames(1))[0], readFixture('video-001.jpeg'));
      } finally {
        reader.close();
      }
    } finally {
      await guarded.close();
    }
  });

  it('ends its streams when the relay stops, with the closing delimiter last', async () => {
    const relay = await startRelay();
    await publishBytes(relay.url, 'mj-stop', readFixture('video-001.jpeg'));
    const reader = await MjpegReader.open(`${relay.url}/channels/mj-stop/mjpeg`);
    const idle = await MjpegReader.open(`${relay.url}/channels/mj-stop-empty/mjpeg`);
    await reader.waitForFrames(1);
    await relay.close();
    await waitFor(() => reader.ended && idle.ended, 'the streams to end');
    for (const stream of [reader, idle]) {
      assert.equal(stream.error, undefined);
      assert.equal(stream.closedByServer, true, 'the stream ends with --boundary--');
    }
  });

  it('is read frame by frame by ffmpeg, which finds each part by its delimiter', { skip: ffprobeSkipReason() }, async () => {
    await publishBytes(server.url, 'mj-ffmpeg', readFixture('video-001.png'));
    const ffmpeg = path.join(path.dirname(findFfprobe()!), 'ffmpeg');
    // framemd5 prints one line per decoded frame: two different pictures make two different lines.
    const reading = promisify(execFile)(ffmpeg, ['-v', 'error', '-i', `${server.url}/channels/mj-ffmpeg/mjpeg`, '-frames:v', '2', '-f', 'framemd5', '-'], { timeout: 30_000 });
    await waitFor(async () => (await channelViewers(server.url, 'mj-ffmpeg')) === 1, 'ffmpeg to open the stream');
    await publishBytes(server.url, 'mj-ffmpeg', readFixture('video-005.gray.jpeg'));
    const frames = (await reading).stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    assert.equal(frames.length, 2, frames.join('\n'));
    assert.notEqual(frames[0]!.split(',').at(-1), frames[1]!.split(',').at(-1), 'two different pictures');
  });

  it('is read by ffprobe (Debian ffmpeg) as an MJPEG video stream', { skip: ffprobeSkipReason() }, async () => {
    await publishBytes(server.url, 'mj-ffprobe', readFixture('video-001.png'));
    const { stdout } = await promisify(execFile)(
      findFfprobe()!,
      ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', `${server.url}/channels/mj-ffprobe/mjpeg`],
      { timeout: 30_000 },
    );
    const streams = (JSON.parse(stdout) as { streams: { codec_name: string; width: number; height: number }[] }).streams;
    assert.deepEqual(streams, [{ codec_name: 'mjpeg', width: 150, height: 103 }]);
  });
});
