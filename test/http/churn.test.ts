import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { solidPng } from '../support/png.js';
import { publishDataUrl, startRelay, toDataUrl } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';
import { waitFor } from '../support/wait-for.js';
import { collectGarbage } from '../support/gc.js';

describe('viewers that come and go', () => {
  it('leaves nothing behind after 1,000 connect/disconnect cycles', async () => {
    const server = await startRelay();
    try {
      await publishDataUrl(server.url, toDataUrl(solidPng(2, 2, [9, 9, 9])), 'churn');
      const heapAt = (): number => {
        collectGarbage();
        return process.memoryUsage().heapUsed;
      };
      const cycle = async (): Promise<void> => {
        const viewer = await SseReader.open(`${server.url}/sse-image?channel=churn`);
        await viewer.waitForEvents(1); // fully subscribed: it got the latest image
        viewer.close();
      };
      for (let i = 0; i < 100; i++) await cycle(); // warm up allocations and JIT
      await waitFor(() => server.relay.hub.totalViewers === 0, 'the warm-up viewers to be gone');
      const before = heapAt();
      for (let round = 0; round < 9; round++) await Promise.all(Array.from({ length: 100 }, cycle));
      await waitFor(() => server.relay.hub.totalViewers === 0, 'every viewer to be forgotten');
      const connections = (): Promise<number> =>
        new Promise((resolve, reject) =>
          server.relay.http.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
        );
      await waitFor(async () => (await connections()) <= 1, 'the closed viewers\' sockets to be gone');
      // After a full GC the heap is steady to within a few hundred KB; a leak of 2 KB per viewer shows as 2 MB.
      const growth = heapAt() - before;
      assert.ok(growth < 2 * 1024 * 1024, `heap grew by ${(growth / 1024 / 1024).toFixed(1)} MiB`);
    } finally {
      await server.close();
    }
  });
});
