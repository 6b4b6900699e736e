import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { solidPng } from '../support/png.js';
import { publishDataUrl, startRelay, toDataUrl } from '../support/relay-harness.js';
import { SseReader } from '../support/sse-reader.js';
import { stalledViewer } from '../support/stalled-viewer.js';
import { waitFor } from '../support/wait-for.js';

const MiB = 1024 * 1024;

describe('a viewer that stops reading', () => {
  it('cannot delay healthy viewers or make the relay hold what was published', async () => {
    const server = await startRelay({ history: { maxImagesPerChannel: 4 } });
    const serverSockets = new Set<net.Socket>();
    server.relay.http.server.on('connection', (socket: net.Socket) => serverSockets.add(socket));
    const port = Number(new URL(server.url).port);
    const stalled = await stalledViewer(port, '/sse-image?channel=cam');
    const healthy = await Promise.all(
      Array.from({ length: 5 }, () => SseReader.open(`${server.url}/sse-image?channel=cam`, { keepData: false })),
    );
    try {
      await waitFor(() => server.relay.hub.viewerCount('cam') === 6, 'six viewers');
      let peakBuffered = 0;
      const ids: string[] = [];
      for (let i = 0; i < 100; i++) {
        const image = toDataUrl(solidPng(8, 8, [i, 100, 200], { padToBytes: MiB, tag: `frame-${i}` }));
        const { status, body } = await publishDataUrl(server.url, image, 'cam');
        assert.equal(status, 200);
        ids.push(body.id as string);
        let buffered = 0;
        for (const socket of serverSockets) buffered += socket.writableLength;
        peakBuffered = Math.max(peakBuffered, buffered);
      }
      for (const viewer of healthy) {
        await viewer.waitForEvents(100);
        assert.deepEqual(viewer.events.map((event) => event.id), ids, 'a healthy viewer missed or reordered images');
      }
      // 100 MB went out (133 MB as data: URLs). A relay that wrote to the stalled socket regardless would hold
      // it all in that socket's buffer; ours holds at most a frame or two per viewer.
      assert.ok(peakBuffered < 12 * MiB, `server sockets buffered ${(peakBuffered / MiB).toFixed(1)} MiB`);
      const held = (server.relay.backend as unknown as { heldBytes: number }).heldBytes;
      assert.ok(held < 12 * MiB, `history holds ${(held / MiB).toFixed(1)} MiB`);
    } finally {
      stalled.destroy();
      for (const viewer of healthy) viewer.close();
      await server.close();
    }
  });

  it('is disconnected once it has taken nothing for the stuck timeout', async () => {
    const server = await startRelay({ delivery: { stuckTimeoutMs: 300 } });
    const port = Number(new URL(server.url).port);
    const stalled = await stalledViewer(port, '/sse-image?channel=stuck');
    try {
      await waitFor(() => server.relay.hub.viewerCount('stuck') === 1, 'the viewer');
      const image = toDataUrl(solidPng(8, 8, [1, 2, 3], { padToBytes: 4 * MiB }));
      // Enough to fill the loopback socket buffers so that the relay has to wait for a drain that never comes.
      for (let i = 0; i < 8 && server.relay.hub.viewerCount('stuck') === 1; i++) {
        await publishDataUrl(server.url, image, 'stuck');
      }
      await waitFor(() => server.relay.hub.viewerCount('stuck') === 0, 'the stuck viewer to be cut off');
      await waitFor(
        () => server.logLines.some((line) => line.msg === 'viewer disconnected' && line.reason === 'stuck'),
        'the disconnect to be logged as stuck',
      );
    } finally {
      stalled.destroy();
      await server.close();
    }
  });
});
