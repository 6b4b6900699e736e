import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleepUntil } from 'node:timers/promises';
import { readFixture } from '../support/fixtures.js';
import { startRelay } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait-for.js';

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

  it('holds 300 streams open from one address (a wall of screens behind one proxy)', async () => {
    const server = await startRelay();
    const readers: SseReader[] = [];
    try {
      for (let i = 0; i < 300; i++) readers.push(await SseReader.open(`${server.url}/events?channel=wall-${i % 10}`));
      const refused = readers.filter((reader) => reader.status !== 200).map((reader) => reader.status);
      assert.deepEqual(refused, [], 'no stream refused');
      await waitFor(() => server.relay.hub.streamCount === 300, 'the hub to count all 300 streams');
    } finally {
      for (const reader of readers) reader.close();
      await server.close();
    }
  });
});
