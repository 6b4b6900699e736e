import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli-process.js';
import { tempDataDir } from '../support/data-dir.js';
import { spawnRelay } from '../support/relay-process.js';

describe('image-relay serve says where history is kept', () => {
  it('in memory only, without --data-dir', async () => {
    const relay = await spawnRelay();
    try {
      assert.ok(relay.logLines.some((line) => String(line.msg).startsWith('history is kept in memory only')));
    } finally {
      relay.child.kill('SIGTERM');
      assert.equal(await relay.exited, 0);
    }
  });

  it('on disk, with --data-dir', async () => {
    const data = await tempDataDir();
    const relay = await spawnRelay(['--data-dir', data.dir]);
    try {
      assert.ok(relay.logLines.some((line) => line.msg === `history is kept on disk in ${data.dir}: a restart shows the same images`));
    } finally {
      relay.child.kill('SIGTERM');
      assert.equal(await relay.exited, 0);
      await data.remove();
    }
  });

  it('and refuses to start on a data directory it cannot use, saying why', async () => {
    const data = await tempDataDir();
    try {
      const notADirectory = path.join(data.dir, 'file');
      await writeFile(notADirectory, 'in the way');
      const result = await runCli(['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', path.join(notADirectory, 'data')]);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /--data-dir .* cannot be used: ENOTDIR/);
    } finally {
      await data.remove();
    }
  });

  it('and refuses a data directory another relay is using', async () => {
    const data = await tempDataDir();
    const first = await spawnRelay(['--data-dir', data.dir]);
    try {
      const second = await runCli(['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', data.dir]);
      assert.equal(second.code, 1);
      assert.match(second.stdout, /another image-relay is using/);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
      await data.remove();
    }
  });
});
