import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { HistoryLimits } from '../../../src/core/storage/history-limits.js';
import { DiskBackend } from '../../../src/backend/disk/disk-backend.js';
import { compareEventIds } from '../../../src/core/event-id.js';
import type { ImageRecord } from '../../../src/core/image-record.js';
import { capturingLogger, imageFiles, tempDataDir } from '../../support/data-dir.js';
import { fileSizeLimitSkipReason, limitFileSize } from '../../support/file-size-limit.js';
import { newImage } from '../../support/images.js';
import { waitFor } from '../../support/wait-for.js';

const roomy: HistoryLimits = { maxImagesPerChannel: 100, maxBytesPerChannel: 1e9, maxTotalBytes: 1e9, maxChannels: 100 };

function openBackend(dir: string, overrides: { limits?: Partial<HistoryLimits>; maxBytes?: number } = {}) {
  const { logger, lines } = capturingLogger();
  const opened = DiskBackend.open({
    dir,
    maxBytes: overrides.maxBytes ?? 1e9,
    limits: { ...roomy, ...overrides.limits },
    maxImageBytes: 16 * 1024 * 1024,
    logger,
  });
  return opened.then((backend) => ({ backend, lines }));
}

describe('DiskBackend', () => {
  it('restores every channel, its history, metadata and ids after a restart', async () => {
    const data = await tempDataDir();
    try {
      const first = (await openBackend(data.dir)).backend;
      const published: ImageRecord[] = [];
      for (let i = 0; i < 6; i++) {
        const image = { ...newImage(i % 2 ? 'cam-b' : 'cam-a', 50 + i, i), meta: { step: i, caption: `frame ${i}` } };
        published.push(await first.append(image));
      }
      await first.close();

      const second = (await openBackend(data.dir)).backend;
      try {
        for (const channel of ['cam-a', 'cam-b']) {
          const before = published.filter((record) => record.channel === channel);
          const after = await second.readAfter(channel, '0-0');
          assert.deepEqual(after.map((record) => record.id), before.map((record) => record.id));
          for (const [index, record] of after.entries()) {
            const original = before[index]!;
            assert.ok(record.bytes.read().equals(original.bytes.read()));
            assert.deepEqual(
              { ...record, bytes: undefined, dataUrlText: undefined },
              { ...original, bytes: undefined, dataUrlText: undefined },
            );
          }
        }
        assert.equal((await second.channels()).length, 2);
        const next = await second.append(newImage('cam-a'));
        assert.ok(compareEventIds(next.id, published.at(-1)!.id) > 0, 'a new id sorts after every restored one');
      } finally {
        await second.close();
      }
    } finally {
      await data.remove();
    }
  });

  it('starts cleanly beside a truncated, a damaged, a foreign and a partial file, and says so', async () => {
    const data = await tempDataDir();
    try {
      const first = (await openBackend(data.dir)).backend;
      const records: ImageRecord[] = [];
      for (let i = 0; i < 4; i++) records.push(await first.append(newImage('cam', 1000, i)));
      await first.close();
      const [truncated, damaged, ...intact] = records;
      const file = (id: string): string => path.join(data.dir, `${id}.img`);
      await truncate(file(truncated!.id), 600);
      const damagedBytes = await readFile(file(damaged!.id));
      damagedBytes.writeUInt8(damagedBytes.readUInt8(damagedBytes.length - 10) ^ 0xff, damagedBytes.length - 10);
      await writeFile(file(damaged!.id), damagedBytes);
      await writeFile(path.join(data.dir, 'notes.txt'), 'the operator keeps notes here');
      await writeFile(path.join(data.dir, '99999999999-0.img'), 'not an image file at all');
      await writeFile(path.join(data.dir, `${records.at(-1)!.id.split('-')[0]}-9.img.tmp`), 'half a wri');
      await mkdir(path.join(data.dir, 'lost+found'));

      const { backend, lines } = await openBackend(data.dir);
      try {
        const restored = await backend.readAfter('cam', '0-0');
        assert.deepEqual(restored.map((record) => record.id), intact.map((record) => record.id));
        const warned = (file: string, reason?: string): boolean =>
          lines.some((line) => line.level === 40 && line.file === file && (reason === undefined || line.reason === reason));
        assert.ok(warned(`${truncated!.id}.img`, 'truncated'), 'the truncated file is named in a warning');
        assert.ok(warned(`${damaged!.id}.img`, 'checksum mismatch'), 'the damaged file is named in a warning');
        assert.ok(warned('99999999999-0.img', 'not an image-relay image file'));
        assert.ok(warned('notes.txt') && warned('lost+found'));
        const left = await readdir(data.dir);
        assert.ok(left.includes('notes.txt') && left.includes(`${truncated!.id}.img`), 'what is not ours is left alone');
        assert.ok(!left.some((name) => name.endsWith('.tmp')), 'the partial file is deleted');
        const next = await backend.append(newImage('cam'));
        assert.ok(compareEventIds(next.id, '99999999999-0') > 0, 'ids never reuse one seen on disk');
      } finally {
        await backend.close();
      }
    } finally {
      await data.remove();
    }
  });

  it('applies limits lowered between two runs at start-up, deleting what they evict', async () => {
    const data = await tempDataDir();
    try {
      const first = (await openBackend(data.dir)).backend;
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await first.append(newImage('cam', 200, i))).id);
      await first.close();
      const { backend } = await openBackend(data.dir, { limits: { maxImagesPerChannel: 3 } });
      try {
        assert.deepEqual((await backend.readAfter('cam', '0-0')).map((record) => record.id), ids.slice(-3));
        assert.deepEqual([...(await imageFiles(data.dir)).keys()].sort(), ids.slice(-3).map((id) => `${id}.img`).sort());
      } finally {
        await backend.close();
      }
    } finally {
      await data.remove();
    }
  });

  it('is one relay\'s at a time: a second refuses the directory while the first runs', async () => {
    const data = await tempDataDir();
    try {
      const first = (await openBackend(data.dir)).backend;
      await assert.rejects(openBackend(data.dir), /another image-relay is using/);
      await first.close();
      const second = (await openBackend(data.dir)).backend;
      await second.close();
    } finally {
      await data.remove();
    }
  });

  it('keeps its files within the history limits and its byte bound over 1,000 publishes', async () => {
    const data = await tempDataDir();
    const maxBytes = 40_000;
    const { backend } = await openBackend(data.dir, { limits: { maxImagesPerChannel: 12 }, maxBytes });
    try {
      const channels = ['a', 'b', 'c'];
      let peak = 0;
      for (let i = 0; i < 1000; i++) {
        await backend.append(newImage(channels[i % 3]!, 500 + ((i * 37) % 1500), i % 251));
        const files = await imageFiles(data.dir);
        const onDisk = [...files.values()].reduce((sum, size) => sum + size, 0);
        peak = Math.max(peak, onDisk);
        assert.ok(onDisk <= maxBytes, `publish ${i}: ${onDisk} bytes on disk, over ${maxBytes}`);
        assert.equal(onDisk, backend.diskBytes, 'the backend counts what is on disk');
        const held = (await Promise.all(channels.map((channel) => backend.readAfter(channel, '0-0')))).flat();
        assert.ok(held.every((record) => record.bytes.length > 0));
        assert.equal(files.size, held.length, 'one file per image history holds, no more');
        for (const channel of channels) assert.ok((await backend.readAfter(channel, '0-0')).length <= 12);
      }
      assert.ok(peak > maxBytes / 2, `the bound was reached (peak ${peak})`);
    } finally {
      await backend.close();
      await data.remove();
    }
  });

  it('refuses an image it cannot write with backend_unavailable, and is ready again once the directory is', async () => {
    const data = await tempDataDir();
    const { backend, lines } = await openBackend(data.dir);
    const heard: string[] = [];
    backend.listen((record) => heard.push(record.id));
    try {
      const kept = await backend.append(newImage('cam'));
      await rm(data.dir, { recursive: true });
      await assert.rejects(backend.append(newImage('cam')), { code: 'backend_unavailable' });
      assert.equal(backend.isReady(), false);
      assert.deepEqual(heard, [kept.id], 'nothing that failed reached a listener');
      assert.equal((await backend.latest('cam'))?.id, kept.id);
      assert.ok(lines.some((line) => line.level === 50 && line.msg === 'image could not be written to the data directory'));

      await mkdir(data.dir);
      const deadline = Date.now() + 15_000;
      while (!backend.isReady() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(backend.isReady(), true, 'the probe found the directory writable again');
      const later = await backend.append(newImage('cam'));
      assert.deepEqual([...(await imageFiles(data.dir)).keys()], [`${later.id}.img`]);
    } finally {
      await backend.close();
      await data.remove();
    }
  });

  it('stays not ready while only small writes succeed (a nearly full disk), and is ready once an image-sized one does', { skip: fileSizeLimitSkipReason() }, async () => {
    const data = await tempDataDir();
    const { backend, lines } = await openBackend(data.dir);
    const probed = (): boolean =>
      lines.some((line) => line.msg === 'the data directory still fails writes of this size; probing again' || line.msg === 'the data directory is writable again');
    try {
      limitFileSize(64 * 1024);
      await assert.rejects(backend.append(newImage('cam', 200_000)), { code: 'backend_unavailable' });
      assert.equal(backend.isReady(), false);
      await backend.append(newImage('cam', 100));
      assert.equal(backend.isReady(), false, 'a small image going in does not prove that images do');
      await waitFor(probed, 'the first probe');
      assert.equal(backend.isReady(), false, 'the probe wrote as much as the image that failed, and failed too');
      assert.ok(!lines.some((line) => line.msg === 'the data directory is writable again'));

      limitFileSize('unlimited');
      await waitFor(() => backend.isReady(), 'a probe to pass once image-sized writes do');
      await backend.append(newImage('cam', 200_000));
      assert.ok(!(await readdir(data.dir)).includes('.probe'), 'the probe file is removed');
    } finally {
      limitFileSize('unlimited');
      await backend.close();
      await data.remove();
    }
  });
});
