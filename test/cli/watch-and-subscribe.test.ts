import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { finished, startCli } from '../support/cli-process.js';
import { fixturesDir, readFixture } from '../support/fixtures.js';
import { startRelay, type RunningRelay } from '../support/relay-harness.js';
import { waitFor } from '../support/wait-for.js';

async function history(server: RunningRelay, channel: string): Promise<{ id: string; bytes: number; type: string }[]> {
  return ((await (await fetch(`${server.url}/channels/${channel}/images`)).json()) as { images: { id: string; bytes: number; type: string }[] }).images;
}

describe('image-relay watch', () => {
  let server: RunningRelay;
  before(async () => {
    server = await startRelay();
  });
  after(() => server.close());

  it('publishes files that appear after it started, a slowly written one once and complete', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'relay-watch-'));
    copyFileSync(path.join(fixturesDir, 'basn0g01.png'), path.join(folder, 'already-there.png'));
    const watcher = startCli(['watch', folder, '--url', server.url, '--channel', 'watched', '--settle-ms', '300']);
    try {
      await waitFor(() => watcher.output.stderr.includes('watching'), 'the watcher to start');
      copyFileSync(path.join(fixturesDir, 'video-001.png'), path.join(folder, 'a.png'));
      await waitFor(async () => (await history(server, 'watched')).length === 1, 'a.png to be published');

      // A camera writing a frame in chunks, pausing between them for less than the settle time.
      const slow = readFixture('photo-like-4000x3000.jpg');
      const handle = await open(path.join(folder, 'b.jpg'), 'w');
      const chunk = Math.ceil(slow.length / 6);
      for (let offset = 0; offset < slow.length; offset += chunk) {
        await handle.write(slow.subarray(offset, offset + chunk));
        await new Promise((resolve) => setTimeout(resolve, 120));
      }
      await handle.close();
      writeFileSync(path.join(folder, 'notes.txt'), 'not an image by name');
      await waitFor(async () => (await history(server, 'watched')).length === 2, 'b.jpg to be published');
      const images = await history(server, 'watched');
      assert.equal(images[1]!.bytes, slow.length, 'published complete, not a partial file');
      assert.equal(images[1]!.type, 'image/jpeg');
      await waitFor(() => watcher.output.stdout.trim().split('\n').length === 2, 'the watcher to report both');
      const lines = watcher.output.stdout.trim().split('\n');
      assert.deepEqual(lines.map((line) => path.basename(line.split('\t')[2]!)), ['a.png', 'b.jpg']);
    } finally {
      watcher.kill('SIGINT');
      assert.equal((await finished(watcher)).code, 0);
    }
    assert.equal((await history(server, 'watched')).length, 2, 'each file published once');
  });
});

describe('image-relay subscribe', () => {
  it('prints each image and saves byte-identical files, resuming across a relay restart', async () => {
    let server = await startRelay();
    const port = new URL(server.url).port;
    const out = mkdtempSync(path.join(os.tmpdir(), 'relay-frames-'));
    const subscriber = startCli(['subscribe', '--channel', 'cam', '--channel', 'cam2', '--out', out, '--url', server.url]);
    try {
      await waitFor(() => subscriber.output.stderr.includes('following'), 'the subscriber to connect');
      const files = ['video-001.png', 'video-001.jpeg', 'yellow_rose.lossless.webp'];
      const ids: string[] = [];
      for (const [index, file] of files.entries()) {
        const response = await fetch(`${server.url}/channels/${index === 1 ? 'cam2' : 'cam'}/images`, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body: readFixture(file),
        });
        ids.push(((await response.json()) as { id: string }).id);
      }
      const saved = (): string[] => readdirSync(out).filter((name) => !name.startsWith('.'));
      await waitFor(() => saved().length === 3, 'three saved images');
      for (const [index, file] of files.entries()) {
        const name = saved().find((candidate) => candidate.startsWith(ids[index]!))!;
        assert.deepEqual(readFileSync(path.join(out, name)), readFixture(file));
      }
      assert.deepEqual(saved().map((name) => path.extname(name)).sort(), ['.jpg', '.png', '.webp']);
      await waitFor(() => subscriber.output.stdout.trim().split('\n').length === 3, 'a line per image');

      await server.close();
      server = await startRelay({ port: Number(port) });
      await waitFor(() => subscriber.output.stderr.includes('reconnecting'), 'the subscriber to notice');
      await waitFor(() => subscriber.output.stderr.split('following').length > 2, 'the subscriber to reconnect', 20_000);
      await fetch(`${server.url}/channels/cam/images`, { method: 'POST', headers: { 'content-type': 'image/gif' }, body: readFixture('video-001.gif') });
      await waitFor(() => saved().length === 4, 'the image published after the restart');
    } finally {
      subscriber.kill('SIGINT');
      assert.equal((await finished(subscriber)).code, 0);
      await server.close();
    }
  });
});
