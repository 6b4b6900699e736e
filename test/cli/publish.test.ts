import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { fixturesDir, readFixture } from '../support/fixtures.js';
import { solidPng } from '../support/png.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';

interface Listed {
  images: { id: string; type: string; meta?: Record<string, unknown> }[];
}

async function history(server: RunningRelay, channel: string): Promise<Listed['images']> {
  return ((await (await fetch(`${server.url}/channels/${channel}/images`)).json()) as Listed).images;
}

describe('image-relay publish', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay({ maxImageBytes: 64 * 1024 });
  });
  after(() => server.close());

  it('publishes one file and prints a line for it when piped', async () => {
    const result = await runCli(['publish', path.join(fixturesDir, 'video-001.jpeg'), '--url', server.url, '--channel', 'one', '--caption', 'hello']);
    assert.equal(result.code, 0, result.stderr);
    const [id, channel, file, bytes, size] = result.stdout.trim().split('\t');
    assert.equal(channel, 'one');
    assert.ok(file!.endsWith('video-001.jpeg'));
    assert.equal(Number(bytes), readFixture('video-001.jpeg').length);
    assert.equal(size, '150x103');
    const images = await history(server, 'one');
    assert.deepEqual(images.map((image) => image.id), [id]);
    assert.deepEqual(images[0]!.meta, { caption: 'hello' });
    assert.match(result.stderr, /published 1 of 1 image/);
  });

  it('publishes a folder image by image, in name order, skipping what is not an image by name', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'relay-folder-'));
    for (const [name, source] of [['frame-10.png', 'basn0g01.png'], ['frame-2.png', 'basn0g16.png'], ['frame-1.gif', 'video-001.gif'], ['notes.txt', 'not-an-image.txt']]) {
      copyFileSync(path.join(fixturesDir, source!), path.join(folder, name!));
    }
    const result = await runCli(['publish', folder, '--url', server.url, '--channel', 'folder']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n').map((line) => path.basename(line.split('\t')[2]!));
    assert.deepEqual(lines, ['frame-1.gif', 'frame-2.png', 'frame-10.png']);
    assert.deepEqual((await history(server, 'folder')).map((image) => image.type), ['image/gif', 'image/png', 'image/png']);
  });

  it('publishes an image from stdin', async () => {
    const result = await runCli(['publish', '-', '--url', server.url, '--channel', 'stdin'], { stdin: readFixture('video-001.lossy.webp') });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\tstdin\tstdin\t3266\t150x103/);
    const [image] = await history(server, 'stdin');
    const bytes = Buffer.from(await (await fetch(`${server.url}/channels/stdin/images/${image!.id}`)).arrayBuffer());
    assert.deepEqual(bytes, readFixture('video-001.lossy.webp'));
  });

  it('exits non-zero with the relay’s reason when an image is refused', async () => {
    const notImage = await runCli(['publish', path.join(fixturesDir, 'page.html'), '--url', server.url]);
    assert.equal(notImage.code, 1);
    assert.match(notImage.stderr, /page\.html: The bytes are not an image .*\(not_an_image, 415\)/);
    const large = await runCli(['publish', '-', '--url', server.url], { stdin: solidPng(4, 4, [0, 0, 0], { padToBytes: 100 * 1024 }) });
    assert.equal(large.code, 1);
    assert.match(large.stderr, /larger than this relay accepts.*\(image_too_large, 413\)/);
  });

  it('says what is wrong with its own arguments, with the command help', async () => {
    const none = await runCli(['publish', '--url', server.url]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /name at least one file/);
    assert.match(none.stderr, /Usage: image-relay publish/);
    const help = await runCli(['publish', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--interval MS/);
    const unreachable = await runCli(['publish', path.join(fixturesDir, 'basn0g01.png'), '--url', 'http://127.0.0.1:9', '--retries', '1']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /Cannot reach the relay.*retrying in/);
    assert.match(unreachable.stderr, /basn0g01\.png: Cannot reach the relay/);
  });
});
