import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleepUntil } from 'node:timers/promises';
import { readFixture } from '../support/fixtures.js';
import { startRelay } from '../support/relay-harness.js';

const frame = readFixture('video-001.png');

// The relay as `npm start` runs it (no limit overridden) must let real workloads through: issue 13.
describe('default limits', () => {
  it('takes one client publishing 60 images a second for 20 s without a refusal', async () => {
    const server = await startRelay();
    try {
      const framesPerSecond = 60;
      const frames = framesPerSecond * 20;
      const statuses = new Map<number, number>();
      const start = performance.now();
      // One camera on one connection: each frame is sent at its time, or at once if the previous answer was late.
      for (let index = 0; index < frames; index++) {
        const due = start + (index * 1000) / framesPerSecond;
        const wait = due - performance.now();
        if (wait > 0) await sleepUntil(wait);
        const answer = await fetch(`${server.url}/channels/camera/images`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: frame,
        });
        await answer.arrayBuffer();
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
      assert.deepEqual([...statuses], [[201, frames]], 'every frame published, none refused');
    } finally {
      await server.close();
    }
  });
});
